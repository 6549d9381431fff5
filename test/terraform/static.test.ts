/**
 * Checks of the Terraform code that need no Terraform CLI: it parses, every variable and output is typed and
 * described, the functions' environment is exactly the contract of lambdas/config/contract.ts, no wildcard in
 * any policy, and the README's generated tables match the code. Canonical formatting is checked with
 * `terraform fmt` when the CLI exists (test/terraform/cli.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, type FunctionName } from '../../lambdas/config/contract.js';
import {
  extractSection,
  MARKERS,
  parseHcl,
  readModuleEnvironment,
  readModuleJson,
  readOutputs,
  readVariables,
  renderSections,
} from '../../scripts/docs.js';
import { moduleDirs, ROOT, terraformFiles } from './harness.js';

const FUNCTIONS = Object.keys(ENVIRONMENT) as FunctionName[];

describe('Terraform files', () => {
  const files = terraformFiles();

  it('include the root, three submodules, the examples and the test suites', () => {
    // Arrange / Act
    const dirs = moduleDirs();

    // Assert
    expect(dirs).toEqual(
      expect.arrayContaining([
        '.',
        'modules/table',
        'modules/function',
        'modules/api-authorizers',
        'examples/complete',
        'examples/existing-api',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.tftest.hcl')).length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s parses as HCL', async (file) => {
    // Arrange
    const text = readFileSync(join(ROOT, file), 'utf8');

    // Act
    const json = await parseHcl(file, text);

    // Assert: hcl2json returns the blocks; an empty object would mean nothing was understood.
    expect(Object.keys(json).length).toBeGreaterThan(0);
  });

  it('never break the parser silently: malformed HCL is rejected', async () => {
    // Act / Assert: the parse check above can fail.
    await expect(parseHcl('broken.tf', 'variable "x" {\n  type = \n')).rejects.toThrow();
  });
});

describe.each(moduleDirs())('module %s', (dir) => {
  it('types and describes every variable', async () => {
    // Act
    const variables = await readVariables(join(ROOT, dir));

    // Assert
    const untyped = variables.filter((v) => !v.type).map((v) => v.name);
    const undescribed = variables.filter((v) => !v.description?.trim()).map((v) => v.name);
    expect({ untyped, undescribed }).toEqual({ untyped: [], undescribed: [] });
  });

  it('describes every output', async () => {
    // Act
    const outputs = await readOutputs(join(ROOT, dir));

    // Assert
    expect(outputs.filter((o) => !o.description?.trim()).map((o) => o.name)).toEqual([]);
  });
});

describe('root module interface', () => {
  it('has the documented inputs', async () => {
    // Act
    const names = (await readVariables(ROOT)).map((v) => v.name);

    // Assert
    expect(names).toEqual(
      expect.arrayContaining([
        'user_pool_id',
        'client_ids',
        'token_use',
        'rest_apis',
        'http_apis',
        'existing_authorizers',
        'appsync_api_ids',
        'token_lifetime_seconds',
        'refresh_token_lifetime_seconds',
        'fail_mode',
        'revocation_staleness_seconds',
        'revocation_max_age_seconds',
        'cache_flush_rest_api_stages',
        'cache_flush_http_api_stages',
        'session_claim',
        'pre_token_generation_event_version',
        'runtime',
        'architecture',
        'memory_size',
        'log_retention_in_days',
        'kms_key_arn',
        'point_in_time_recovery_enabled',
        'deletion_protection_enabled',
        'table_replicas',
        'tags',
        'name_prefix',
        // Releases and enterprise settings.
        'create',
        's3_existing_package',
        'role_permissions_boundary',
        'role_path',
        'reserved_concurrent_executions',
        'tracing_mode',
        'vpc_subnet_ids',
        'vpc_security_group_ids',
        'cloudwatch_logs_kms_key_id',
        'existing_table_name',
      ]),
    );
  });

  it('defaults to nodejs22.x on arm64, fail closed, no caches', async () => {
    // Act
    const byName = Object.fromEntries((await readVariables(ROOT)).map((v) => [v.name, v]));

    // Assert
    expect(byName.runtime?.default).toBe('nodejs22.x');
    expect(byName.architecture?.default).toBe('arm64');
    expect(byName.fail_mode?.default).toBe('closed');
    expect(byName.revocation_staleness_seconds?.default).toBe(0);
    expect(byName.cache_flush_rest_api_stages?.default).toEqual({});
    expect(byName.rest_apis?.type).toMatch(/authorizer_result_ttl_in_seconds\s*=\s*optional\(number, 0\)/);
    expect(byName.http_apis?.type).toMatch(/authorizer_result_ttl_in_seconds\s*=\s*optional\(number, 0\)/);
  });

  it('validates every input that has a constrained domain', async () => {
    // Arrange: inputs whose every value is acceptable.
    const free = new Set([
      'tags',
      'consistent_read',
      'point_in_time_recovery_enabled',
      'deletion_protection_enabled',
      'package_dir',
      'cognito_session_management', // a bool
      'create',
      'create_dashboard', // a bool (monitoring.tf)
      'create_role', // an object of optional bools
    ]);
    const json = await readModuleJson(ROOT);

    // Act
    const unvalidated = (json.variable ?? [])
      .flatMap((block) => Object.entries(block))
      .filter(([name, defs]) => !free.has(name) && !(defs as { validation?: unknown[] }[])[0]?.validation)
      .map(([name]) => name);

    // Assert
    expect(unvalidated).toEqual([]);
  });

  it('has the documented outputs', async () => {
    // Act
    const names = (await readOutputs(ROOT)).map((o) => o.name);

    // Assert
    expect(names).toEqual(
      expect.arrayContaining([
        'table_name',
        'table_arn',
        'authorizer_function_name',
        'authorizer_function_arn',
        'authorizer_invoke_arn',
        'rest_api_authorizer_ids',
        'http_api_authorizer_ids',
        'token_trigger_function_arn',
        'pre_token_generation_config',
        'admin_signout_function_name',
        'admin_signout_function_arn',
        'admin_invoke_policy_json',
        'function_names',
        'role_arns',
        'role_policies',
        'log_group_names',
      ]),
    );
  });

  it.each(moduleDirs().filter((d) => !d.startsWith('examples/')))(
    '%s: no output hides an error behind try() (null when switched off comes from `create` / one())',
    async (dir) => {
      // Arrange
      const json = await readModuleJson(join(ROOT, dir));

      // Act
      const masked = (json.output ?? [])
        .flatMap((block) => Object.entries(block))
        .filter(([, defs]) => /\btry\(/.test(String((defs as { value?: unknown }[])[0]?.value)))
        .map(([name]) => name);

      // Assert
      expect(masked).toEqual([]);
    },
  );
});

/** Each function's configuration reader: it reads every variable the function takes, once, at container start. */
const CONFIG_READERS: Record<FunctionName, () => Promise<(env: NodeJS.ProcessEnv) => unknown>> = {
  authorizer: async () => (await import('../../lambdas/verification/config.js')).parseAuthorizerConfig,
  'token-trigger': async () => (await import('../../lambdas/token-trigger/config.js')).readTokenTriggerConfig,
  'admin-signout': async () => (await import('../../lambdas/admin-signout/config.js')).readAdminConfig,
  'auto-revocation': async () =>
    (await import('../../lambdas/auto-revocation/config.js')).readAutoRevocationConfig,
  logout: async () => (await import('../../lambdas/logout/config.js')).readLogoutConfig,
  introspection: async () => (await import('../../lambdas/introspection/config.js')).readIntrospectionConfig,
  'token-revocation': async () =>
    (await import('../../lambdas/token-revocation/config.js')).readTokenRevocationConfig,
  'shared-signals': async () =>
    (await import('../../lambdas/shared-signals/config.js')).readSharedSignalsConfig,
  'global-token-revocation': async () =>
    (await import('../../lambdas/global-token-revocation/config.js')).readGlobalTokenRevocationConfig,
};

/**
 * The names a reader looks up, recorded by an environment that answers nothing, then by one that answers a URL for
 * every name (so the branches taken only when a variable is set run too). Every problem is reported at once, so a
 * configuration error does not hide the names read after it.
 */
async function namesReadBy(fn: FunctionName): Promise<Set<string>> {
  const names = new Set<string>();
  const read = await CONFIG_READERS[fn]();
  for (const answer of [undefined, 'https://issuer.example/x']) {
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get(_target, key) {
        if (typeof key === 'string') names.add(key);
        return answer;
      },
      has(_target, key) {
        if (typeof key === 'string') names.add(key);
        return answer !== undefined;
      },
    });
    try {
      read(env);
    } catch {
      // a configuration error: what matters is which names were looked up
    }
  }
  return names;
}

describe('environment contract (lambdas/config/contract.ts)', () => {
  it.each(FUNCTIONS)('%s: the module sets exactly the variables the function reads', async (fn) => {
    // Arrange
    const contract = ENVIRONMENT[fn].map((v) => v.name).sort();

    // Act
    const set = Object.keys((await readModuleEnvironment(ROOT))[fn]).sort();

    // Assert: both directions, with the difference in the failure message.
    expect({
      readButNotSet: contract.filter((n) => !set.includes(n)),
      setButNotRead: set.filter((n) => !contract.includes(n)),
    }).toEqual({ readButNotSet: [], setButNotRead: [] });
  });

  it.each(FUNCTIONS)('%s: the function reads exactly the contract names', async (fn) => {
    // Arrange: the names its configuration reader looks up, and `env.NAME` / `env['NAME']` anywhere in its sources
    // (a variable read outside the reader).
    const dir = join(ROOT, 'lambdas', fn);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f));
    const direct = /env\.([A-Z][A-Z0-9_]+)|env\[['"]([A-Z][A-Z0-9_]+)['"]\]/g;
    const contract = ENVIRONMENT[fn].map((v) => v.name).sort();

    // Act
    const names = await namesReadBy(fn);
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(direct)) names.add((m[1] ?? m[2])!);
    }
    const read = [...names].filter((n) => /^[A-Z][A-Z0-9_]+$/.test(n) && !n.startsWith('AWS_')).sort();

    // Assert
    expect(read).toEqual(contract);
  });

  it.each(moduleDirs().filter((d) => !d.startsWith('examples/')))(
    '%s: variables only in variables.tf, outputs only in outputs.tf (standard module structure)',
    (dir) => {
      // Arrange
      const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.tf'));

      // Act: top-level blocks of each kind outside their file.
      const misplaced = files.flatMap((f) => {
        const text = readFileSync(join(ROOT, dir, f), 'utf8');
        return [
          ...(f !== 'variables.tf' && /^variable\s+"/m.test(text) ? [`${f}: variable`] : []),
          ...(f !== 'outputs.tf' && /^output\s+"/m.test(text) ? [`${f}: output`] : []),
        ];
      });

      // Assert
      expect(misplaced).toEqual([]);
    },
  );

  it('every function gets its environment from its own local', () => {
    // Arrange: the root's .tf files (local.functions in main.tf names each function's environment local).
    const main = readdirSync(ROOT)
      .filter((f) => f.endsWith('.tf'))
      .map((f) => readFileSync(join(ROOT, f), 'utf8'))
      .join('\n');

    // Act / Assert: every function's entry uses the local the comparison above reads.
    for (const fn of FUNCTIONS) {
      const local = `${fn.replaceAll('-', '_')}_environment`;
      expect(main).toMatch(new RegExp(`environment\\s*=\\s*local\\.${local}\\b`));
    }
  });

  it('every function gets the settings platform teams set (create, role, tracing, VPC, logs key, S3, sizes)', async () => {
    // Arrange
    const json = await readModuleJson(ROOT);
    const calls = (json.module ?? [])
      .flatMap((block) => Object.entries(block))
      .map(([name, defs]) => [name, (defs as Record<string, unknown>[])[0]!] as const)
      .filter(([, def]) => def.source === './modules/function');

    // Act
    const missing = calls.flatMap(([name, def]) =>
      [
        'create',
        'role_name',
        'role_path',
        'role_permissions_boundary',
        'tracing_mode',
        'vpc_subnet_ids',
        'vpc_security_group_ids',
        'cloudwatch_logs_kms_key_id',
        's3_existing_package',
        'reserved_concurrent_executions',
        'memory_size',
        'timeout',
      ]
        .filter((arg) => def[arg] === undefined)
        .map((arg) => `${name}.${arg}`),
    );

    // Assert: one for_each call over local.functions, whose entries (local.all_functions) are the functions, and
    // the token trigger's own call (main.tf says why it cannot be an instance of the for_each).
    expect(calls.map(([name]) => name).sort()).toEqual(['function', 'token_trigger']);
    // hcl2json writes an expression as `${…}`.
    const forEach = String(calls.find(([name]) => name === 'function')![1].for_each);
    expect(forEach.replace(/^\$\{|\}$/g, '')).toBe('local.functions');
    const main = readFileSync(join(ROOT, 'main.tf'), 'utf8');
    for (const fn of FUNCTIONS)
      expect(main).toMatch(new RegExp(`^\\s+${fn.replaceAll('-', '_')} = \\{$`, 'm'));
    expect(missing).toEqual([]);
  });
});

describe('least privilege in the code', () => {
  it('no policy statement in iam.tf names a wildcard action or resource', () => {
    // Arrange
    const iam = readFileSync(join(ROOT, 'iam.tf'), 'utf8');
    const code = iam.replace(/#.*$/gm, '');

    // Act
    const quoted = [...code.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);

    // Assert
    expect(quoted.filter((s) => s === '*' || /:\*$/.test(s) || /^[a-z-]+:\*/.test(s))).toEqual([]);
    expect(quoted).toContain('dynamodb:Query');
  });

  it('the only `*` in a function policy is the log group streams suffix', () => {
    // Arrange
    const fn = readFileSync(join(ROOT, 'modules/function/main.tf'), 'utf8').replace(/#.*$/gm, '');

    // Act
    const stars = [...fn.matchAll(/"[^"\n]*\*[^"\n]*"/g)].map((m) => m[0]);

    // Assert
    expect(stars).toEqual([`"\${local.log_group_arn}:*"`]);
  });
});

describe('documentation references', () => {
  const docs = [
    'docs/terraform.md',
    'examples/complete/README.md',
    'examples/existing-api/README.md',
    'examples/cdktf/README.md',
    'examples/complete/main.tf',
    'examples/complete/outputs.tf',
    'examples/existing-api/outputs.tf',
  ];

  it.each(docs)('%s uses only outputs and inputs the module has', async (file) => {
    // Arrange
    const text = readFileSync(join(ROOT, file), 'utf8');
    const outputs = new Set((await readOutputs(ROOT)).map((o) => o.name));
    const inputs = new Set((await readVariables(ROOT)).map((v) => v.name));

    // Act
    const usedOutputs = [...text.matchAll(/module\.cognito_revocation\.(\w+)/g)].map((m) => m[1]!);
    const unknownOutputs = usedOutputs.filter((o) => !outputs.has(o));
    const moduleBlock = /module "cognito_revocation" \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
    const unknownInputs = [...moduleBlock.matchAll(/^ {2}(\w+)\s*=/gm)]
      .map((m) => m[1]!)
      .filter((name) => name !== 'source' && !inputs.has(name));

    // Assert
    expect({ unknownOutputs, unknownInputs }).toEqual({ unknownOutputs: [], unknownInputs: [] });
  });
});

describe('README generated sections', () => {
  it.each(Object.keys(MARKERS) as (keyof typeof MARKERS)[])(
    '%s table matches the code (`npm run docs`)',
    async (key) => {
      // Arrange
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

      // Act
      const expected = (await renderSections())[key];
      const actual = extractSection(readme, MARKERS[key]);

      // Assert
      expect(actual, `README.md lacks ${MARKERS[key][0]}; run \`npm run docs\``).toBeDefined();
      expect(actual, 'README.md is out of date: run `npm run docs`').toBe(expected);
    },
  );

  it('the env table names every contract variable and its module input', async () => {
    // Act
    const env = (await renderSections()).env;

    // Assert
    for (const fn of FUNCTIONS)
      for (const spec of ENVIRONMENT[fn]) expect(env).toContain(`| \`${spec.name}\` |`);
    expect(env).not.toContain('**not set**');
    expect(env).toContain('`var.user_pool_id`');
  });
});
