/**
 * examples/express, run as its own process the way a container runs it, against the local stack: cognito-local
 * signs the user in, the example (the BUILT library, resolved by the package's own name) accepts the access token,
 * the admin function signs the user out through the revocation service, and the example refuses the same token on
 * the very next request (exact mode). Credentials reach the library through the SDK's default chain (environment).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../local/dynalite.js';
import { DEMO_USER, FUNCTION_NAMES, type LocalStack, startStack } from '../../local/stack.js';
import { ROOT } from '../fixtures/bundles.js';

let stack: LocalStack;
let example: ChildProcess;
let base: string;
let output = '';

beforeAll(async () => {
  stack = await startStack();
  example = spawn(process.execPath, [join(ROOT, 'examples', 'express', 'server.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      USER_POOL_ID: stack.cognito.userPoolId,
      CLIENT_IDS: stack.cognito.clientId,
      TABLE_NAME: stack.tableName,
      JWKS_URI: stack.cognito.jwksUri,
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamo.endpoint,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  example.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  example.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`example did not start: ${output}`)), 20_000);
    example.stdout?.on('data', () => {
      const m = /listening on (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    example.once('exit', (code) => reject(new Error(`example exited with ${code}: ${output}`)));
  });
  base = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  if (example && example.exitCode === null) {
    const exited = new Promise((r) => example.once('exit', r));
    example.kill('SIGTERM');
    await exited;
  }
  await stack?.stop();
});

describe('examples/express against the local stack', () => {
  it('accepts the signed-in user, refuses the same token right after the admin signs the user out', async () => {
    // Arrange
    const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
    const me = () => fetch(`${base}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    // Act
    const before = await me();
    const beforeBody = (await before.json()) as { username?: string };
    const signout = await stack.lambda.invoke(FUNCTION_NAMES.adminSignout, {
      operation: 'signOutUser',
      user: DEMO_USER.username,
      actor: 'e2e',
      reason: 'express example',
    });
    const after = await me();
    const health = await fetch(`${base}/health`);
    // Assert
    expect(before.status).toBe(200);
    expect(beforeBody.username).toBe(DEMO_USER.username);
    expect((signout.payload as { ok?: boolean }).ok).toBe(true);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(health.status).toBe(200);
    expect(output).not.toContain(tokens.accessToken);
  });
});
