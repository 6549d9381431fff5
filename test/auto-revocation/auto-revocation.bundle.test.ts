/**
 * Automatic revocation end to end, on the BUILT functions (dist/auto-revocation, dist/authorizer) against dynalite and
 * cognito-local (patched: AdminUserGlobalSignOut and the `status` filter as Cognito has them; `../support/cognito-recorder.ts` records the calls):
 * - fed a CloudTrail AdminDisableUser record in the shape AWS publishes (test/fixtures/cloudtrail), the function
 *   makes the authorizer refuse that user's existing tokens; a redelivered event changes nothing in the table;
 * - run as a sweep while a user is disabled (no event), the same; a second sweep changes nothing;
 * - a user with recorded sessions who no longer exists is revoked by the sweep;
 * - an AdminUserGlobalSignOut record raises the watermark without calling AdminUserGlobalSignOut again;
 * - a record that hides the user, a failed call or another pool's call writes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminDeleteUserCommand, AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { AutoRevocationResult } from '../../lambdas/auto-revocation/index.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import {
  nowSeconds,
  signAccessToken,
  signIdToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';
import { type CognitoRecorder, startCognitoRecorder } from '../support/cognito-recorder.js';

const TABLE = 'blocklist-auto-revocation';
const PASSWORD = 'Auto-Passw0rd!long';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let proxy: CognitoRecorder;
let jwks: JwksServer;
let capture: Capture;
let auto: { handler: Handler; restore: () => void };
let authorizer: Handler;

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely in tests
type Fixture = Record<string, any>;
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'cloudtrail', name), 'utf8'));

/** A fixture made about `sub` in this test's pool, recorded `secondsAgo` seconds ago. */
function record(name: string, sub: string | undefined, secondsAgo = 2): Fixture {
  const event = fixture(name);
  event.detail.requestParameters.userPoolId = cognito.userPoolId;
  if (sub) event.detail.additionalEventData = { sub };
  event.detail.eventTime = new Date((nowSeconds() - secondsAgo) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return event;
}

async function invokeAuto(event: unknown): Promise<AutoRevocationResult> {
  return (await auto.handler(event, { getRemainingTimeInMillis: () => 30_000 })) as AutoRevocationResult;
}

async function verdict(token: string): Promise<'allow' | 'deny'> {
  try {
    await authorizer({ type: 'TOKEN', methodArn: METHOD_ARN, authorizationToken: `Bearer ${token}` });
    return 'allow';
  } catch {
    return 'deny';
  }
}

/** Every item of the table, sorted: "changes nothing" is compared on this. */
/**
 * The revocation state: every item but the revocation hints (`hint#…`). A hint is a notification for caches, not
 * state: every delivery announces its revocation again (one more hint, 1 h TTL), which at most makes authorizers in
 * staleness mode re-read that user once. Nor is the sweep's stored position (`sweep#cursor`): every run records
 * where it stopped, whether or not it revoked anything.
 */
async function tableState(): Promise<string> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return JSON.stringify(
    (out.Items ?? [])
      .filter((i) => !i.pk?.S?.startsWith('hint#') && i.pk?.S !== 'sweep#cursor')
      .map((i) => JSON.stringify(i))
      .sort(),
  );
}

async function hintCount(): Promise<number> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return (out.Items ?? []).filter((i) => i.pk?.S?.startsWith('hint#')).length;
}

/** Tokens the user got a minute ago (signed by the test key; the sub is the user's). */
function tokensOf(sub: string) {
  const authTime = nowSeconds() - 60;
  return {
    id: signIdToken({ sub, auth_time: authTime, iat: authTime }),
    access: signAccessToken({ sub, auth_time: authTime, iat: authTime }),
  };
}

beforeAll(async () => {
  [dynamo, cognito, jwks] = await Promise.all([startDynalite(), startCognitoLocal(), startJwksServer()]);
  proxy = await startCognitoRecorder(cognito.endpoint);
  await dynamo.createTable(TABLE);
  capture = captureOutput({ stderr: false });
  authorizer = await loadAuthorizer({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  auto = loadWithEnvironment('auto-revocation', {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    REVOKE_ON: '',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: proxy.endpoint,
  });
});
afterAll(async () => {
  capture?.restore();
  auto?.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop(), jwks?.stop(), proxy?.stop()]);
});

describe('event path: CloudTrail records delivered by EventBridge', () => {
  it('AdminDisableUser: the built function makes the authorizer refuse the user’s existing tokens; others keep working', async () => {
    // Arrange: two users with tokens; the admin disables one in the pool (the call CloudTrail records).
    const kim = await cognito.createUser('kim', PASSWORD);
    const lee = await cognito.createUser('lee', PASSWORD);
    const kimTokens = tokensOf(kim.sub);
    const leeTokens = tokensOf(lee.sub);
    expect(await verdict(kimTokens.access)).toBe('allow');
    await cognito.client.send(
      new AdminDisableUserCommand({ UserPoolId: cognito.userPoolId, Username: 'kim' }),
    );
    const signOutsBefore = proxy.signOuts.length;
    // Act
    const outcome = await invokeAuto(record('admin-disable-user.json', kim.sub));
    // Assert
    expect(outcome).toMatchObject({
      handled: 'revoked',
      result: {
        ok: true,
        operation: 'revokeUser',
        user: { username: 'kim', sub: kim.sub, exists: true },
        actor: 'cloudtrail:arn:aws:sts::123456789012:assumed-role/Admin/alice',
        cognitoSignOut: { done: true, by: 'this call' },
        watermark: { written: true, inForce: true },
      },
    });
    expect(proxy.signOuts.slice(signOutsBefore)).toEqual(['kim']);
    expect(await verdict(kimTokens.access)).toBe('deny');
    expect(await verdict(kimTokens.id)).toBe('deny');
    expect(await verdict(leeTokens.access)).toBe('allow');
  });

  it('a redelivered event changes nothing in the table', async () => {
    // Arrange
    const max = await cognito.createUser('max', PASSWORD);
    const event = record('admin-disable-user.json', max.sub, 5);
    await invokeAuto(event);
    const before = await tableState();
    const hintsBefore = await hintCount();
    // Act: EventBridge delivers at least once; the same record again (twice).
    const again = await invokeAuto(structuredClone(event));
    await invokeAuto(structuredClone(event));
    // Assert: the table is unchanged, hints included: the stored watermark already covers the event, so a
    // redelivery writes nothing, announces nothing and says so (never "revoked").
    expect(await tableState()).toBe(before);
    expect(hintsBefore).toBeGreaterThan(0);
    expect(await hintCount()).toBe(hintsBefore);
    expect(again).toMatchObject({ handled: 'unchanged', result: { ok: true } });
    expect(await verdict(tokensOf(max.sub).access)).toBe('deny');
  });

  it('AdminUserGlobalSignOut done outside the module: watermark raised, Cognito not called again', async () => {
    // Arrange
    const ann = await cognito.createUser('ann', PASSWORD);
    const tokens = tokensOf(ann.sub);
    const signOutsBefore = proxy.signOuts.length;
    // Act
    const outcome = await invokeAuto(record('admin-user-global-sign-out.json', ann.sub));
    // Assert
    expect(outcome).toMatchObject({
      handled: 'revoked',
      result: { ok: true, cognitoSignOut: { done: true, by: 'the recorded call' } },
    });
    expect(proxy.signOuts.length).toBe(signOutsBefore);
    expect(await verdict(tokens.access)).toBe('deny');
  });

  it('AdminDeleteUser: the sub alone revokes a user who no longer exists', async () => {
    // Arrange
    const bob = await cognito.createUser('bob', PASSWORD);
    const tokens = tokensOf(bob.sub);
    await cognito.client.send(
      new AdminDeleteUserCommand({ UserPoolId: cognito.userPoolId, Username: 'bob' }),
    );
    // Act
    const outcome = await invokeAuto(record('admin-delete-user.json', bob.sub));
    // Assert
    expect(outcome).toMatchObject({
      handled: 'revoked',
      result: {
        ok: true,
        user: { sub: bob.sub, exists: false },
        cognitoSignOut: { done: true, by: 'the deletion' },
      },
    });
    expect(await verdict(tokens.access)).toBe('deny');
  });

  it.each([
    [
      'a record that hides the user',
      () => record('admin-disable-user-user-hidden.json', undefined),
      'hidden',
    ],
    [
      'a failed call',
      () => record('admin-disable-user-failed.json', '704b1e47-34fe-40e9-8c41-504997494531'),
      'ignored',
    ],
    [
      'another pool',
      () => {
        const e = record('admin-disable-user.json', '704b1e47-34fe-40e9-8c41-504997494531');
        e.detail.requestParameters.userPoolId = 'us-east-1_Other1';
        return e;
      },
      'ignored',
    ],
    ['junk', () => ({ hello: 'world' }), 'invalid'],
  ])('%s writes nothing', async (_name, make, handled) => {
    const before = await tableState();
    expect(await invokeAuto(make())).toMatchObject({ handled });
    expect(await tableState()).toBe(before);
  });
});

describe('sweep', () => {
  it('a disabled user (no event seen) is revoked by the sweep; a second sweep changes nothing', async () => {
    // Arrange: disabled in the pool, but the event never reached the function (no trail, hidden, lost).
    const zoe = await cognito.createUser('zoe', PASSWORD);
    const tokens = tokensOf(zoe.sub);
    await cognito.client.send(
      new AdminDisableUserCommand({ UserPoolId: cognito.userPoolId, Username: 'zoe' }),
    );
    expect(await verdict(tokens.access)).toBe('allow');
    // Act
    const first = await invokeAuto(fixture('scheduled-event.json'));
    const after = await tableState();
    const second = await invokeAuto({ operation: 'sweep' });
    // Assert
    expect(first).toMatchObject({ handled: 'swept', result: { ok: true, operation: 'sweep' } });
    expect(proxy.listFilters).toContain('status = "Disabled"');
    expect(await verdict(tokens.access)).toBe('deny');
    expect(await tableState()).toBe(after);
    const disabled = (second.result as { disabled: { revoked: number; skipped: number } }).disabled;
    expect(disabled.revoked).toBe(0);
    expect(disabled.skipped).toBeGreaterThan(0);
  });

  it('a user with recorded sessions who no longer exists is revoked by the sweep', async () => {
    // Arrange: a session recorded by the token trigger, then the user deleted without the event path.
    const eve = await cognito.createUser('eve', PASSWORD);
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const issuedAt = nowSeconds() - 60;
    await store.record({
      sub: eve.sub,
      username: 'eve',
      sessionId: 'e1e1e1e1',
      clientId: TEST_CLIENT_ID,
      triggerSource: 'TokenGeneration_Authentication',
      issuedAt,
      expiresAt: issuedAt + 3900,
    });
    const tokens = tokensOf(eve.sub);
    await cognito.client.send(
      new AdminDeleteUserCommand({ UserPoolId: cognito.userPoolId, Username: 'eve' }),
    );
    // Act
    const first = await invokeAuto({ operation: 'sweep' });
    const after = await tableState();
    const second = await invokeAuto({ operation: 'sweep' });
    // Assert
    expect((first.result as { deleted: { revoked: number } }).deleted.revoked).toBe(1);
    expect(await verdict(tokens.access)).toBe('deny');
    expect(await tableState()).toBe(after);
    expect((second.result as { deleted: { revoked: number } }).deleted.revoked).toBe(0);
  });
});

describe('failures a retry can fix', () => {
  it('throws (so Lambda retries, then dead-letters) when the table is unreachable', async () => {
    // Arrange: a container whose table endpoint refuses connections.
    const broken = loadWithEnvironment('auto-revocation', {
      TABLE_NAME: TABLE,
      USER_POOL_ID: cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: proxy.endpoint,
      AWS_MAX_ATTEMPTS: '1',
    });
    const sam = await cognito.createUser('sam', PASSWORD);
    try {
      // Act / Assert
      await expect(
        broken.handler(record('admin-disable-user.json', sam.sub), { getRemainingTimeInMillis: () => 5000 }),
      ).rejects.toThrow(/AdminDisableUser/);
    } finally {
      broken.restore();
    }
  });
});

describe('ok means in force: the read-back decides', () => {
  it('a dead-letter replay two days late: the watermark stands where the refresh tokens died, proven by the read-back', async () => {
    // Arrange: a token refreshed a minute ago from a sign-in before the event (auth_time before it, iat after):
    // Cognito's refresh tokens died only when the function signed the user out, not at the event.
    const tia = await cognito.createUser('tia', PASSWORD);
    const twoDays = 2 * 86_400;
    const refreshed = signAccessToken({
      sub: tia.sub,
      auth_time: nowSeconds() - twoDays - 600,
      iat: nowSeconds() - 60,
    });
    expect(await verdict(refreshed)).toBe('allow');
    const mark = capture.offset();
    // Act
    const outcome = await invokeAuto(record('admin-disable-user.json', tia.sub, twoDays));
    // Assert: revoked, and the read-back proves it until the last token the refresh tokens could mint expires.
    expect(outcome.handled).toBe('revoked');
    const audit = capture
      .json(mark)
      .find((l) => l.message === 'admin operation' && l.operation === 'revokeUser');
    const readBack = audit?.readBack as { inForce: boolean; missing: string[] };
    expect(audit).toMatchObject({ ok: true, watermark: { inForce: true } });
    expect(readBack).toMatchObject({ inForce: true, missing: [] });
    expect(await verdict(refreshed)).toBe('deny');
  });
});
