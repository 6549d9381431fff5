/**
 * The event-time rule on the BUILT functions (dist/auto-revocation, dist/authorizer) against dynalite and
 * cognito-local (patched: AdminUserGlobalSignOut as Cognito has it; `../support/cognito-recorder.ts` records the
 * calls):
 * - a revoking event processed late (15 min, 1 h) or replayed from the dead-letter queue (2 days): a token refreshed
 *   between the event and the processing (auth_time before the event, iat after) is refused by the authorizer's own
 *   `decide` on the entries it reads, at every instant until that token expires — the entry's life is counted from
 *   when this function's sign-out ended the refresh tokens, not from the event;
 * - an event whose refresh tokens Cognito ended at the event, replayed after every token expired: nothing written,
 *   never reported in force;
 * - a record that names no pool acts on a username only through one of this pool's app clients;
 * - an event dated ahead of this clock: taken at its own time within a minute, retried (thrown) beyond.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { AutoRevocationResult } from '../../lambdas/auto-revocation/index.js';
import { decide } from '../../lambdas/core/revocation.js';
import type { TokenFacts } from '../../lambdas/core/token.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type CognitoRecorder, startCognitoRecorder } from '../support/cognito-recorder.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import {
  nowSeconds,
  OTHER_CLIENT_ID,
  signAccessToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';

const TABLE = 'blocklist-event-time';
const PASSWORD = 'Event-Passw0rd!long';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders';
const TOKEN_LIFETIME = 3600;
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
const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

/** `name` as `eventName`, about `sub` in this test's pool, at `eventTime`, with its own event id. */
function record(eventName: string, sub: string, eventTime: number): Fixture {
  const event = fixture('admin-disable-user.json');
  event.detail.eventName = eventName;
  event.detail.requestParameters.userPoolId = cognito.userPoolId;
  event.detail.additionalEventData = { sub };
  event.detail.eventTime = isoSeconds(eventTime);
  event.detail.eventID = `${eventName}-${sub}-${eventTime}`;
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

async function tableState(): Promise<string> {
  const out = await dynamo.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return JSON.stringify(
    (out.Items ?? [])
      .filter((i) => !i.pk?.S?.startsWith('hint#'))
      .map((i) => JSON.stringify(i))
      .sort(),
  );
}

/**
 * The thief's token: a session authenticated before the event and refreshed after it, before the function ran
 * (Cognito keeps `auth_time` on a refresh). With `authTime`, a token of a sign-in made at that instant instead.
 */
function refreshedToken(sub: string, eventTime: number, refreshedAt: number, authTime = eventTime - 600) {
  const facts: TokenFacts = {
    sub,
    authTime,
    issuedAt: refreshedAt,
    expiresAt: refreshedAt + TOKEN_LIFETIME,
  };
  const jwt = signAccessToken({ sub, auth_time: facts.authTime, iat: facts.issuedAt, exp: facts.expiresAt });
  return { facts, jwt };
}

/**
 * The instants, from now to the token's expiry (every minute, and the expiry itself, when the verifier still accepts
 * it), at which the authorizer's `decide` on the entries it reads (one strongly consistent query) lets it through.
 */
async function allowedInstants(facts: TokenFacts): Promise<string[]> {
  const entries = await createSdkStore({ client: dynamo.client, tableName: TABLE }).readUser(facts.sub);
  const open: string[] = [];
  const from = nowSeconds();
  const instants = [];
  for (let t = from; t < facts.expiresAt; t += 60) instants.push(t);
  instants.push(facts.expiresAt);
  for (const t of instants)
    if (!decide(facts, entries, t).revoked) open.push(`${isoSeconds(t)} (now + ${t - from} s)`);
  return open;
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
    TOKEN_LIFETIME_SECONDS: String(TOKEN_LIFETIME),
    // 30 days: a session authenticated two days before a replayed event can still be refreshed.
    REFRESH_TOKEN_LIFETIME_SECONDS: String(30 * 86400),
    REVOKE_ON: 'AdminResetUserPassword,AdminUserGlobalSignOut,ConfirmForgotPassword',
    CLIENT_IDS: TEST_CLIENT_ID,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: proxy.endpoint,
  });
});
afterAll(async () => {
  capture?.restore();
  auto?.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop(), jwks?.stop(), proxy?.stop()]);
});

describe('a late or replayed event whose sign-out this function makes', () => {
  it.each([
    ['15 minutes late', 'late15', 15 * 60],
    ['1 hour late', 'late60', 60 * 60],
    ['replayed from the dead-letter queue 2 days later', 'replay2d', 2 * 86400],
  ])('%s: a token refreshed in between is refused until it expires', async (_name, username, lateBy) => {
    // Arrange: the reset happened `lateBy` ago; the thief refreshed a minute before the function runs, and a
    // session was also signed in after the event (before Cognito's sign-out ended its refresh token too).
    const user = await cognito.createUser(username, PASSWORD);
    const eventTime = nowSeconds() - lateBy;
    const thief = refreshedToken(user.sub, eventTime, nowSeconds() - 60);
    const between = refreshedToken(user.sub, eventTime, nowSeconds() - 30, eventTime + 1);
    expect(await verdict(thief.jwt)).toBe('allow');
    const processingFrom = nowSeconds();
    // Act
    const outcome = await invokeAuto(record('AdminResetUserPassword', user.sub, eventTime));
    // Assert: the watermark is when the refresh tokens died (this function's sign-out), not the event.
    expect(outcome).toMatchObject({
      handled: 'revoked',
      result: {
        ok: true,
        cognitoSignOut: { done: true, by: 'this call' },
        watermark: { written: true, inForce: true },
      },
    });
    const notBefore = (outcome.result as { watermark: { notBefore: number } }).watermark.notBefore;
    expect(notBefore).toBeGreaterThanOrEqual(processingFrom);
    expect(notBefore).toBeLessThanOrEqual(nowSeconds() + 1);
    expect(proxy.signOuts).toContain(username);
    expect(await verdict(thief.jwt)).toBe('deny');
    expect(await allowedInstants(thief.facts)).toEqual([]);
    expect(await allowedInstants(between.facts)).toEqual([]);
  });

  it('a redelivery of a late event writes nothing and asks nothing of Cognito', async () => {
    // Arrange
    const user = await cognito.createUser('redelivered', PASSWORD);
    const event = record('AdminResetUserPassword', user.sub, nowSeconds() - 900);
    await invokeAuto(event);
    const before = await tableState();
    const signOuts = proxy.signOuts.length;
    // Act
    const again = await invokeAuto(structuredClone(event));
    // Assert
    expect(again).toMatchObject({ handled: 'unchanged', result: { ok: true } });
    expect((again.result as { skipped?: string }).skipped).toMatch(/already revoked since/);
    expect(await tableState()).toBe(before);
    expect(proxy.signOuts.length).toBe(signOuts);
  });
});

describe('an event whose refresh tokens Cognito ended at the event', () => {
  it('replayed after every token it revokes expired: nothing written, never reported in force', async () => {
    // Arrange: a recorded global sign-out two days ago (refresh tokens dead since then, last token long expired).
    const user = await cognito.createUser('oldsignout', PASSWORD);
    const before = await tableState();
    const mark = capture.offset();
    // Act
    const outcome = await invokeAuto(record('AdminUserGlobalSignOut', user.sub, nowSeconds() - 2 * 86400));
    // Assert
    expect(outcome.handled).toBe('expired');
    expect(JSON.stringify(outcome)).not.toContain('"inForce":true');
    expect(await tableState()).toBe(before);
    expect(capture.json(mark).some((l) => l.handled === 'revoked')).toBe(false);
  });

  it('processed late but within a token lifetime: the entry lives one token lifetime past the event', async () => {
    // Arrange
    const user = await cognito.createUser('recentsignout', PASSWORD);
    const eventTime = nowSeconds() - 900;
    const before = refreshedToken(user.sub, eventTime, eventTime - 5); // issued before Cognito's sign-out
    // Act
    const outcome = await invokeAuto(record('AdminUserGlobalSignOut', user.sub, eventTime));
    // Assert
    expect(outcome).toMatchObject({ handled: 'revoked', result: { watermark: { inForce: true } } });
    expect(await allowedInstants(before.facts)).toEqual([]);
  });
});

describe('a record that names no user pool (a call the user made)', () => {
  function confirmForgotPassword(fields: { username?: string; sub?: string; clientId?: string }): Fixture {
    const event = fixture('confirm-forgot-password.json');
    const params = event.detail.requestParameters;
    if (fields.username) params.username = fields.username;
    if (fields.clientId) params.clientId = fields.clientId;
    else delete params.clientId;
    event.detail.additionalEventData = fields.sub ? { sub: fields.sub } : {};
    event.detail.eventTime = isoSeconds(nowSeconds() - 5);
    event.detail.eventID = `cfp-${fields.username ?? fields.sub}-${fields.clientId ?? 'none'}`;
    return event;
  }

  it.each([
    ['another app client', OTHER_CLIENT_ID],
    ['no app client', undefined],
  ])(
    'a username through %s: ignored with the reason, nothing written, nobody signed out',
    async (_name, clientId) => {
      // Arrange: "pat" exists in this pool; the record may be about a "pat" of another pool.
      const username = `pat-${clientId ?? 'none'}`;
      const pat = await cognito.createUser(username, PASSWORD);
      const token = refreshedToken(pat.sub, nowSeconds() - 30, nowSeconds() - 60).jwt;
      const before = await tableState();
      const signOuts = proxy.signOuts.length;
      const mark = capture.offset();
      // Act
      const outcome = await invokeAuto(
        confirmForgotPassword({ username, ...(clientId ? { clientId } : {}) }),
      );
      // Assert
      expect(outcome.handled).toBe('ignored');
      expect(outcome.reason).toMatch(/names no user pool.*another pool/);
      expect(await tableState()).toBe(before);
      expect(proxy.signOuts.length).toBe(signOuts);
      expect(await verdict(token)).toBe('allow');
      expect(
        capture.json(mark).some((l) => l.handled === 'ignored' && /another pool/.test(String(l.reason))),
      ).toBe(true);
    },
  );

  it('a username through one of this pool’s app clients: revoked', async () => {
    // Arrange
    const quinn = await cognito.createUser('quinn', PASSWORD);
    const token = refreshedToken(quinn.sub, nowSeconds() - 30, nowSeconds() - 60).jwt;
    // Act
    const outcome = await invokeAuto(confirmForgotPassword({ username: 'quinn', clientId: TEST_CLIENT_ID }));
    // Assert
    expect(outcome).toMatchObject({ handled: 'revoked', result: { ok: true, user: { sub: quinn.sub } } });
    expect(await verdict(token)).toBe('deny');
  });

  it('a sub, whatever the app client: revoked', async () => {
    // Arrange
    const ray = await cognito.createUser('ray', PASSWORD);
    const token = refreshedToken(ray.sub, nowSeconds() - 30, nowSeconds() - 60).jwt;
    // Act
    const outcome = await invokeAuto(confirmForgotPassword({ sub: ray.sub, clientId: OTHER_CLIENT_ID }));
    // Assert
    expect(outcome).toMatchObject({ handled: 'revoked', result: { ok: true, user: { sub: ray.sub } } });
    expect(await verdict(token)).toBe('deny');
  });
});

describe('an event dated ahead of this function’s clock', () => {
  it('by 10 minutes: thrown (retried, then dead-lettered), nothing written, never logged as revoked', async () => {
    // Arrange
    const user = await cognito.createUser('ahead', PASSWORD);
    const before = await tableState();
    const signOuts = proxy.signOuts.length;
    const mark = capture.offset();
    // Act
    const attempt = invokeAuto(record('AdminResetUserPassword', user.sub, nowSeconds() + 600));
    // Assert
    await expect(attempt).rejects.toMatchObject({
      name: 'RetryableRevocationError',
      message: expect.stringMatching(/ahead of this function's clock/),
    });
    expect(await tableState()).toBe(before);
    expect(proxy.signOuts.length).toBe(signOuts);
    const lines = capture.json(mark);
    expect(lines.some((l) => l.handled === 'revoked')).toBe(false);
    expect(lines.some((l) => l.handled === 'retry')).toBe(true);
  });

  it('by 30 seconds: taken at its own time (the clock its auth_time comparisons use)', async () => {
    // Arrange
    const user = await cognito.createUser('slightlyahead', PASSWORD);
    const eventTime = nowSeconds() + 30;
    // Act
    const outcome = await invokeAuto(record('AdminResetUserPassword', user.sub, eventTime));
    // Assert
    expect(outcome).toMatchObject({
      handled: 'revoked',
      result: { ok: true, watermark: { notBefore: eventTime, written: true, inForce: true } },
    });
  });
});
