/**
 * The cdktf binding (bindings/cdktf): its props and getters stay in step with variables.tf and outputs.tf, it
 * synthesizes the module block offline, and the example app synthesizes a stack that `terraform validate`
 * accepts (when the CLI and the provider mirror exist).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CognitoRevocation,
  MODULE_ROOT,
  OUTPUTS,
  toModuleVariables,
  VARIABLES,
} from '../../bindings/cdktf/index.js';
import { synthesize } from '../../examples/cdktf/main.js';
import { compactType, readOutputs, readVariables } from '../../scripts/docs.js';
import { createWorkspace, findTerraform, ROOT } from './harness.js';

/** Field names of an object type: `map(object({ a = string, b = optional(number, 0) }))` → [a, b]. */
function objectFields(type: string): string[] {
  const compact = compactType(type);
  const body = /object\(\{(.*)\}\)/.exec(compact)?.[1] ?? '';
  return [...body.matchAll(/(\w+) = /g)].map((m) => m[1]!).sort();
}

type ModuleBlock = Record<string, unknown> & { source: string };

function moduleBlocks(synthesized: string): ModuleBlock[] {
  const json = JSON.parse(synthesized) as { module?: Record<string, ModuleBlock> };
  return Object.values(json.module ?? {});
}

describe('cdktf binding in step with the module', () => {
  it('has one prop per variable of variables.tf', async () => {
    // Arrange
    const variables = (await readVariables(ROOT)).map((v) => v.name).sort();

    // Act
    const props = Object.values(VARIABLES)
      .map((v) => v.name)
      .sort();

    // Assert
    expect(props).toEqual(variables);
  });

  it('renames the fields of every object-typed variable to exactly its Terraform fields', async () => {
    // Arrange
    const byName = Object.fromEntries((await readVariables(ROOT)).map((v) => [v.name, v.type ?? '']));

    // Act / Assert
    let checked = 0;
    for (const spec of Object.values(VARIABLES)) {
      const fields = spec.fields ?? spec.eachValue ?? spec.eachItem;
      const type = byName[spec.name] ?? '';
      if (!/object\(/.test(type)) {
        expect(fields, `${spec.name} is not an object type`).toBeUndefined();
        continue;
      }
      expect(Object.values(fields ?? {}).sort(), spec.name).toEqual(objectFields(type));
      checked++;
    }
    // rest_apis, http_apis, existing_authorizers, table_replicas, memory_size, timeout_seconds, s3_existing_package,
    // reserved_concurrent_executions, automatic_revocation_retry, logout, cache_flush_rest_api_stages,
    // cache_flush_http_api_stages, create_role, role_arn, introspection, token_revocation, shared_signals,
    // global_token_revocation, table_provisioned_capacity
    expect(checked).toBe(19);
  });

  it('has one getter per output of outputs.tf', async () => {
    // Arrange
    const outputs = (await readOutputs(ROOT)).map((o) => o.name).sort();

    // Act
    const mapped = Object.values(OUTPUTS).sort();
    const getters = Object.keys(OUTPUTS).filter(
      (k) => typeof Object.getOwnPropertyDescriptor(CognitoRevocation.prototype, k)?.get === 'function',
    );

    // Assert
    expect(mapped).toEqual(outputs);
    expect(getters.sort()).toEqual(Object.keys(OUTPUTS).sort());
  });
});

describe('cdktf binding: automatic revocation and logout inputs', () => {
  it('renames the logout routes and the retry settings, nested maps included', () => {
    expect(
      toModuleVariables({
        userPoolId: 'eu-west-1_AbCdEf123',
        clientIds: ['c'],
        revokeOn: ['AdminDisableUser'],
        automaticRevocationRetry: { maximumRetryAttempts: 3 },
        logout: {
          httpApis: { shop: { routeKey: 'POST /logout' } },
          restApis: { orders: { parentResourceId: 'root12', pathPart: 'bye' } },
        },
      }),
    ).toMatchObject({
      revoke_on: ['AdminDisableUser'],
      automatic_revocation_retry: { maximum_retry_attempts: 3 },
      logout: {
        http_apis: { shop: { route_key: 'POST /logout' } },
        rest_apis: { orders: { parent_resource_id: 'root12', path_part: 'bye' } },
      },
    });
  });
});

describe('cdktf binding synthesis', () => {
  it('synthesizes the module block with snake_case variables and leaves unset props to the module', () => {
    // Arrange
    const stack = new TerraformStack(Testing.app(), 'test');

    // Act
    const revocation = new CognitoRevocation(stack, 'revocation', {
      source: 'github.com/example/cognito-revocation?ref=v0.1.0',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientIds: ['4b7kq0mv9n2l3c8d5e6f1g0h2j'],
      restApis: { orders: { restApiId: 'a1b2c3d4e5', authorizerResultTtlInSeconds: 0 } },
      httpApis: { catalog: { apiId: 'f6g7h8i9j0', identitySources: ['$request.header.Authorization'] } },
      existingAuthorizers: { legacy: { apiId: 'k1l2m3n4o5', authorizerId: 'x9y8z7' } },
      memorySize: { tokenTrigger: 512 },
      tableReplicas: [{ regionName: 'eu-central-1' }],
      s3ExistingPackage: {
        tokenTrigger: { bucket: 'artifacts', key: 'v0.1.0/token-trigger.zip', versionId: 'v1' },
      },
      reservedConcurrentExecutions: { tokenTrigger: 100 },
      tags: { CostCenter: 'sec' },
    });
    const blocks = moduleBlocks(Testing.synth(stack));

    // Assert
    expect(blocks).toHaveLength(1);
    const { '//': _meta, ...block } = blocks[0]!;
    expect(block).toEqual({
      source: 'github.com/example/cognito-revocation?ref=v0.1.0',
      user_pool_id: 'eu-west-1_AbCdEf123',
      client_ids: ['4b7kq0mv9n2l3c8d5e6f1g0h2j'],
      rest_apis: { orders: { rest_api_id: 'a1b2c3d4e5', authorizer_result_ttl_in_seconds: 0 } },
      http_apis: { catalog: { api_id: 'f6g7h8i9j0', identity_sources: ['$request.header.Authorization'] } },
      existing_authorizers: { legacy: { api_id: 'k1l2m3n4o5', authorizer_id: 'x9y8z7' } },
      memory_size: { token_trigger: 512 },
      table_replicas: [{ region_name: 'eu-central-1' }],
      s3_existing_package: {
        token_trigger: { bucket: 'artifacts', key: 'v0.1.0/token-trigger.zip', version_id: 'v1' },
      },
      reserved_concurrent_executions: { token_trigger: 100 },
      tags: { CostCenter: 'sec' },
    });
    expect(revocation.module.source).toBe('github.com/example/cognito-revocation?ref=v0.1.0');
  });

  it('refuses an unknown nested field instead of dropping it', () => {
    // Act / Assert
    expect(() =>
      toModuleVariables({
        userPoolId: 'eu-west-1_AbCdEf123',
        clientIds: ['c'],
        restApis: { orders: { restApiId: 'a1b2c3d4e5', ttl: 60 } as never },
      }),
    ).toThrow(/Unknown field ttl/);
  });

  it('references outputs as module attributes', () => {
    // Arrange
    const stack = new TerraformStack(Testing.app(), 'test');
    const revocation = new CognitoRevocation(stack, 'revocation', {
      source: 'github.com/example/cognito-revocation',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientIds: ['c'],
    });
    new TerraformOutput(stack, 'policy', { value: revocation.adminInvokePolicyJson });
    new TerraformOutput(stack, 'orders', { value: revocation.restApiAuthorizerId('orders') });
    new TerraformOutput(stack, 'trigger', { value: revocation.preTokenGenerationConfig });

    // Act
    const outputs = (JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: string }> })
      .output;

    // Assert
    expect(outputs.policy?.value).toMatch(
      /^\$\{module\.revocation_module_[A-Z0-9]+\.admin_invoke_policy_json\}$/,
    );
    expect(outputs.orders?.value).toMatch(
      /^\$\{module\.revocation_module_[A-Z0-9]+\.rest_api_authorizer_ids\.orders\}$/,
    );
    expect(outputs.trigger?.value).toMatch(
      /^\$\{module\.revocation_module_[A-Z0-9]+\.pre_token_generation_config\}$/,
    );
  });
});

describe('examples/cdktf', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cognito-revocation-cdktf-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const stackDir = join(outdir, 'stacks', 'cognito-revocation');

  it('synthesizes a stack whose module source points at this repository without copying it', () => {
    // Act
    synthesize(outdir);
    const synthesized = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');

    // Assert
    const [block] = moduleBlocks(synthesized);
    expect(block?.source.startsWith('../')).toBe(true);
    expect(resolve(stackDir, block!.source)).toBe(resolve(MODULE_ROOT));
    expect(existsSync(join(outdir, 'assets'))).toBe(false);
    expect(block).toMatchObject({ user_pool_id: `\${var.user_pool_id}`, token_lifetime_seconds: 3600 });
  });

  it('type-checks against the binding (tsc -p examples/cdktf)', () => {
    // Act
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'examples/cdktf'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

    // Assert
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
  }, 60_000);

  const cli = findTerraform();
  it.skipIf('missing' in cli)(
    'the synthesized stack passes terraform init and validate',
    () => {
      if ('missing' in cli) return;
      // Arrange: the workspace gives the mirror-only CLI config; the stack itself is in outdir.
      const ws = createWorkspace(cli);
      try {
        // Act
        const run = (args: string[]) =>
          spawnSync(cli.bin, args, { cwd: stackDir, env: ws.env, encoding: 'utf8', timeout: 120_000 });
        const init = run(['init', '-backend=false', '-input=false', '-no-color']);
        const validate = run(['validate', '-no-color']);

        // Assert
        expect(init.status, `${init.stdout}${init.stderr}`).toBe(0);
        expect(validate.status, `${validate.stdout}${validate.stderr}`).toBe(0);
      } finally {
        ws.dispose();
      }
    },
    120_000,
  );
});
