/**
 * The admin signout bundle (dist/admin-signout/index.js) with the SDK's standard endpoint overrides pointing at
 * dynalite and cognito-local. Nothing is mocked: cognito-local does not implement AdminUserGlobalSignOut, so the
 * result must say that Cognito's sign-out did not happen while the table writes did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { AdminResult, SignOutResult } from '../../lambdas/revocation/results.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { loadBundle } from '../fixtures/bundles.js';
import { captureOutput } from '../support/capture.js';
import { startDynamoProxy } from '../fixtures/dynamo-proxy.js';
import { startBlackhole } from '../fixtures/network.js';

type Handler = (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<AdminResult>;
const TABLE = 'blocklist-admin-bundle';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let frank: { username: string; sub: string };

function admin(env: Record<string, string | undefined> = {}): Handler {
  return loadBundle<{ handler: Handler }>('admin-signout', {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    ...env,
  }).handler;
}
const context = { getRemainingTimeInMillis: () => 30_000 };
/**
 * How late past the end of its invocation a handler may answer here: what a machine at a load average of 10+ may
 * add to the 1.5 s the handler keeps back, while a handler that ignores its remaining time (25 s default budget)
 * still answers far later.
 */
const LOAD_SLACK_MS = 10_000;

/**
 * A `signOutUser` of frank by the built handler with `remainingMs` left, against a Cognito endpoint that accepts
 * connections and never answers: its answer ('no answer' when none came by the end of the invocation), how long
 * it took, and whether it wrote its failed audit line.
 */
async function signOutAgainstSilentCognito(
  remainingMs: number,
): Promise<{ answer: AdminResult | 'no answer'; elapsed: number; audit: boolean }> {
  const hole = await startBlackhole();
  const handler = admin({ AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: hole.endpoint });
  const output = captureOutput({ stderr: false });
  const started = Date.now();
  const end = started + remainingMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      handler(
        { operation: 'signOutUser', user: 'frank', actor: 'ops', reason: 'test' },
        { getRemainingTimeInMillis: () => end - Date.now() },
      ),
      new Promise<'no answer'>((resolve) => {
        timer = setTimeout(() => resolve('no answer'), remainingMs);
      }),
    ]);
    return {
      answer,
      elapsed: Date.now() - started,
      audit: output.json().some((l) => l.message === 'admin operation' && l.ok === false),
    };
  } finally {
    clearTimeout(timer);
    output.restore();
    await hole.stop();
  }
}

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  frank = await cognito.createUser('frank', 'Passw0rd!long');
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), cognito?.stop()]);
});

describe('admin signout bundle against cognito-local and dynalite', () => {
  it('signOutUser: writes the watermark, the window’s session revocation and the marks, after Cognito’s global sign-out (patched cognito-local)', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const now = Math.floor(Date.now() / 1000);
    await store.record({
      sub: frank.sub,
      username: 'frank',
      sessionId: 'f-1',
      clientId: 'c',
      triggerSource: 'TokenGeneration_Authentication',
      issuedAt: now,
      expiresAt: now + 3900,
    });
    const handler = admin();
    const output = captureOutput({ stderr: false });
    // Act
    let result: SignOutResult;
    try {
      result = (await handler(
        { operation: 'signOutUser', user: 'frank', actor: 'ops', reason: 'test' },
        context,
      )) as SignOutResult;
    } finally {
      output.restore();
    }
    // Assert
    expect(result.ok).toBe(true);
    expect(result.cognitoSignOut).toEqual({ done: true });
    expect(result.watermark).toMatchObject({ written: true, inForce: true });
    expect(result.sessions).toEqual({ outstanding: 1, revoked: 1, unmarked: [], window: 1, unwritten: [] });
    const entries = await store.readUser(frank.sub);
    expect(entries.map((e) => `${e.scope}#${e.id}`).sort()).toEqual([`session#f-1`, `user#${frank.sub}`]);
    const watermark = entries.find((e) => e.scope === 'user');
    // Refresh tokens revoked by Cognito's sign-out: the watermark lives one token lifetime (+ skew).
    expect(watermark?.expiresAt).toBe((watermark?.notBefore ?? 0) + 3600 + 300);
    const audit = output.json().find((l) => l.message === 'admin operation');
    expect(audit).toMatchObject({
      audit: true,
      operation: 'signOutUser',
      ok: true,
      actor: 'ops',
      reason: 'test',
      cognitoSignOut: true,
    });
  });

  it('stops retrying at the Lambda deadline and reports exactly which session records were not marked', async () => {
    // Arrange: a table that keeps answering part of every batch write (the inventory marks) as unprocessed.
    const proxy = await startDynamoProxy(dynamo.endpoint);
    proxy.leaveUnprocessed(1_000_000);
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const judy = await cognito.createUser('judy', 'Passw0rd!long');
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 30; i++) {
      await store.record({
        sub: judy.sub,
        username: 'judy',
        sessionId: `j-${i}`,
        clientId: 'c',
        triggerSource: 'TokenGeneration_Authentication',
        issuedAt: now - 1000, // outside the cross-clock window: only the marks are written
        expiresAt: now + 3900,
      });
    }
    const handler = admin({ AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint });
    const output = captureOutput({ stderr: false });
    // Act: the invocation ends 3 s from now, by a remaining-time clock that runs with the real one (as Lambda's
    // does) → the operation stops retrying 1.5 s before that end.
    const end = Date.now() + 3000;
    let result: SignOutResult;
    try {
      result = (await handler(
        { operation: 'signOutUser', user: 'judy', actor: 'ops', reason: 'test' },
        { getRemainingTimeInMillis: () => end - Date.now() },
      )) as SignOutResult;
    } finally {
      output.restore();
      await proxy.stop();
    }
    const answeredAfterEnd = Date.now() - end;
    // Assert: it gave up by the deadline it was given. A handler that ignored the remaining time would retry for
    // its 25 s default budget, answering ~22 s after the end; the bound leaves a loaded machine 1.5 s of margin plus
    // LOAD_SLACK_MS to answer in, and still fails that handler.
    expect(answeredAfterEnd).toBeLessThan(LOAD_SLACK_MS);
    expect(result.ok).toBe(false);
    const { outstanding, revoked, unmarked, unwritten } = result.sessions;
    expect(outstanding).toBe(30);
    expect(result.sessions.window).toBe(0);
    expect(unwritten).toEqual([]);
    expect(unmarked.length).toBeGreaterThan(0);
    expect(revoked + unmarked.length).toBe(30);
    expect(result.error?.message).toContain(
      `${unmarked.length} of 30 session records were not marked revoked`,
    );
    // The report never claims a mark the table lacks...
    const records = await store.listByUser(judy.sub);
    const marked = new Set(records.filter((s) => s.revokedAt !== undefined).map((s) => s.sessionId));
    expect(records.filter((s) => !unmarked.includes(s.sessionId) && !marked.has(s.sessionId))).toEqual([]);
    // ...and what it reports unmarked is unmarked, but for the writes of a batch call the deadline cut off: the handler
    // never saw that call's answer and errs on the side of "not done" (a rerun settles it). A slow machine makes that
    // likelier. Such a call is the last of its chain: no later call carries a request it answered as unprocessed.
    const ids = (requests: unknown[]) =>
      requests.map(
        (r) =>
          (r as { PutRequest?: { Item?: { sessionId?: { S?: string } } } }).PutRequest?.Item?.sessionId?.S,
      );
    const calls = proxy.splitBatchWrites.map((c) => ({
      forwarded: ids(c.forwarded),
      unprocessed: ids(c.unprocessed),
    }));
    const lastOfChain = calls.filter(
      (call, i) =>
        !calls
          .slice(i + 1)
          .some((later) =>
            [...later.forwarded, ...later.unprocessed].some((id) => call.unprocessed.includes(id)),
          ),
    );
    const inDoubt = new Set(lastOfChain.flatMap((call) => call.forwarded));
    expect(unmarked.filter((id) => marked.has(id) && !inDoubt.has(id))).toEqual([]);
    // The test's own limit: a handler that ignores its deadline fails the bound above rather than timing out.
  }, 60_000);

  it('a Cognito endpoint that never answers: the signout still answers, with a clear error, before the invocation ends', async () => {
    // Arrange: Cognito accepts connections and never answers. The SDK's requestTimeout only warns unless
    // throwOnRequestTimeout is set, so without it the user lookup waited for ever and the invocation ended with no
    // result and no audit line.
    // Act
    const { answer, audit } = await signOutAgainstSilentCognito(25_000);
    // Assert
    expect(answer).not.toBe('no answer');
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'directory_error', message: expect.stringContaining('could not look up user "frank"') },
    });
    expect(audit).toBe(true);
  }, 60_000);

  it('a Cognito endpoint that never answers: the lookup ends at the invocation’s deadline, not after the SDK’s own bounds', async () => {
    // Arrange: 2.5 s left. The SDK's bounds alone (5 s per attempt, 2 attempts) would answer about 10 s after the
    // start, long after the invocation ended; the deadline signal ends the lookup at the handler's own deadline.
    // Act
    const { answer, elapsed, audit } = await signOutAgainstSilentCognito(2_500);
    // Assert: about 1 s here; the SDK's bounds alone give 10 s, more than the slack a loaded box needs.
    expect(elapsed).toBeLessThan(7_000);
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'directory_error', message: expect.stringContaining('could not look up user "frank"') },
    });
    expect(audit).toBe(true);
  }, 60_000);

  it('listSessions shows the revoked session; inspect explains it', async () => {
    // Arrange
    const handler = admin();
    // Act
    const list = await handler({ operation: 'listSessions', user: frank.sub }, context);
    const inspect = await handler({
      operation: 'inspect',
      token: { sub: frank.sub, iat: Math.floor(Date.now() / 1000) - 5, sessionId: 'f-1' },
    });
    // Assert
    expect(list).toMatchObject({
      ok: true,
      user: { username: 'frank', sub: frank.sub },
      counts: { active: 0, revoked: 1, expired: 0 },
    });
    expect(inspect).toMatchObject({ ok: true, revoked: true });
  });

  it('revokeToken writes and reports the entry', async () => {
    const result = await admin()(
      { operation: 'revokeToken', user: frank.sub, jti: 'tok-1', actor: 'ops', reason: 'leaked' },
      context,
    );
    expect(result).toMatchObject({
      ok: true,
      written: true,
      user: frank,
      revocation: { scope: 'token', id: 'tok-1' },
      propagation: { ok: true, flushes: [] },
    });
  });

  it('a user that does not exist is a clear error', async () => {
    const result = await admin()({ operation: 'listSessions', user: 'ghost' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'user_not_found', message: expect.stringContaining('ghost') },
    });
  });

  it('bad input answers invalid_request instead of throwing', async () => {
    const result = await admin()({ operation: 'revokeToken', actor: 'ops', reason: 'r' });
    expect(result).toMatchObject({
      ok: false,
      operation: 'revokeToken',
      error: { code: 'invalid_request', message: '"jti" is required' },
    });
  });

  it('a missing USER_POOL_ID answers a configuration error on every call', async () => {
    // Arrange
    const output = captureOutput({ stderr: false });
    let result: unknown;
    // Act
    try {
      result = await admin({ USER_POOL_ID: undefined })({ operation: 'listSessions', user: 'frank' });
    } finally {
      output.restore();
    }
    // Assert
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'configuration', message: expect.stringContaining('USER_POOL_ID') },
    });
    expect(output.json().some((l) => l.level === 'error' && l.message === 'misconfigured')).toBe(true);
  });
});
