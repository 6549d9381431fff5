/**
 * The built CLI (dist/cli/index.js) as a user runs it, against a local stack: the Lambda Invoke endpoint from
 * local/lambda-endpoint.ts hosting the admin-signout bundle, dynalite, cognito-local. Nothing is mocked.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../local/lambda-endpoint.js';
import { signIdToken } from '../fixtures/tokens.js';
import { bundleFile, ROOT } from '../fixtures/bundles.js';

const TABLE = 'blocklist-cli';
const FUNCTION = 'admin-signout';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let lambda: LambdaEndpoint;
let gina: { username: string; sub: string };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { stdin?: string; withEndpoint?: boolean } = {}): Promise<Run> {
  const base =
    options.withEndpoint === false ? [] : ['--endpoint-url', lambda.endpoint, '--function', FUNCTION];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  env.AWS_REGION = 'us-east-1';
  env.AWS_CONFIG_FILE = '/nonexistent';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
  env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', bundleFile('cli'), ...base, ...args], {
      cwd: ROOT,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  gina = await cognito.createUser('gina', 'Passw0rd!long');
  lambda = await startLambdaEndpoint({
    functions: [
      {
        name: FUNCTION,
        bundle: bundleFile('admin-signout'),
        env: {
          TABLE_NAME: TABLE,
          USER_POOL_ID: cognito.userPoolId,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
          TOKEN_LIFETIME_SECONDS: '3600',
        },
      },
    ],
  });
  const now = Math.floor(Date.now() / 1000);
  const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
  await store.record({
    sub: gina.sub,
    username: 'gina',
    sessionId: 'g-session-1',
    clientId: 'client-a',
    triggerSource: 'TokenGeneration_Authentication',
    issuedAt: now - 60,
    expiresAt: now + 3840,
  });
});
afterAll(async () => {
  await Promise.all([lambda?.stop(), dynamo?.stop(), cognito?.stop()]);
});

describe('help and usage', () => {
  it('--help lists every command, exits 0', async () => {
    const run = await cli(['--help'], { withEndpoint: false });
    expect(run.code).toBe(0);
    for (const command of ['signout', 'revoke-session', 'revoke-token', 'sessions', 'check', 'Exit codes'])
      expect(run.stdout).toContain(command);
  });

  it('without --function: exit 2 and says how to name it', async () => {
    const run = await cli(['sessions', 'gina'], { withEndpoint: false });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--function');
  });

  it('a mutating command without --reason: exit 2', async () => {
    const run = await cli(['signout', 'gina']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'--reason <text>' not specified");
  });

  it('an unknown function: exit 3 with the invoke error', async () => {
    const run = await cli(
      ['--endpoint-url', lambda.endpoint, '--function', 'no-such-fn', 'sessions', 'gina'],
      { withEndpoint: false },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/could not invoke no-such-fn: ResourceNotFoundException/);
  });
});

describe('against the admin function', () => {
  it('sessions: a table with the recorded session, exit 0', async () => {
    const run = await cli(['sessions', 'gina']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sessions of gina');
    expect(run.stdout).toMatch(/SESSION\s+STATE\s+ISSUED\s+EXPIRES\s+CLIENT\s+SOURCE/);
    expect(run.stdout).toMatch(/g-session-1\s+active\s+/);
  });

  it('a user that does not exist: exit 1 with user_not_found', async () => {
    const run = await cli(['sessions', 'nobody-here']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('user_not_found');
  });

  it('check: NOT REVOKED before, REVOKED after a signout, never printing the token (read from stdin)', async () => {
    // Arrange
    const now = Math.floor(Date.now() / 1000) - 2;
    const token = signIdToken({ sub: gina.sub, iat: now, auth_time: now, revocation_sid: 'g-session-1' });
    // Act
    const before = await cli(['check', '-'], { stdin: token });
    await new Promise((r) => setTimeout(r, 1100)); // the watermark has second granularity
    const signout = await cli(['signout', 'gina', '--reason', 'stolen phone', '--actor', 'secops']);
    const after = await cli(['check', '-'], { stdin: token });
    const list = await cli(['--json', 'sessions', 'gina']);
    // Assert
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^NOT REVOKED/);
    // cognito-local (patched) signs the user out at Cognito too: the signout is complete, exit 0.
    expect(signout.code).toBe(0);
    expect(signout.stdout).toContain('Signed out gina');
    expect(signout.stdout).toMatch(/Cognito global sign-out\s+done/);
    expect(signout.stdout).toMatch(/Sessions revoked\s+1 of 1 outstanding/);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^REVOKED/);
    expect(after.stdout).toContain('by secops');
    expect(after.stdout).toContain('signature NOT verified');
    for (const run of [before, signout, after]) {
      expect(run.stdout + run.stderr).not.toContain(token);
      expect(run.stdout + run.stderr).not.toContain(token.split('.')[1]);
    }
    const parsed = JSON.parse(list.stdout);
    expect(parsed.sessions[0]).toMatchObject({ sessionId: 'g-session-1', state: 'revoked' });
  });

  it('revoke-session: a UUID is taken as an origin_jti, anything else as a session id', async () => {
    const origin = await cli([
      '--json',
      'revoke-session',
      '0b9f6c1e-2d3a-4b5c-8d7e-6f5a4b3c2d1e',
      '--user',
      'gina',
      '--reason',
      'r',
    ]);
    // An id read from a token whose issuance was never recorded: only with --force.
    const session = await cli([
      'revoke-session',
      'Zx8s7Q1m0LkP2wE3rT4yUi',
      '--user',
      gina.sub,
      '--reason',
      'r',
      '--force',
    ]);
    const nobody = await cli(['revoke-session', 'Zx8s7Q1m0LkP2wE3rT4yUi', '--reason', 'r']);
    expect(origin.code).toBe(0);
    expect(JSON.parse(origin.stdout).revocation.scope).toBe('origin');
    expect(JSON.parse(origin.stdout).user).toEqual(gina);
    expect(session.code).toBe(0);
    expect(session.stdout).toContain(`Revoked session Zx8s7Q1m0LkP2wE3rT4yUi of gina (sub ${gina.sub})`);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain("'--user <user>' not specified");
  });

  it('revoke-session: an id that matches no recorded session (a prefix, 1234) exits 2 and writes nothing', async () => {
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const before = JSON.stringify(await store.readUser(gina.sub));
    const prefix = await cli(['revoke-session', 'g-session', '--user', 'gina', '--reason', 'r']);
    const digits = await cli(['--json', 'revoke-session', '1234', '--user', 'gina', '--reason', 'r']);
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain('Error (session_not_found): no recorded session "g-session"');
    expect(digits.code).toBe(2);
    expect(JSON.parse(digits.stdout)).toMatchObject({ ok: false, matched: false, written: false });
    expect(JSON.stringify(await store.readUser(gina.sub))).toBe(before);
  });

  it('revoke-session -- <id> --user <user>: the documented "--" before the id works with the options after it', async () => {
    const run = await cli([
      'revoke-session',
      '--',
      'g-session-1',
      '--user',
      'gina',
      '--reason',
      'lost phone',
    ]);
    const flag = await cli(['revoke-session', '--', '-g-not-an-option', '--user', 'gina', '--reason', 'r']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Revoked session g-session-1 of gina');
    // An id that starts with "-" stays an id (and, recorded nowhere, is refused as one).
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('no recorded session "-g-not-an-option"');
  });

  it('revoke-token with a jti needs --user; --exp; a bad --exp is a usage error', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const good = await cli([
      '--json',
      'revoke-token',
      'jti-cli-1',
      '--user',
      'gina',
      '--exp',
      String(exp),
      '--reason',
      'r',
    ]);
    const bad = await cli(['revoke-token', 'jti-cli-2', '--user', 'gina', '--exp', 'soon', '--reason', 'r']);
    const whose = await cli(['revoke-token', 'jti-cli-3', '--reason', 'r']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).revocation.expiresAt).toBe(exp + 300);
    expect(bad.code).toBe(2);
    expect(whose.code).toBe(2);
    expect(whose.stderr).toContain('whose token?');
  });

  it('revoke-token with the token itself (stdin): user, jti and exp come from the token, which is never printed', async () => {
    // Arrange
    const exp = Math.floor(Date.now() / 1000) + 900;
    const token = signIdToken({ sub: gina.sub, jti: 'jti-from-token', exp });
    // Act
    const run = await cli(['--json', 'revoke-token', '-', '--reason', 'leaked'], { stdin: token });
    const check = await cli(['check', '-'], { stdin: token });
    // Assert
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      user: gina,
      revocation: { scope: 'token', id: 'jti-from-token', expiresAt: exp + 300 },
    });
    expect(check.stdout).toMatch(/^REVOKED/);
    for (const r of [run, check]) expect(r.stdout + r.stderr).not.toContain(token.split('.')[1]);
  });

  it('check with something that is not a JWT: exit 2, nothing sent', async () => {
    const run = await cli(['check', 'not-a-token']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a JWT');
  });
});
