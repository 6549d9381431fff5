/**
 * A pool that already has a pre-token-generation function adopts the module with one setting
 * (CHAINED_TRIGGER_FUNCTION), end to end on the local stack: cognito-local invokes the token-trigger bundle, which
 * chains a stand-in for the pool's function (test/token-trigger/fixtures/chained-stand-in.cjs, adding `tenant`); both
 * claims reach the tokens cognito-local issues, the API accepts them, signing the user out still revokes them, and
 * the stand-in failing fails the sign-in.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, type LocalStack, startStack } from '../../local/stack.js';
import { ROOT } from '../fixtures/bundles.js';

const STAND_IN = join(ROOT, 'test', 'token-trigger', 'fixtures', 'chained-stand-in.cjs');
const NAME = 'existing-pre-token-generation';

let stack: LocalStack;

const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

const status = async (token: string) =>
  (await fetch(`${stack.api.urls.httpApi}/orders`, { headers: { Authorization: `Bearer ${token}` } })).status;

beforeAll(async () => {
  stack = await startStack({ chainedTrigger: { name: NAME, bundle: STAND_IN } });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe('chaining the pool’s existing pre-token-generation function', () => {
  it('both claims end up in the ID and access tokens; the API accepts them and a signout revokes them', async () => {
    // Arrange
    const tokens = await stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
    const id = claims(tokens.idToken);
    const access = claims(tokens.accessToken);
    // Act
    const before = await status(tokens.accessToken);
    const signout = await stack.lambda.invoke(stack.functions.adminSignout, {
      operation: 'signOutUser',
      user: DEMO_USER.username,
      actor: 'test',
      reason: 'chained trigger test',
    });
    const after = await status(tokens.accessToken);
    // Assert
    expect(id.tenant).toBe('acme');
    expect(access.tenant).toBe('acme');
    expect(access.plan).toBe('gold');
    expect(id.revocation_sid).toMatch(/^[0-9a-f]{44}$/);
    expect(access.revocation_sid).toBe(id.revocation_sid);
    expect(before).toBe(200);
    expect(signout.functionError).toBeUndefined();
    expect(signout.payload).toMatchObject({ ok: true });
    expect(after).toBe(403); // HTTP API: a Lambda authorizer's refusal is 403
  });

  it('the stand-in failing fails the sign-in, and the trigger’s log says why', async () => {
    // Arrange
    stack.lambda.deploy({ name: NAME, bundle: STAND_IN, env: { STAND_IN_MODE: 'throw' }, timeoutMs: 5000 });
    // Act
    const signIn = stack.cognito.signIn(DEMO_USER.username, DEMO_USER.password);
    // Assert
    await expect(signIn).rejects.toThrow();
    const lines = stack.lambda.logs(stack.functions.tokenTrigger).map((l) => l.trim());
    expect(lines.some((l) => l.includes('"message":"chained trigger failed; sign-in refused"'))).toBe(true);
  });
});
