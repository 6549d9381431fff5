/**
 * Store faults: a fault-injecting proxy in front of dynalite, and a port
 * nothing listens on. The BUILT authorizer fails closed within its configured deadline (elapsed time bounded by
 * STORE_TIMEOUT_MS plus a small margin — a correctness bound, not a benchmark). FAIL_MODE=open allows (flagged:
 * reason `fail_open`, metric `FailOpen`) only for outages (timeout, unavailable): never for throttling (a hot
 * partition is attacker-triggerable), never for an answer that is not exactly what was asked (paginated, without
 * Items, wrong Count, foreign or out-of-range items), and never for a token the container already knows
 * is revoked (denied from memory with no store read). The BUILT token trigger under the same faults: the
 * session claim is injected, the failure is counted and logged, sign-in proceeds within its deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { type CognitoStub, startCognitoStub } from '../support/cognito-stub.js';
import { closedPortEndpoint } from '../fixtures/network.js';
import {
  nowSeconds,
  signAccessToken,
  signIdToken,
  TEST_CLIENT_ID,
  TEST_SUB,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';
import { eventFor, invoke } from './support/events.js';
import {
  type Fault,
  type FaultKind,
  type FaultProxy,
  QUERY_SHAPE_FAULTS,
  startFaultProxy,
} from './support/fault-proxy.js';
import { injectedSessionClaims, preTokenEvent } from './support/fixtures.js';
import { SecretWatch } from './support/secrets.js';

const TABLE = 'blocklist-faults';
const DEADLINE_MS = 300;
/**
 * Scheduling slack on a shared, possibly loaded 2-core machine; the bound itself is the configured deadline. The slow
 * fault answers well after deadline + slack, so an authorizer that waited for it still fails the bound.
 */
const MARGIN_MS = 1500;
const SLOW_ANSWER_MS = 6000;
const REQUESTS_PER_FAULT = 2;

let dynamo: LocalDynamo;
let proxy: FaultProxy;
let jwks: JwksServer;
let capture: Capture;
const secrets = new SecretWatch();
const figures = {
  authorizerCalls: 0,
  triggerCalls: 0,
  faultsInjected: 0,
  wrongAllows: 0,
  maxElapsedMs: 0,
  floodRequests: 0,
  floodReads: 0,
};
/** Store error kinds fail-open may allow on (outages); everything else denies in both modes. */
const OUTAGE_KINDS = ['timeout', 'unavailable'];

const validToken = signIdToken({ jti: 'faults-valid-jti' });
const revokedToken = signIdToken({ jti: 'faults-revoked-jti' });
secrets.add('valid', validToken);
secrets.add('revoked', revokedToken);

function authorizerEnv(endpoint: string, failMode: 'closed' | 'open') {
  return {
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    FAIL_MODE: failMode,
    STORE_TIMEOUT_MS: String(DEADLINE_MS),
    STORE_MAX_ATTEMPTS: '2',
    LOG_LEVEL: 'info',
    // Each decision's own line and metrics (the defaults sample allows and aggregate metrics).
    DECISION_LOG_SAMPLE_RATE: '1',
    METRICS_FLUSH_DECISIONS: '1',
  };
}

interface Observed {
  verdict: 'allow' | 'deny';
  elapsedMs: number;
  malformed?: string;
  decision?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
}

async function authorize(
  handler: Handler,
  token: string,
  shape: 'http_v2' | 'rest_token' = 'http_v2',
): Promise<Observed> {
  const mark = capture.offset();
  const answer = await invoke(handler, eventFor(shape, `Bearer ${token}`), shape === 'rest_token');
  figures.authorizerCalls++;
  figures.maxElapsedMs = Math.max(figures.maxElapsedMs, answer.elapsedMs);
  const lines = capture.json(mark);
  return {
    ...answer,
    decision: lines.find((l) => l.message === 'authorizer decision'),
    metrics: lines.find((l) => '_aws' in l),
  };
}

let closed: Handler;
let open: Handler;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  proxy = await startFaultProxy(dynamo.endpoint);
  jwks = await startJwksServer();
  await revokeJti('faults-revoked-jti');
  capture = captureOutput();
  closed = await loadAuthorizer(authorizerEnv(proxy.endpoint, 'closed'));
  open = await loadAuthorizer(authorizerEnv(proxy.endpoint, 'open'));
  // Warm both containers (JWKS fetched, connections open) so the deadline measures the store alone; both have now
  // seen `revokedToken` revoked.
  // A loaded machine can miss the short deadline on a cold path: warm until each answers, a bounded number of times.
  for (const handler of [closed, open]) {
    expect(await warm(handler, validToken, (a) => a.verdict === 'allow')).toBe(true);
    expect(await warm(handler, revokedToken, (a) => a.decision?.reason === 'revoked')).toBe(true);
  }
}, 120_000);

async function warm(
  handler: Handler,
  token: string,
  done: (answer: Awaited<ReturnType<typeof authorize>>) => boolean,
): Promise<boolean> {
  for (let attempt = 0; attempt < 30; attempt++) if (done(await authorize(handler, token))) return true;
  return false;
}

/** Writes a token revocation into TEST_SUB's partition (directly: the admin path has its own tests). */
async function revokeJti(jti: string): Promise<void> {
  const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
  const now = nowSeconds();
  const { unwritten } = await store.revoke([
    { sub: TEST_SUB, scope: 'token', id: jti, revokedAt: now, expiresAt: now + 7200 },
  ]);
  expect(unwritten).toEqual([]);
}

/** A token revoked in the table that no container has seen yet. */
async function freshRevoked(name: string): Promise<string> {
  const jti = `faults-fresh-${name}`;
  await revokeJti(jti);
  const token = signIdToken({ jti });
  secrets.add(jti, token);
  return token;
}

afterAll(async () => {
  capture?.restore();
  proxy?.set(undefined);
  await proxy?.stop();
  await jwks?.stop();
  await dynamo?.stop();
  console.log(`store faults: ${JSON.stringify({ ...figures, proxy: proxy?.stats })}`);
});

/** The store error kinds each fault may be reported as. */
const EXPECTED_KINDS: Record<FaultKind, readonly string[]> = {
  hang: ['timeout'],
  reset: ['unavailable', 'timeout'],
  // A lookup that met throttling stays "throttled" even if a later attempt timed out (never an outage).
  throttle: ['throttled'],
  throttling: ['throttled'],
  http500: ['unavailable', 'timeout'],
  http503: ['unavailable', 'timeout'],
  slow: ['timeout'],
  malformed: ['malformed'],
  truncated: ['malformed', 'unavailable', 'timeout'],
  wrongShape: ['malformed'],
  unprocessed: ['unavailable', 'throttled', 'timeout', 'unknown', 'malformed'],
  paginated: ['malformed'],
  noItems: ['malformed'],
  wrongCount: ['malformed'],
  foreignItem: ['malformed'],
  outsideRange: ['malformed'],
};

const FAULTS: readonly Fault[] = [
  { kind: 'hang' },
  { kind: 'reset' },
  { kind: 'throttle' },
  { kind: 'throttling' },
  { kind: 'http500' },
  { kind: 'http503' },
  { kind: 'slow', delayMs: SLOW_ANSWER_MS },
  { kind: 'malformed' },
  { kind: 'truncated' },
  { kind: 'wrongShape' },
  ...QUERY_SHAPE_FAULTS.map((kind): Fault => ({ kind })),
];

describe('authorizer under store faults', () => {
  for (const fault of FAULTS) {
    it(`${fault.kind}: fail closed within the deadline; fail open only for an outage, flagged; a known revoked token denied with no read`, async () => {
      // Arrange
      proxy.set(fault);
      const before = Object.values(proxy.stats.injected).reduce((a, b) => a + b, 0);
      try {
        for (let i = 0; i < REQUESTS_PER_FAULT; i++) {
          // Act
          const denied = await authorize(closed, validToken, i === 0 ? 'rest_token' : 'http_v2');
          const flagged = await authorize(open, validToken);
          const queries = proxy.stats.byOperation.Query ?? 0;
          const knownClosed = await authorize(closed, revokedToken, i === 0 ? 'rest_token' : 'http_v2');
          const knownOpen = await authorize(open, revokedToken);
          // Assert: closed
          expect(denied.malformed).toBeUndefined();
          expect(denied.verdict).toBe('deny');
          expect(denied.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
          expect(denied.decision).toMatchObject({ level: 'warn', decision: 'deny', reason: 'store_error' });
          expect(EXPECTED_KINDS[fault.kind]).toContain(denied.decision?.errorKind);
          expect(denied.metrics).toMatchObject({ Denied: 1, StoreErrors: 1, Reason_store_error: 1 });
          // Assert: open — an allow only for an outage, and then flagged
          const kind = String(flagged.decision?.errorKind);
          expect(EXPECTED_KINDS[fault.kind]).toContain(kind);
          expect(flagged.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
          if (OUTAGE_KINDS.includes(kind)) {
            expect(flagged.verdict).toBe('allow');
            expect(flagged.decision).toMatchObject({ level: 'warn', decision: 'allow', reason: 'fail_open' });
            expect(flagged.metrics).toMatchObject({ Allowed: 1, FailOpen: 1, StoreErrors: 1 });
          } else {
            expect(flagged.verdict).toBe('deny');
            expect(flagged.decision).toMatchObject({
              level: 'warn',
              decision: 'deny',
              reason: 'store_error',
            });
          }
          // Assert: the token both containers know is revoked — denied in both modes, without a store read.
          for (const known of [knownClosed, knownOpen]) {
            expect(known.verdict).toBe('deny');
            expect(known.decision).toMatchObject({ decision: 'deny', reason: 'revoked', scope: 'token' });
            expect(known.metrics).toMatchObject({ RevokedFromMemory: 1 });
            expect(known.metrics).not.toHaveProperty('StoreErrors');
          }
          expect(proxy.stats.byOperation.Query ?? 0).toBe(queries);
          if (knownOpen.verdict === 'allow' || knownClosed.verdict === 'allow') figures.wrongAllows++;
        }
      } finally {
        proxy.set(undefined);
      }
      figures.faultsInjected += Object.values(proxy.stats.injected).reduce((a, b) => a + b, 0) - before;
      // Assert: after the fault, both containers decide normally again (nothing stale, nothing stuck) — within two
      // requests: the first may still meet a keep-alive socket the fault left broken, and fail closed.
      for (const handler of [closed, open]) {
        let after = await authorize(handler, validToken);
        if (after.decision?.reason === 'store_error') after = await authorize(handler, validToken);
        expect(after.decision).toMatchObject({ decision: 'allow', reason: 'valid' });
      }
    });
  }

  it('slow but within the deadline: decides normally (a slow store is not a failure)', async () => {
    const fresh = await freshRevoked('slow');
    proxy.set({ kind: 'slow', delayMs: 60 });
    try {
      const allowed = await authorize(closed, validToken);
      const revoked = await authorize(closed, fresh);
      expect(allowed.decision).toMatchObject({ decision: 'allow', reason: 'valid' });
      expect(revoked.decision).toMatchObject({ decision: 'deny', reason: 'revoked' });
    } finally {
      proxy.set(undefined);
    }
  });

  it('one transient fault is retried within the deadline: a revoked token is still denied as revoked', async () => {
    for (const kind of ['throttle', 'http500', 'reset'] as const) {
      const fresh = await freshRevoked(`transient-${kind}`);
      proxy.set({ kind, times: 1 });
      const revoked = await authorize(closed, fresh);
      proxy.set({ kind, times: 1 });
      const valid = await authorize(closed, validToken);
      proxy.set(undefined);
      expect(revoked.decision, kind).toMatchObject({ decision: 'deny', reason: 'revoked' });
      expect(valid.decision, kind).toMatchObject({ decision: 'allow', reason: 'valid' });
      expect(revoked.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    }
  });

  it('a Query answer that is not exactly what was asked never reads as "not revoked", in either mode', async () => {
    for (const kind of QUERY_SHAPE_FAULTS) {
      const fresh = await freshRevoked(`shape-${kind}`);
      proxy.set({ kind });
      try {
        for (const handler of [closed, open]) {
          const answer = await authorize(handler, fresh);
          expect(answer.verdict, kind).toBe('deny');
          expect(answer.decision, kind).toMatchObject({ reason: 'store_error', errorKind: 'malformed' });
          if (answer.verdict === 'allow') figures.wrongAllows++;
        }
      } finally {
        proxy.set(undefined);
      }
      // Once answered properly, the same token is denied as revoked.
      expect((await authorize(closed, fresh)).decision, kind).toMatchObject({ reason: 'revoked' });
    }
  });

  it('a flood of a revoked token costs one read per container, then none until the entry expires', async () => {
    // Arrange: a revoked token neither container has seen
    const fresh = await freshRevoked('flood');
    const queries = () => proxy.stats.byOperation.Query ?? 0;
    const before = queries();
    // Act: 100 requests per container
    for (const handler of [closed, open]) {
      for (let i = 0; i < 100; i++) {
        const answer = await authorize(handler, fresh, i % 2 ? 'http_v2' : 'rest_token');
        expect(answer.verdict).toBe('deny');
        expect(answer.decision).toMatchObject({ reason: 'revoked' });
      }
    }
    // Assert
    const reads = queries() - before;
    figures.floodRequests += 200;
    figures.floodReads += reads;
    expect(reads).toBe(2);
  });

  it('FAIL_MODE=open denies while the partition is throttled — a known revoked token and an unknown one alike', async () => {
    // Arrange: one revoked token the open container knows, one it has not seen, one valid token
    const known = await freshRevoked('throttled-known');
    expect((await authorize(open, known)).decision).toMatchObject({ reason: 'revoked' });
    const unknown = await freshRevoked('throttled-unknown');
    for (const kind of ['throttle', 'throttling'] as const) {
      proxy.set({ kind });
      try {
        // Act
        const a = await authorize(open, known);
        const b = await authorize(open, unknown);
        const c = await authorize(open, signAccessToken({ jti: `throttled-valid-${kind}` }));
        // Assert
        expect(a.decision).toMatchObject({ decision: 'deny', reason: 'revoked' });
        expect(b.decision).toMatchObject({ decision: 'deny', reason: 'store_error', errorKind: 'throttled' });
        expect(c.decision).toMatchObject({ decision: 'deny', reason: 'store_error', errorKind: 'throttled' });
        for (const x of [a, b, c]) if (x.verdict === 'allow') figures.wrongAllows++;
      } finally {
        proxy.set(undefined);
      }
    }
  });

  it('connection refused: fail closed at once; open mode flags its allows', async () => {
    const endpoint = await closedPortEndpoint();
    const refusedClosed = await loadAuthorizer(authorizerEnv(endpoint, 'closed'));
    const refusedOpen = await loadAuthorizer(authorizerEnv(endpoint, 'open'));
    for (let i = 0; i < REQUESTS_PER_FAULT; i++) {
      const denied = await authorize(refusedClosed, validToken, 'rest_token');
      const flagged = await authorize(refusedOpen, validToken);
      figures.faultsInjected += 2;
      expect(denied.verdict).toBe('deny');
      expect(denied.malformed).toBeUndefined();
      expect(denied.decision).toMatchObject({ reason: 'store_error', errorKind: 'unavailable' });
      expect(flagged.decision).toMatchObject({
        decision: 'allow',
        reason: 'fail_open',
        errorKind: 'unavailable',
      });
      // The first call also fetches the JWKS; later ones are the store alone.
      if (i > 0) expect(denied.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    }
  });
});

describe('JWKS unavailable', () => {
  it('fail-open never covers verification: with the JWKS down, even FAIL_MODE=open denies', async () => {
    // Arrange: a JWKS endpoint answering 500, fresh containers (no key cached yet)
    const broken = await startJwksServer();
    broken.setStatus(500);
    try {
      for (const failMode of ['closed', 'open'] as const) {
        const handler = await loadAuthorizer({
          ...authorizerEnv(proxy.endpoint, failMode),
          JWKS_URI: broken.uri,
        });
        // Act
        const answer = await authorize(handler, validToken, 'rest_token');
        // Assert
        expect(answer.malformed).toBeUndefined();
        expect(answer.verdict).toBe('deny');
        expect(answer.decision).toMatchObject({ decision: 'deny', reason: 'jwks_unavailable' });
      }
    } finally {
      await broken.stop();
    }
  });
});

describe('admin signout under store faults', () => {
  let admin: { handler: Handler; restore: () => void };
  let cognitoStub: CognitoStub;
  beforeAll(async () => {
    // The revocation names its user (resolved at Cognito): a stand-in pool with that one user.
    cognitoStub = await startCognitoStub([{ username: 'fault-user', sub: TEST_SUB }]);
    admin = loadWithEnvironment('admin-signout', {
      TABLE_NAME: TABLE,
      USER_POOL_ID: TEST_USER_POOL_ID,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoStub.endpoint,
      TOKEN_LIFETIME_SECONDS: '3600',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    admin?.restore();
    await cognitoStub?.stop();
  });

  // `wrongShape` and the Query-answer faults are not faults for a write (a 200 to PutItem means written), and the
  // revocation writes are single PutItems (no batch to leave unprocessed); everything else must never yield a false
  // "ok".
  const writeFaults = FAULTS.filter((f) => f.kind !== 'wrongShape' && !QUERY_SHAPE_FAULTS.includes(f.kind));
  it('never reports a revocation as written when it is not in the table', async () => {
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const outcomes: string[] = [];
    for (const fault of writeFaults) {
      // Arrange
      const jti = `admin-fault-${fault.kind}`;
      proxy.set(fault);
      const started = performance.now();
      // Act
      const result = (await admin.handler(
        { operation: 'revokeToken', user: 'fault-user', jti, actor: 'fault-test', reason: fault.kind },
        { getRemainingTimeInMillis: () => 2000 }, // a 500 ms budget after the 1.5 s report margin
      )) as { ok: boolean; written: boolean; error?: { code: string } };
      const elapsedMs = performance.now() - started;
      proxy.set(undefined);
      figures.faultsInjected++;
      // Assert: answered before the invocation's time ran out
      expect(elapsedMs, fault.kind).toBeLessThan(2000);
      // Assert: ok only if written; a persistent fault is reported, never claimed as success
      const stored = (await store.readUser(TEST_SUB)).filter((e) => e.id === jti);
      if (result.ok) expect(stored, fault.kind).toHaveLength(1);
      else expect(result.error?.code, fault.kind).toBe('store_error');
      expect(result.ok, fault.kind).toBe(result.written);
      outcomes.push(`${fault.kind}:${result.ok ? 'ok' : 'reported'}`);
    }
    // Every persistent fault here makes the write fail; the admin said so each time.
    expect(outcomes.filter((o) => o.endsWith(':ok'))).toEqual([]);
  });
});

describe('token trigger under store faults', () => {
  const TRIGGER_DEADLINE_MS = 300;
  let trigger: { handler: Handler; restore: () => void };

  beforeAll(() => {
    trigger = loadWithEnvironment('token-trigger', {
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      STORE_TIMEOUT_MS: String(TRIGGER_DEADLINE_MS),
      TOKEN_LIFETIME_SECONDS: '3600',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(() => trigger?.restore());

  // `unprocessed` concerns batches (the trigger writes one item). `wrongShape` is not a fault for a write: a 200 to
  // PutItem means written, whatever else the body holds.
  const triggerFaults = FAULTS.filter((f) => f.kind !== 'wrongShape' && !QUERY_SHAPE_FAULTS.includes(f.kind));
  for (const fault of triggerFaults) {
    it(`${fault.kind}: the claim is injected, the failure counted and logged, sign-in proceeds in time`, async () => {
      proxy.set(fault);
      const before = Object.values(proxy.stats.injected).reduce((a, b) => a + b, 0);
      try {
        for (const version of ['1', '2', '3'] as const) {
          // Arrange
          const mark = capture.offset();
          const started = performance.now();
          // Act
          const result = await trigger.handler(preTokenEvent(version));
          const elapsedMs = performance.now() - started;
          figures.triggerCalls++;
          // Assert
          const lines = capture.json(mark);
          const claims = injectedSessionClaims(result, version);
          expect(claims).toHaveLength(version === '1' ? 1 : 2);
          for (const claim of claims) expect(claim).toMatch(/^[\w-]{16,}$/);
          expect(elapsedMs).toBeLessThan(TRIGGER_DEADLINE_MS + MARGIN_MS);
          expect(lines.find((l) => '_aws' in l)).toMatchObject({ session_record_failed: 1 });
          expect(
            lines.find((l) => l.message === 'session not recorded; claim injected anyway'),
          ).toMatchObject({
            level: 'error',
          });
        }
      } finally {
        proxy.set(undefined);
      }
      figures.faultsInjected += Object.values(proxy.stats.injected).reduce((a, b) => a + b, 0) - before;
    });
  }

  it('after the faults, sessions are recorded again', async () => {
    const mark = capture.offset();
    await trigger.handler(preTokenEvent('2'));
    expect(capture.json(mark).find((l) => '_aws' in l)).toMatchObject({ session_recorded: 1 });
  });

  it('logged no token', () => {
    expect(secrets.findIn(capture.text())).toEqual([]);
  });
});
