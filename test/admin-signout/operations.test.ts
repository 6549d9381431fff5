/**
 * The admin operations (lambdas/admin-signout/operations.ts) against real parts: the SDK store on dynalite and the
 * Cognito directory on cognito-local for AdminGetUser / ListUsers.
 *
 * Mocked: AdminUserGlobalSignOut only, with aws-sdk-client-mock, because cognito-local does not implement it. The
 * sign-out goes through its own mocked client; every other Cognito call reaches cognito-local.
 */
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCognitoDirectory } from '../../lambdas/adapters/cognito/user-directory.js';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../../lambdas/adapters/observability.js';
import { createAdminOperations } from '../../lambdas/admin-signout/operations.js';
import type { InspectResult, ListSessionsResult, SignOutResult } from '../../lambdas/revocation/results.js';
import type { UserDirectory } from '../../lambdas/core/directory.js';
import type { PropagationReport, RevocationPropagation } from '../../lambdas/core/ports.js';
import { lifetimePolicy } from '../../lambdas/core/lifetime.js';
import { decide } from '../../lambdas/core/revocation.js';
import type { SessionRecord } from '../../lambdas/core/session.js';
import { mintSessionId } from '../../lambdas/token-trigger/trigger.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { closedPortEndpoint } from '../fixtures/network.js';

const TABLE = 'blocklist-admin-ops';
const policy = lifetimePolicy({
  tokenLifetimeSeconds: 3600,
  refreshTokenLifetimeSeconds: 30 * 86400,
  clockSkewSeconds: 300,
});
const T0 = Math.floor(Date.now() / 1000);

let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let directory: UserDirectory;
const signOutClient = new CognitoIdentityProviderClient({ ...LOCAL_AWS });
const signOutMock = mockClient(signOutClient);
let logLines: Record<string, unknown>[] = [];
let alice: { username: string; sub: string };
let bob: { username: string; sub: string };

function operations(
  options: { now?: () => number; dynamoEndpoint?: string; propagation?: RevocationPropagation } = {},
) {
  const client = options.dynamoEndpoint
    ? new DynamoDBClient({ ...LOCAL_AWS, endpoint: options.dynamoEndpoint, maxAttempts: 1 })
    : dynamo.client;
  const store = createSdkStore({ client, tableName: TABLE, retryBaseDelayMs: 5, retryMaxDelayMs: 20 });
  const sink = (line: string) => logLines.push(JSON.parse(line));
  return createAdminOperations({
    reader: store,
    writer: store,
    inventory: store,
    audit: store,
    directory,
    policy,
    ...(options.propagation ? { propagation: options.propagation } : {}),
    logger: createLogger({ service: 'admin-signout', sink }),
    metrics: createMetrics({ namespace: 'Test', service: 'admin-signout', sink }),
    ...(options.now ? { now: options.now } : {}),
  });
}

function session(sub: string, sessionId: string, issuedAt: number): SessionRecord {
  return {
    sub,
    username: 'x',
    sessionId,
    clientId: 'client-1',
    triggerSource: 'TokenGeneration_Authentication',
    issuedAt,
    expiresAt: issuedAt + policy.tokenLifetimeSeconds + policy.clockSkewSeconds,
  };
}

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  alice = await cognito.createUser('alice', 'Passw0rd!long');
  bob = await cognito.createUser('bob', 'Passw0rd!long');
  const real = createCognitoDirectory({ client: cognito.client, userPoolId: cognito.userPoolId });
  const signOut = createCognitoDirectory({ client: signOutClient, userPoolId: cognito.userPoolId });
  directory = { resolve: real.resolve, globalSignOut: signOut.globalSignOut };
});
afterAll(async () => {
  signOutMock.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop()]);
});
beforeEach(() => {
  logLines = [];
  signOutMock.reset();
  signOutMock.on(AdminUserGlobalSignOutCommand).resolves({});
});

describe('signOutUser', () => {
  it('signs out at Cognito, raises the watermark, marks outstanding sessions, and writes rev#session# only inside the cross-clock window', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    await store.record(session(alice.sub, 'a-live-1', T0 - 60));
    await store.record(session(alice.sub, 'a-live-2', T0 - 1800));
    await store.record(session(alice.sub, 'a-expired', T0 - 2 * 86400));
    // Act
    const result = (await operations().run({
      operation: 'signOutUser',
      user: 'alice',
      actor: 'ops@example.com',
      reason: 'lost laptop',
    })) as SignOutResult;
    // Assert
    expect(result.ok).toBe(true);
    expect(result.user).toEqual(alice);
    expect(result.cognitoSignOut).toEqual({ done: true });
    expect(signOutMock.commandCalls(AdminUserGlobalSignOutCommand)[0]?.args[0].input).toEqual({
      UserPoolId: cognito.userPoolId,
      Username: 'alice',
    });
    expect(result.sessions).toEqual({ outstanding: 2, revoked: 2, unmarked: [], window: 1, unwritten: [] });
    expect(result.watermark.written).toBe(true);
    expect(result.propagation).toEqual({ ok: true, flushes: [] });
    const entries = await store.readUser(alice.sub);
    const user = entries.find((e) => e.scope === 'user');
    // Refresh tokens revoked: the watermark lives one token lifetime plus skew.
    expect(user?.expiresAt).toBe((user?.notBefore ?? 0) + 3600 + 300);
    const userAudit = (await store.readAudit(alice.sub)).find((e) => e.scope === 'user');
    expect(userAudit).toMatchObject({ actor: 'ops@example.com', reason: 'lost laptop' });
    // Only the session issued within the window (300 s skew + margin) before the watermark gets its own entry.
    expect(entries.filter((e) => e.scope === 'session').map((e) => e.id)).toEqual(['a-live-1']);
    const live1 = entries.find((e) => e.id === 'a-live-1');
    expect(live1?.expiresAt).toBe(T0 - 60 + 3600 + 300);
    // Every outstanding record is marked revoked in the inventory; the expired one is left alone.
    const marks = Object.fromEntries(
      (await store.listByUser(alice.sub)).map((s) => [s.sessionId, s.reason ?? null]),
    );
    expect(marks).toEqual({ 'a-live-1': 'lost laptop', 'a-live-2': 'lost laptop', 'a-expired': null });
    const audit = logLines.find((l) => l.message === 'admin operation');
    expect(audit).toMatchObject({
      audit: true,
      operation: 'signOutUser',
      ok: true,
      actor: 'ops@example.com',
      reason: 'lost laptop',
      sessionsRevoked: 2,
    });
  });

  it('finds the user by sub too', async () => {
    // Act
    const result = (await operations().run({
      operation: 'signOutUser',
      user: bob.sub,
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    // Assert
    expect(result.ok).toBe(true);
    expect(result.user).toEqual(bob);
    expect(signOutMock.commandCalls(AdminUserGlobalSignOutCommand)[0]?.args[0].input.Username).toBe('bob');
  });

  it('says clearly when Cognito’s sign-out failed, and then keeps the watermark for the refresh-token lifetime', async () => {
    // Arrange
    signOutMock.reset();
    signOutMock
      .on(AdminUserGlobalSignOutCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    // Act
    const result = (await operations().run({
      operation: 'signOutUser',
      user: 'bob',
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    // Assert
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('incomplete');
    expect(result.error?.message).toContain("Cognito's global sign-out did not happen");
    expect(result.cognitoSignOut).toMatchObject({
      done: false,
      error: expect.stringContaining('TooManyRequestsException'),
    });
    const [watermark] = await store.readUser(bob.sub);
    expect(watermark?.expiresAt).toBe((watermark?.notBefore ?? 0) + 30 * 86400 + 3600 + 300);
  });

  it('is idempotent: a second signout succeeds and the watermark only moves forward', async () => {
    // Arrange
    let clock = Date.now();
    const ops = operations({ now: () => clock });
    // Act
    const first = (await ops.run({
      operation: 'signOutUser',
      user: 'alice',
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    clock += 5000;
    const second = (await ops.run({
      operation: 'signOutUser',
      user: 'alice',
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    // Assert
    expect(first.ok && second.ok).toBe(true);
    expect(second.watermark.notBefore).toBe(first.watermark.notBefore + 5);
    expect(second.watermark.stored?.notBefore).toBe(second.watermark.notBefore);
  });

  it('concurrent signouts of one user all succeed and converge on the latest watermark', async () => {
    // Arrange
    const ivan = await cognito.createUser('ivan', 'Passw0rd!long');
    const base = Date.now();
    const clocks = [0, 4000, 2000, 3000, 1000].map((offset) => base + offset);
    // Act
    const results = (await Promise.all(
      clocks.map((t) =>
        operations({ now: () => t }).run({ operation: 'signOutUser', user: 'ivan', actor: 'a', reason: 'r' }),
      ),
    )) as SignOutResult[];
    // Assert
    const latest = Math.floor((base + 4000) / 1000);
    expect(results.every((r) => r.ok && r.watermark.inForce)).toBe(true);
    const [stored] = await createSdkStore({ client: dynamo.client, tableName: TABLE }).readUser(ivan.sub);
    expect(stored?.notBefore).toBe(latest);
  });

  it('a user with 60 outstanding sessions: all marked, the partition the authorizer reads grows by the window only', async () => {
    // Arrange: one session a minute over the last hour
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const carol = await cognito.createUser('carol', 'Passw0rd!long');
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => store.record(session(carol.sub, `c-${i}`, T0 - 60 * i - 30))),
    );
    // Act
    const result = (await operations().run({
      operation: 'signOutUser',
      user: 'carol',
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    // Assert
    // Issued at T0-30, T0-90, …: those within 306 s of the watermark are c-0..c-4.
    expect(result.sessions).toEqual({ outstanding: 60, revoked: 60, unmarked: [], window: 5, unwritten: [] });
    const found = await store.readUser(carol.sub);
    expect(found.filter((e) => e.scope === 'session')).toHaveLength(5);
    expect(found).toHaveLength(6);
    expect((await store.listByUser(carol.sub)).every((s) => s.revokedAt !== undefined)).toBe(true);
  });

  it('a burst of 200 time-ordered sessions in the minute before the signout: one rev# item, however recent; claimless ids keep their entries', async () => {
    // Arrange: sessions minted by the token trigger (ids carry their issue time) plus two minted before
    // time-ordered ids existed, all within the cross-clock window
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const burst = await cognito.createUser('burst', 'Passw0rd!long');
    const timed = Array.from({ length: 200 }, (_, i) => {
      const issuedMs = (T0 - 60) * 1000 + i * 300;
      return session(burst.sub, mintSessionId(issuedMs), Math.floor(issuedMs / 1000));
    });
    await Promise.all(timed.map((s) => store.record(s)));
    await store.record(session(burst.sub, 'd'.repeat(32), T0 - 30));
    await store.record(session(burst.sub, 'e'.repeat(32), T0 - 10));
    // Act
    const result = (await operations().run({
      operation: 'signOutUser',
      user: 'burst',
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    // Assert: the watermark plus the two claimless sessions' entries, nothing for the 200
    expect(result.ok).toBe(true);
    expect(result.sessions).toEqual({
      outstanding: 202,
      revoked: 202,
      unmarked: [],
      window: 2,
      unwritten: [],
    });
    const found = await store.readUser(burst.sub);
    expect(found.map((e) => `${e.scope}:${e.id}`).sort()).toEqual([
      `session:${'d'.repeat(32)}`,
      `session:${'e'.repeat(32)}`,
      `user:${burst.sub}`,
    ]);
    // …and the watermark alone revokes every one of the 200 sessions' tokens, even with an iat after it
    // (Cognito's clock ahead by the whole skew).
    const watermark = found.find((e) => e.scope === 'user')!;
    for (const s of timed) {
      const token = {
        sub: burst.sub,
        issuedAt: s.issuedAt + policy.clockSkewSeconds,
        expiresAt: s.expiresAt,
        sessionId: s.sessionId,
      };
      expect(decide(token, [watermark], T0).revoked, s.sessionId).toBe(true);
    }
    // inspect says why: by the session id's time, not by an authentication time the token does not have.
    const first = timed[0]!;
    const why = (await operations().run({
      operation: 'inspect',
      token: { sub: burst.sub, iat: first.issuedAt + policy.clockSkewSeconds, sessionId: first.sessionId },
    })) as InspectResult;
    expect(why).toMatchObject({ ok: true, revoked: true });
    expect(why.explanation).toContain("this token's session began at");
  });

  it('never claims success when the table is unreachable', async () => {
    // Arrange
    const ops = operations({ dynamoEndpoint: await closedPortEndpoint() });
    // Act
    const result = (await ops.run({
      operation: 'signOutUser',
      user: 'alice',
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    // Assert
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('incomplete');
    expect(result.watermark.written).toBe(false);
    expect(result.watermark.inForce).toBe(false);
    expect(result.error?.message).toContain('watermark was not written');
    expect(result.sessions.error).toContain('sessions not listed');
  });

  it('reports a user that does not exist as user_not_found', async () => {
    // Act
    const result = await operations().run({
      operation: 'signOutUser',
      user: 'nobody',
      actor: 'a',
      reason: 'r',
    });
    // Assert
    expect(result).toMatchObject({ ok: false, operation: 'signOutUser', error: { code: 'user_not_found' } });
    expect(signOutMock.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(0);
  });
});

describe('revokeSession and revokeToken', () => {
  it('revokes a session id for a full token lifetime, recording actor and reason', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    // Act
    const result = await operations({ now: () => T0 * 1000 }).run({
      operation: 'revokeSession',
      user: 'alice',
      sessionId: 'sess-x',
      force: true, // an id from a token whose issuance was never recorded
      actor: 'ops',
      reason: 'incident 42',
    });
    // Assert
    expect(result).toMatchObject({
      ok: true,
      written: true,
      user: alice,
      revocation: { scope: 'session', id: 'sess-x', expiresAt: T0 + 3600 + 300 },
      propagation: { ok: true },
    });
    expect((await store.readUser(alice.sub)).find((e) => e.id === 'sess-x')).toMatchObject({
      sub: alice.sub,
      revokedAt: T0,
    });
    expect((await store.readAudit(alice.sub)).find((e) => e.id === 'sess-x')).toMatchObject({
      actor: 'ops',
      reason: 'incident 42',
    });
  });

  it('revokes an origin_jti for the refresh-token lifetime (the refresh token itself is not revoked at Cognito)', async () => {
    const result = await operations({ now: () => T0 * 1000 }).run({
      operation: 'revokeSession',
      user: 'alice',
      originJti: 'orig-1',
      actor: 'ops',
      reason: 'r',
    });
    expect(result).toMatchObject({
      ok: true,
      revocation: { scope: 'origin', id: 'orig-1', expiresAt: T0 + 30 * 86400 + 3600 + 300 },
    });
  });

  it('revokes a token until its exp plus skew', async () => {
    const result = await operations({ now: () => T0 * 1000 }).run({
      operation: 'revokeToken',
      user: alice.sub,
      jti: 'jti-9',
      exp: T0 + 100,
      actor: 'ops',
      reason: 'r',
    });
    expect(result).toMatchObject({
      ok: true,
      revocation: { scope: 'token', id: 'jti-9', expiresAt: T0 + 100 + 300 },
    });
  });

  it('answers store_error, not success, when the write fails', async () => {
    // Arrange
    const ops = operations({ dynamoEndpoint: await closedPortEndpoint() });
    // Act
    const result = await ops.run({
      operation: 'revokeToken',
      user: 'alice',
      jti: 'jti-10',
      actor: 'ops',
      reason: 'r',
    });
    // Assert
    expect(result).toMatchObject({ ok: false, written: false, error: { code: 'store_error' } });
  });

  it('a second revokeToken with a smaller exp does not shorten the revocation', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const ops = operations({ now: () => T0 * 1000 });
    // Act
    await ops.run({
      operation: 'revokeToken',
      user: 'alice',
      jti: 'jti-f4',
      exp: T0 + 3000,
      actor: 'a',
      reason: 'r',
    });
    const second = await ops.run({
      operation: 'revokeToken',
      user: 'alice',
      jti: 'jti-f4',
      exp: T0 + 10,
      actor: 'a',
      reason: 'r',
    });
    // Assert
    expect(second).toMatchObject({ ok: true, written: true });
    const stored = (await store.readUser(alice.sub)).find((e) => e.id === 'jti-f4');
    expect(stored?.expiresAt).toBe(T0 + 3000 + 300);
  });

  it('refuses a revocation for a user that does not exist (the entry would sit in nobody’s partition)', async () => {
    const result = await operations().run({
      operation: 'revokeToken',
      user: 'nobody',
      jti: 'j',
      actor: 'a',
      reason: 'r',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_not_found' } });
  });

  it('announces every revoking operation once, and reports a failed propagation as not ok', async () => {
    // Arrange
    const told: string[] = [];
    const failing: RevocationPropagation = {
      announce: async (sub): Promise<PropagationReport> => {
        told.push(sub);
        return {
          ok: false,
          hint: { written: false, error: 'throttled' },
          flushes: [{ target: 'rest:abc/prod', ok: false, error: 'AccessDenied' }],
        };
      },
    };
    const ops = operations({ propagation: failing });
    // Act
    const token = await ops.run({
      operation: 'revokeToken',
      user: 'alice',
      jti: 'jti-p',
      actor: 'a',
      reason: 'r',
    });
    const sess = await ops.run({
      operation: 'revokeSession',
      user: 'alice',
      sessionId: 's-p',
      force: true, // an id from a token whose issuance was never recorded
      actor: 'a',
      reason: 'r',
    });
    const out = (await ops.run({
      operation: 'signOutUser',
      user: 'bob',
      actor: 'a',
      reason: 'r',
    })) as SignOutResult;
    await ops.run({ operation: 'listSessions', user: 'alice' });
    // Assert
    expect(told).toEqual([alice.sub, alice.sub, bob.sub]);
    for (const r of [token, sess, out]) {
      expect(r).toMatchObject({ ok: false, propagation: { ok: false } });
      expect((r as { error?: { message: string } }).error?.message).toMatch(
        /propagation failed.*maximum age/,
      );
    }
    expect(token).toMatchObject({ written: true });
  });

  it('counts an unwritten hint and each failed cache flush apart (hint_unwritten, cache_flush_failed)', async () => {
    // Arrange
    const failing: RevocationPropagation = {
      announce: async (): Promise<PropagationReport> => ({
        ok: false,
        hint: { written: false, error: 'throttled' },
        flushes: [
          { target: 'rest:abc/prod', ok: false, error: 'HTTP 403 AccessDenied' },
          { target: 'http:def/$default', ok: false, error: 'HTTP 429 TooManyRequests' },
          { target: 'rest:abc/beta', ok: true },
        ],
      }),
    };
    const ops = operations({ propagation: failing });
    logLines = [];
    // Act
    await ops.run({ operation: 'revokeToken', user: 'alice', jti: 'jti-m', actor: 'a', reason: 'r' });
    // Assert
    const emf = logLines.filter((l) => '_aws' in l);
    expect(emf.map((l) => l.hint_unwritten)).toEqual([1]);
    expect(emf.map((l) => l.cache_flush_failed)).toEqual([2]);
    expect(emf.map((l) => l.propagation_failed)).toEqual([1]);
  });
});

describe('listSessions', () => {
  it('shows each session as active, revoked (by session or by watermark) or expired', async () => {
    // Arrange
    const dave = await cognito.createUser('dave', 'Passw0rd!long');
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    await store.record(session(dave.sub, 'd-old', T0 - 3000));
    await store.record(session(dave.sub, 'd-own', T0 - 500));
    await store.record(session(dave.sub, 'd-new', T0 - 100));
    await store.record(session(dave.sub, 'd-expired', T0 - 5000));
    await store.raiseWatermark({
      sub: dave.sub,
      scope: 'user',
      id: dave.sub,
      notBefore: T0 - 1000,
      revokedAt: T0 - 1000,
      expiresAt: T0 + 5000,
      actor: 'w',
      reason: 'signout',
    });
    await store.revoke([
      {
        sub: dave.sub,
        scope: 'session',
        id: 'd-own',
        revokedAt: T0 - 10,
        expiresAt: T0 + 5000,
        actor: 's',
        reason: 'one',
      },
    ]);
    // Act
    const result = (await operations({ now: () => T0 * 1000 }).run({
      operation: 'listSessions',
      user: 'dave',
    })) as ListSessionsResult;
    // Assert
    expect(result.ok).toBe(true);
    const state = Object.fromEntries(result.sessions.map((s) => [s.sessionId, [s.state, s.revokedBy]]));
    expect(state).toEqual({
      'd-new': ['active', undefined],
      'd-own': ['revoked', 'session'],
      'd-old': ['revoked', 'user'],
      'd-expired': ['expired', undefined],
    });
    expect(result.counts).toEqual({ active: 1, revoked: 2, expired: 1 });
    expect(result.watermark).toMatchObject({ notBefore: T0 - 1000, actor: 'w' });
  });
});

describe('inspect', () => {
  it('explains a revocation by the user watermark', async () => {
    // Arrange
    const erin = await cognito.createUser('erin', 'Passw0rd!long');
    const ops = operations();
    await ops.run({ operation: 'signOutUser', user: 'erin', actor: 'ops', reason: 'offboarding' });
    // Act
    const result = await ops.run({
      operation: 'inspect',
      token: { sub: erin.sub, iat: T0 - 10, authTime: T0 - 20, exp: T0 + 3000, jti: 'j1' },
    });
    // Assert
    expect(result).toMatchObject({ ok: true, revoked: true, scope: 'user', tokenExpired: false });
    expect((result as { explanation: string }).explanation).toMatch(
      /signed out everywhere .* by ops .*offboarding/,
    );
  });

  it('names the watermark first and every other entry that also revokes the token', async () => {
    // Arrange
    const fay = await cognito.createUser('fay', 'Passw0rd!long');
    const ops = operations();
    await ops.run({ operation: 'revokeToken', user: 'fay', jti: 'fay-jti', actor: 'ops', reason: 'leaked' });
    await ops.run({ operation: 'signOutUser', user: 'fay', actor: 'ops', reason: 'offboarding' });
    // Act
    const result = (await ops.run({
      operation: 'inspect',
      token: { sub: fay.sub, iat: T0 - 10, jti: 'fay-jti' },
    })) as InspectResult;
    // Assert
    expect(result.scope).toBe('user');
    expect(result.revokingEntries.map((e) => e.scope)).toEqual(['user', 'token']);
    expect(result.explanation).toMatch(
      /^Revoked: the user was signed out everywhere .* Also: this token \(jti fay-jti\) was revoked/,
    );
  });

  it('explains a session revocation, and says "not revoked" when nothing matches', async () => {
    // Arrange
    const ops = operations();
    await ops.run({
      operation: 'revokeSession',
      user: 'bob',
      sessionId: 'sess-inspect',
      force: true, // an id from a token whose issuance was never recorded
      actor: 'ops',
      reason: 'r',
    });
    // Act
    const hit = await ops.run({
      operation: 'inspect',
      token: { sub: bob.sub, iat: T0 + 600, sessionId: 'sess-inspect' }, // after bob's signouts above
    });
    const miss = await ops.run({
      operation: 'inspect',
      token: { sub: 'sub-none', iat: T0, sessionId: 'other', jti: 'j2' },
    });
    // Another user's token with the same session id is not revoked by bob's entry.
    const elsewhere = await ops.run({
      operation: 'inspect',
      token: { sub: alice.sub, iat: T0 + 600, sessionId: 'sess-inspect' },
    });
    // Assert
    expect(hit).toMatchObject({ revoked: true, scope: 'session' });
    expect(miss).toMatchObject({
      ok: true,
      revoked: false,
      checkedKeys: [
        { sub: 'sub-none', scope: 'user', id: 'sub-none' },
        { sub: 'sub-none', scope: 'session', id: 'other' },
        { sub: 'sub-none', scope: 'token', id: 'j2' },
      ],
    });
    expect(elsewhere).toMatchObject({ revoked: false });
  });
});

describe('validation', () => {
  it.each([
    [undefined, 'must be a JSON object with an "operation"'],
    ['{not json', 'not JSON'],
    [{ operation: 'dropTable' }, '"operation" must be one of'],
    [{ operation: 'signOutUser', actor: 'a', reason: 'r' }, '"user" is required'],
    [{ operation: 'signOutUser', user: 'alice', reason: 'r' }, '"actor" is required'],
    [{ operation: 'signOutUser', user: 'alice', actor: 'a' }, '"reason" is required'],
    [{ operation: 'signOutUser', user: 'alice', actor: 'a', reason: 'line\nbreak' }, 'control characters'],
    [{ operation: 'revokeSession', user: 'alice', actor: 'a', reason: 'r' }, 'exactly one of'],
    [{ operation: 'revokeSession', sessionId: 's', actor: 'a', reason: 'r' }, '"user" is required'],
    [{ operation: 'revokeToken', jti: 'j', actor: 'a', reason: 'r' }, '"user" is required'],
    [
      { operation: 'revokeSession', sessionId: 's', originJti: 'o', actor: 'a', reason: 'r' },
      'exactly one of',
    ],
    [{ operation: 'revokeSession', sessionId: 'has space', actor: 'a', reason: 'r' }, '"sessionId" must be'],
    [
      { operation: 'revokeToken', user: 'u', jti: 'j', exp: 'tomorrow', actor: 'a', reason: 'r' },
      '"exp" must be',
    ],
    [{ operation: 'inspect', token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' }, 'never the token itself'],
    [{ operation: 'inspect', token: { sub: 's' } }, '"iat" is required'],
  ])('rejects %j with a clear invalid_request', async (input, message) => {
    // Act
    const result = await operations().run(input);
    // Assert
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringContaining(message) },
    });
  });

  it('never logs a token handed in by mistake', async () => {
    await operations().run({ operation: 'inspect', token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' });
    expect(JSON.stringify(logLines)).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  });
});
