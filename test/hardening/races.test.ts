/**
 * Races and load, with the BUILT authorizer and admin signout bundles against dynalite and
 * cognito-local (patched: AdminUserGlobalSignOut is real; `../support/cognito-recorder.ts` records the calls):
 * - decisions running concurrently with token / session / refresh-family revocations and with a sign-out
 *   everywhere: no revoked token is allowed once its revocation write has returned;
 * - concurrent signouts of the same user converge on the latest watermark, with every session revoked;
 * - a signout under injected partial batch failures (UnprocessedItems) completes by retrying, or reports exactly
 *   which revocations are missing.
 * Bounded loop counts; a seeded pseudo-random schedule.
 */
import { SESSION_CLOCK_MARGIN_SECONDS } from '../../lambdas/core/revocation.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { RevocationKey } from '../../lambdas/core/revocation.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { nowSeconds, signIdToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../fixtures/tokens.js';
import { type CognitoRecorder, startCognitoRecorder } from '../support/cognito-recorder.js';
import { EVENT_SHAPES, eventFor, invoke, isRestShape } from './support/events.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { FUZZ_SEED } from './support/fuzz.js';
import { SecretWatch } from './support/secrets.js';

const TABLE = 'blocklist-races';
const PASSWORD = 'Race-Passw0rd!long';
const context = (ms = 30_000) => ({ getRemainingTimeInMillis: () => ms });

let dynamo: LocalDynamo;
let proxy: FaultProxy;
let jwks: JwksServer;
let cognito: CognitoLocal;
let gap: CognitoRecorder;
let capture: Capture;
let testPoolAuthorizer: Handler;
let cognitoAuthorizer: Handler;
const admins: { handler: Handler; restore: () => void }[] = [];
const secrets = new SecretWatch();
secrets.add('password', PASSWORD);
const figures = {
  decisions: 0,
  decisionsAfterRevocation: 0,
  inFlight: 0,
  revocations: 0,
  signouts: 0,
  wrongAllows: 0,
};

/** mulberry32: a small seeded generator, so the schedule is the same at every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Waits for `condition` (polled every 10 ms) instead of for a fixed time: a loaded machine only makes the wait
 * longer. The limit is there to name what never happened rather than to let the test time out silently.
 */
async function waitFor(condition: () => boolean, what: string, limitMs = 90_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`waited ${limitMs} ms for ${what}`);
    await sleep(10);
  }
}
/** The authorizers must answer from the table here, never by their store deadline: the largest one allowed. */
const STORE_TIMEOUT_MS = '5000';
const store = () => createSdkStore({ client: dynamo.client, tableName: TABLE });
/**
 * cognito-local's client keeps sockets alive longer than cognito-local's server does: after a quiet spell (loading
 * bundles on a busy box) a request can meet a closed socket ("socket hang up"). Asked again then, a bounded number
 * of times; any other error, or the same one every time, fails the test.
 */
async function createUser(name: string): Promise<{ sub: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cognito.createUser(name, PASSWORD);
    } catch (error) {
      if (attempt >= 4 || !/socket hang up|ECONNRESET/.test((error as Error).message)) throw error;
      await sleep(100 * attempt);
    }
  }
}

beforeAll(async () => {
  [dynamo, jwks, cognito] = await Promise.all([startDynalite(), startJwksServer(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  [proxy, gap] = await Promise.all([
    startFaultProxy(dynamo.endpoint),
    startCognitoRecorder(cognito.endpoint),
  ]);
  capture = captureOutput();
  const common = { TABLE_NAME: TABLE, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, LOG_LEVEL: 'debug' };
  testPoolAuthorizer = await loadAuthorizer({
    ...common,
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    JWKS_URI: jwks.uri,
    STORE_TIMEOUT_MS,
  });
  cognitoAuthorizer = await loadAuthorizer({
    ...common,
    USER_POOL_ID: cognito.userPoolId,
    CLIENT_IDS: cognito.clientId,
    JWKS_URI: cognito.jwksUri,
    STORE_TIMEOUT_MS,
  });
  // Six admin containers (concurrent Lambda instances), writing through the fault proxy.
  for (let i = 0; i < 6; i++) {
    admins.push(
      loadWithEnvironment('admin-signout', {
        TABLE_NAME: TABLE,
        USER_POOL_ID: cognito.userPoolId,
        AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: gap.endpoint,
        TOKEN_LIFETIME_SECONDS: '3600',
        REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
        LOG_LEVEL: 'debug',
      }),
    );
  }
  // cognito-local alone may take up to 60 s to listen on a loaded machine (local/cognito.ts).
}, 180_000);

afterAll(async () => {
  for (const admin of [...admins].reverse()) admin.restore();
  capture?.restore();
  await Promise.all([proxy?.stop(), gap?.stop(), jwks?.stop()]);
  await Promise.all([dynamo?.stop(), cognito?.stop()]);
  console.log(`races: ${JSON.stringify(figures)}`);
});

interface Decision {
  readonly token: number;
  readonly started: number;
  readonly ended: number;
  readonly verdict: 'allow' | 'deny';
}

/**
 * Runs `workers` decision loops over `tokens` until `until()` is true; returns every decision. They are also pushed
 * to `decisions` as they complete, so the revoker can wait for the decisions it needs rather than for a fixed time.
 */
async function decideConcurrently(
  authorizer: Handler,
  tokens: readonly string[],
  workers: number,
  until: () => boolean,
  rng: () => number,
  decisions: Decision[] = [],
): Promise<Decision[]> {
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!until()) {
        const token = Math.floor(rng() * tokens.length);
        const shape = EVENT_SHAPES[Math.floor(rng() * EVENT_SHAPES.length)]!;
        const started = performance.now();
        const answer = await invoke(
          authorizer,
          eventFor(shape, `Bearer ${tokens[token]}`),
          isRestShape(shape),
        );
        expect(answer.malformed).toBeUndefined();
        decisions.push({ token, started, ended: performance.now(), verdict: answer.verdict });
        // Yield to I/O: a cached decision completes without any, and would starve the revoker.
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  figures.decisions += decisions.length;
  return decisions;
}

/** No decision that started after its token's revocation returned may allow. */
function assertNoAllowAfterRevocation(
  decisions: readonly Decision[],
  revocationStarted: (token: number) => number,
  revocationReturned: (token: number) => number,
) {
  const after = decisions.filter((d) => d.started > revocationReturned(d.token));
  const before = decisions.filter((d) => d.ended < revocationStarted(d.token));
  const wrong = after.filter((d) => d.verdict === 'allow');
  figures.decisionsAfterRevocation += after.length;
  figures.inFlight += decisions.length - after.length - before.length;
  figures.wrongAllows += wrong.length;
  expect(wrong).toEqual([]);
  // The race was real: allows before, denies after, both plentiful.
  expect(before.filter((d) => d.verdict === 'allow').length).toBeGreaterThanOrEqual(10);
  expect(before.every((d) => d.verdict === 'allow')).toBe(true);
  expect(after.length).toBeGreaterThanOrEqual(10);
}

/** Revocations name the user (their partition): 24 users of the pool, created before the race. */
const raceUsers: { sub: string }[] = [];

describe('decisions racing with revocations', () => {
  beforeAll(async () => {
    for (let i = 0; i < 24; i += 6) {
      const batch = await Promise.all([0, 1, 2, 3, 4, 5].map((j) => createUser(`race-user-${i + j}`)));
      raceUsers.push(...batch);
    }
  }, 120_000);

  it('token, session and refresh-family revocations: no allow once the revocation write returned', async () => {
    // Arrange: 24 tokens of 24 users, each revocable by jti, session id or origin_jti
    const rng = random(FUZZ_SEED);
    const N = 24;
    const users = raceUsers;
    const ids = Array.from({ length: N }, (_, i) => ({
      sub: users[i]!.sub,
      jti: `race-jti-${i}`,
      sid: `race-sid-${i}`,
      origin: `race-origin-${i}`,
    }));
    const tokens = ids.map((t) =>
      signIdToken({ sub: t.sub, jti: t.jti, revocation_sid: t.sid, origin_jti: t.origin }),
    );
    for (const [i, t] of tokens.entries()) secrets.add(`race-token-${i}`, t);
    const started = new Array<number>(N).fill(Number.POSITIVE_INFINITY);
    const returned = new Array<number>(N).fill(Number.POSITIVE_INFINITY);
    let done = false;
    const decisions: Decision[] = [];
    // Act: six decision loops while the admin Lambda revokes the tokens one by one, in a shuffled order
    const order = ids.map((_, i) => i).sort(() => rng() - 0.5);
    const revoker = (async () => {
      // Allows before any revocation: at least ten decisions completed first.
      await waitFor(() => decisions.length >= 10, 'ten decisions before the first revocation');
      for (const [n, i] of order.entries()) {
        const t = ids[i]!;
        const request =
          n % 3 === 0
            ? { operation: 'revokeToken', user: t.sub, jti: t.jti, exp: nowSeconds() + 3600 }
            : n % 3 === 1
              ? // The tokens are signed here: no issuance was recorded, so the session id is forced.
                { operation: 'revokeSession', user: t.sub, sessionId: t.sid, force: true }
              : { operation: 'revokeSession', user: t.sub, originJti: t.origin };
        started[i] = performance.now();
        const result = (await admins[n % admins.length]!.handler(
          { ...request, actor: 'race-test', reason: 'race' },
          context(),
        )) as { ok: boolean };
        returned[i] = performance.now();
        expect(result.ok).toBe(true);
        figures.revocations++;
        await sleep(Math.floor(rng() * 20));
      }
      // Denies after: at least ten decisions started once the last revocation had returned.
      const last = returned[order[order.length - 1]!]!;
      await waitFor(
        () => decisions.filter((d) => d.started > last).length >= 10,
        'ten decisions after the last revocation',
      );
      done = true;
    })();
    const stopWhenSettled = (p: Promise<unknown>) =>
      p
        .then(
          () => {},
          () => {},
        )
        .then(() => {
          done = true;
        });
    void stopWhenSettled(revoker);
    await decideConcurrently(testPoolAuthorizer, tokens, 6, () => done, rng, decisions);
    await revoker;
    // Assert
    assertNoAllowAfterRevocation(
      decisions,
      (i) => started[i]!,
      (i) => returned[i]!,
    );
    // 24 revocations, each now read back (one more Query) while six decision loops load the machine: on a shared
    // 2-core box a revocation takes 1–2 s here, more than the default 30 s in all. Nothing is asserted on time.
  }, 300_000);

  it('sign out everywhere (real cognito-local tokens): no allow once the signout returned; a later sign-in works', async () => {
    // Arrange: three sessions of one user, from the emulator itself
    const rng = random(FUZZ_SEED + 1);
    const user = await createUser('race-user');
    const sessions = await Promise.all([0, 1, 2].map(() => cognito.signIn('race-user', PASSWORD)));
    const tokens = sessions.flatMap((s) => [s.idToken, s.accessToken]);
    for (const [i, s] of sessions.entries()) {
      secrets.add(`cognito-id-${i}`, s.idToken);
      secrets.add(`cognito-access-${i}`, s.accessToken);
      secrets.add(`cognito-refresh-${i}`, s.refreshToken);
    }
    // The signout's watermark second must follow the sign-ins' second.
    const signedIn = nowSeconds();
    await waitFor(() => nowSeconds() > signedIn, 'the second after the sign-ins');
    let started = Number.POSITIVE_INFINITY;
    let returned = Number.POSITIVE_INFINITY;
    let done = false;
    const decisions: Decision[] = [];
    // Act
    const signout = (async () => {
      await waitFor(() => decisions.length >= 10, 'ten decisions before the signout');
      started = performance.now();
      const result = (await admins[0]!.handler(
        { operation: 'signOutUser', user: 'race-user', actor: 'race-test', reason: 'race' },
        context(),
      )) as { ok: boolean; watermark: { notBefore: number } };
      returned = performance.now();
      figures.signouts++;
      expect(result.ok).toBe(true);
      await waitFor(
        () => decisions.filter((d) => d.started > returned).length >= 10,
        'ten decisions after the signout',
      );
      done = true;
      return result;
    })();
    void signout
      .then(
        () => {},
        () => {},
      )
      .then(() => {
        done = true;
      });
    await decideConcurrently(cognitoAuthorizer, tokens, 4, () => done, rng, decisions);
    const result = await signout;
    // Assert
    assertNoAllowAfterRevocation(
      decisions,
      () => started,
      () => returned,
    );
    expect(gap.signOuts).toContain('race-user');
    // A fresh sign-in past the watermark's second and the Lambda clock margin is allowed again.
    while (nowSeconds() <= result.watermark.notBefore + SESSION_CLOCK_MARGIN_SECONDS) await sleep(50);
    const fresh = await cognito.signIn('race-user', PASSWORD);
    secrets.add('cognito-fresh-refresh', fresh.refreshToken);
    const answer = await invoke(cognitoAuthorizer, eventFor('http_v2', `Bearer ${fresh.idToken}`), false);
    expect(answer.verdict).toBe('allow');
    expect(user.sub).toMatch(/^[\w-]+$/);
  }, 180_000);
});

describe('the staleness mode bound', () => {
  it('REVOCATION_STALENESS_SECONDS=1: a revocation is honoured by every decision that starts 1 s after it returned', async () => {
    // Arrange: a container in staleness mode (the admin publishes a hint after every revocation)
    const cached = await loadAuthorizer({
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      JWKS_URI: jwks.uri,
      REVOCATION_STALENESS_SECONDS: '1',
      STORE_TIMEOUT_MS,
    });
    const cacheUser = await createUser('cache-user');
    const token = signIdToken({ sub: cacheUser.sub, jti: 'cache-jti' });
    secrets.add('cache-token', token);
    const decisions: { started: number; verdict: 'allow' | 'deny' }[] = [];
    let returned = Number.POSITIVE_INFINITY;
    let done = false;
    // Act: decide continuously; revoke once ten decisions are in; keep deciding until more than ten have started
    // 1 s or later after the write returned
    const loop = (async () => {
      while (!done) {
        const started = Date.now();
        const answer = await invoke(cached, eventFor('http_v2', `Bearer ${token}`), false);
        decisions.push({ started, verdict: answer.verdict });
        await sleep(5);
      }
    })();
    await waitFor(() => decisions.length >= 10, 'ten decisions before the revocation');
    const result = (await admins[3]!.handler(
      {
        operation: 'revokeToken',
        user: 'cache-user',
        jti: 'cache-jti',
        actor: 'race-test',
        reason: 'staleness bound',
      },
      context(),
    )) as { ok: boolean };
    returned = Date.now();
    figures.revocations++;
    await waitFor(
      () => decisions.filter((d) => d.started >= returned + 1000).length > 10,
      'more than ten decisions 1 s after the revocation',
    );
    done = true;
    await loop;
    figures.decisions += decisions.length;
    // Assert
    expect(result.ok).toBe(true);
    const late = decisions.filter((d) => d.started >= returned + 1000);
    expect(late.length).toBeGreaterThan(10);
    expect(late.filter((d) => d.verdict === 'allow')).toEqual([]);
    expect(decisions.filter((d) => d.started < returned).every((d) => d.verdict === 'allow')).toBe(true);
  }, 180_000);
});

interface SignOutResult {
  ok: boolean;
  error?: { code: string; message: string };
  watermark: { notBefore: number; written: boolean; inForce: boolean };
  sessions: {
    outstanding: number;
    revoked: number;
    unmarked: string[];
    window: number;
    unwritten: RevocationKey[];
  };
}

async function recordSessions(
  sub: string,
  username: string,
  count: number,
  ageSeconds = 0,
): Promise<string[]> {
  const now = nowSeconds() - ageSeconds;
  const ids = Array.from({ length: count }, (_, i) => `${username}-session-${i}`);
  for (const sessionId of ids) {
    await store().record({
      sub,
      username,
      sessionId,
      clientId: TEST_CLIENT_ID,
      triggerSource: 'TokenGeneration_Authentication',
      issuedAt: now,
      expiresAt: now + 3600 + 300,
    });
  }
  return ids;
}

/** The sessions with an explicit `rev#session#` entry in the user's partition. */
async function revokedSessions(sub: string, ids: readonly string[]): Promise<Set<string>> {
  const found = await store().readUser(sub);
  return new Set(found.filter((e) => e.scope === 'session' && ids.includes(e.id)).map((e) => e.id));
}

/** The sessions whose inventory record is marked revoked. */
async function markedSessions(sub: string, ids: readonly string[]): Promise<Set<string>> {
  const listed = await store().listByUser(sub);
  return new Set(
    listed.filter((s) => s.revokedAt !== undefined && ids.includes(s.sessionId)).map((s) => s.sessionId),
  );
}

describe('concurrent signouts and partial batch failures', () => {
  it('six concurrent signouts of one user converge on the latest watermark, every session revoked', async () => {
    // Arrange: 30 recorded sessions; the first signout's watermark write (and any retry of it) is held in the proxy
    // until the other five signouts have returned, so it is taken first and lands last however slow the machine is.
    // The hold must end inside that invocation's deadline (28.5 s of the 30 s given), which B..F need a fraction of.
    const user = await createUser('converge-user');
    const ids = await recordSessions(user.sub, 'converge-user', 30);
    const heldBefore = proxy.stats.injected.hold ?? 0;
    proxy.hold({ operations: ['PutItem'], times: 1 });
    const request = {
      operation: 'signOutUser',
      user: 'converge-user',
      actor: 'race-test',
      reason: 'converge',
    };
    // Act: A starts first (and lands last); B..F start together once A's watermark write is held and the clock has
    // moved past the second A took its watermark in; A's write is released once B..F have all answered
    const first = admins[0]!.handler(request, context()) as Promise<SignOutResult>;
    await waitFor(() => (proxy.stats.injected.hold ?? 0) > heldBefore, "the first signout's watermark write");
    const held = nowSeconds();
    await waitFor(() => nowSeconds() > held, 'the second after the held watermark');
    const rest = await Promise.all(
      admins.slice(1).map((a) => a.handler(request, context()) as Promise<SignOutResult>),
    );
    expect(await proxy.release()).toBe(1);
    const results = [await first, ...rest];
    proxy.set(undefined);
    figures.signouts += results.length;
    // Assert
    const latest = Math.max(...results.map((r) => r.watermark.notBefore));
    const [stored] = (await store().readUser(user.sub)).filter((e) => e.scope === 'user');
    expect(stored?.notBefore).toBe(latest);
    expect(results[0]!.watermark.notBefore).toBeLessThan(latest);
    expect(results[0]!.watermark).toMatchObject({ written: false, inForce: true });
    for (const r of results) {
      expect(r.ok).toBe(true);
      expect(r.watermark.inForce).toBe(true);
      // All 30 were issued this second: inside the cross-clock window, so each gets its explicit entry too.
      expect(r.sessions).toEqual({ outstanding: 30, revoked: 30, unmarked: [], window: 30, unwritten: [] });
    }
    expect(await revokedSessions(user.sub, ids)).toEqual(new Set(ids));
    expect(await markedSessions(user.sub, ids)).toEqual(new Set(ids));
    // A token authenticated in the latest watermark's second is refused; one a second later is not.
    const refused = signIdToken({ sub: user.sub, auth_time: latest, iat: latest });
    const allowed = signIdToken({ sub: user.sub, auth_time: latest + 1, iat: latest + 1 });
    secrets.add('converge-refused', refused);
    secrets.add('converge-allowed', allowed);
    expect(
      (await invoke(testPoolAuthorizer, eventFor('rest_token', `Bearer ${refused}`), true)).verdict,
    ).toBe('deny');
    expect(
      (await invoke(testPoolAuthorizer, eventFor('rest_token', `Bearer ${allowed}`), true)).verdict,
    ).toBe('allow');
  }, 120_000);

  it('UnprocessedItems on the first batch writes (inventory marks): the signout retries and completes', async () => {
    // Arrange
    const user = await createUser('partial-user');
    const ids = await recordSessions(user.sub, 'partial-user', 60);
    proxy.set({ kind: 'unprocessed', operations: ['BatchWriteItem'], holdBack: 7, times: 3 });
    // Act
    const result = (await admins[1]!.handler(
      { operation: 'signOutUser', user: 'partial-user', actor: 'race-test', reason: 'partial' },
      context(),
    )) as SignOutResult;
    proxy.set(undefined);
    figures.signouts++;
    // Assert
    expect(proxy.stats.injected.unprocessed).toBeGreaterThanOrEqual(3);
    expect(result.ok).toBe(true);
    expect(result.sessions).toEqual({
      outstanding: 60,
      revoked: 60,
      unmarked: [],
      window: 60,
      unwritten: [],
    });
    expect(await revokedSessions(user.sub, ids)).toEqual(new Set(ids));
    expect(await markedSessions(user.sub, ids)).toEqual(new Set(ids));
  }, 120_000);

  it('UnprocessedItems that never clear: the signout reports exactly which session records are not marked', async () => {
    // Arrange: every batch write holds back 4 items, for ever; the invocation has 3.5 s left
    const user = await createUser('stuck-marks-user');
    // Issued 20 minutes ago: outside the cross-clock window, so the signout's only batch writes are the marks.
    const ids = await recordSessions(user.sub, 'stuck-marks-user', 60, 1200);
    proxy.set({ kind: 'unprocessed', operations: ['BatchWriteItem'], holdBack: 4 });
    // Act
    const result = (await admins[2]!.handler(
      { operation: 'signOutUser', user: 'stuck-marks-user', actor: 'race-test', reason: 'stuck' },
      context(3500),
    )) as SignOutResult;
    proxy.set(undefined);
    figures.signouts++;
    // Assert
    const marked = await markedSessions(user.sub, ids);
    const unmarked = ids.filter((id) => !marked.has(id));
    expect(result.ok).toBe(false);
    expect(unmarked.length).toBeGreaterThan(0);
    expect([...result.sessions.unmarked].sort()).toEqual([...unmarked].sort());
    expect(result.sessions.revoked).toBe(60 - unmarked.length);
    expect(result.error?.message).toContain(
      `${unmarked.length} of 60 session records were not marked revoked`,
    );
    // The revocations themselves were all written: every token of the user is refused.
    expect(result.sessions.window).toBe(0);
    expect(result.sessions.unwritten).toEqual([]);
    expect(result.watermark).toMatchObject({ written: true, inForce: true });
  }, 120_000);

  it('throttled revocation writes that never clear: the signout reports exactly which revocations are missing', async () => {
    // Arrange: every rev#session# PutItem is throttled, for ever; the invocation has 3.5 s left
    const user = await createUser('stuck-user');
    const ids = await recordSessions(user.sub, 'stuck-user', 60);
    proxy.set({ kind: 'throttle', operations: ['PutItem'], bodyContains: 'rev#session#' });
    // Act
    const result = (await admins[2]!.handler(
      { operation: 'signOutUser', user: 'stuck-user', actor: 'race-test', reason: 'stuck' },
      context(3500),
    )) as SignOutResult;
    proxy.set(undefined);
    figures.signouts++;
    // Assert: not ok, and what it says is missing is exactly what the table lacks
    const present = await revokedSessions(user.sub, ids);
    const missing = ids.filter((id) => !present.has(id));
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('incomplete');
    expect(missing.length).toBeGreaterThan(0);
    expect(result.sessions.unwritten.map((k) => k.id).sort()).toEqual([...missing].sort());
    expect(result.sessions.unwritten.every((k) => k.scope === 'session')).toBe(true);
    expect(result.sessions.revoked).toBe(60 - missing.length);
    expect(result.error?.message).toContain(
      `${missing.length} of 60 session revocations in the cross-clock window were not written`,
    );
    // The watermark itself was written, so every token of the user is refused anyway.
    expect(result.watermark).toMatchObject({ written: true, inForce: true });
  }, 120_000);

  it('logged no token, refresh token or password', () => {
    expect(secrets.size).toBeGreaterThan(30);
    expect(secrets.findIn(capture.text())).toEqual([]);
  });
});
