/**
 * Store faults (issue 6 item 3): a fault-injecting proxy in front of dynalite, and a port nothing listens on.
 * The BUILT authorizer fails closed within its configured deadline (elapsed time bounded by STORE_TIMEOUT_MS plus a
 * small margin — a correctness bound, not a benchmark), allows only in FAIL_MODE=open and then flags it (reason
 * `fail_open`, metric `FailOpen`); its logs and metrics say which. The BUILT token trigger under the same faults:
 * the session claim is injected, the failure is counted and logged, sign-in proceeds within its deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../support/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../support/jwks.js';
import { closedPortEndpoint } from '../support/network.js';
import { nowSeconds, signIdToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../support/tokens.js';
import { eventFor, invoke } from './support/events.js';
import { type Fault, type FaultKind, type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { injectedSessionClaims, preTokenEvent } from './support/fixtures.js';
import { SecretWatch } from './support/secrets.js';

const TABLE = 'blocklist-faults';
const DEADLINE_MS = 300;
/** Scheduling slack on a shared 2-core machine; the bound itself is the configured deadline. */
const MARGIN_MS = 250;
const REQUESTS_PER_FAULT = 2;

let dynamo: LocalDynamo;
let proxy: FaultProxy;
let jwks: JwksServer;
let capture: Capture;
const secrets = new SecretWatch();
const figures = { authorizerCalls: 0, triggerCalls: 0, faultsInjected: 0, wrongAllows: 0, maxElapsedMs: 0 };

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
  const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
  const now = nowSeconds();
  await store.revoke([{ scope: 'token', id: 'faults-revoked-jti', revokedAt: now, expiresAt: now + 7200 }]);
  capture = captureOutput();
  closed = await loadAuthorizer(authorizerEnv(proxy.endpoint, 'closed'));
  open = await loadAuthorizer(authorizerEnv(proxy.endpoint, 'open'));
  // Warm both containers (JWKS fetched, connections open) so the deadline measures the store alone.
  for (const handler of [closed, open]) expect((await authorize(handler, validToken)).verdict).toBe('allow');
});

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
  throttle: ['throttled', 'timeout'],
  throttling: ['throttled', 'timeout'],
  http500: ['unavailable', 'timeout'],
  http503: ['unavailable', 'timeout'],
  slow: ['timeout'],
  malformed: ['malformed'],
  truncated: ['malformed', 'unavailable', 'timeout'],
  wrongShape: ['malformed'],
  unprocessed: ['unavailable', 'throttled', 'timeout', 'unknown', 'malformed'],
};

const FAULTS: readonly Fault[] = [
  { kind: 'hang' },
  { kind: 'reset' },
  { kind: 'throttle' },
  { kind: 'throttling' },
  { kind: 'http500' },
  { kind: 'http503' },
  { kind: 'slow', delayMs: DEADLINE_MS * 3 },
  { kind: 'malformed' },
  { kind: 'truncated' },
  { kind: 'wrongShape' },
  { kind: 'unprocessed' },
];

describe('authorizer under store faults', () => {
  for (const fault of FAULTS) {
    it(`${fault.kind}: fail closed within the deadline; fail open only when opted in, flagged`, async () => {
      // Arrange
      proxy.set(fault);
      const before = Object.values(proxy.stats.injected).reduce((a, b) => a + b, 0);
      try {
        for (let i = 0; i < REQUESTS_PER_FAULT; i++) {
          for (const token of [validToken, revokedToken]) {
            // Act
            const denied = await authorize(closed, token, i === 0 ? 'rest_token' : 'http_v2');
            const flagged = await authorize(open, token);
            // Assert: closed
            expect(denied.malformed).toBeUndefined();
            expect(denied.verdict).toBe('deny');
            expect(denied.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
            expect(denied.decision).toMatchObject({ level: 'warn', decision: 'deny', reason: 'store_error' });
            expect(EXPECTED_KINDS[fault.kind]).toContain(denied.decision?.errorKind);
            expect(denied.metrics).toMatchObject({ Denied: 1, StoreErrors: 1, Reason_store_error: 1 });
            // Assert: open
            expect(flagged.verdict).toBe('allow');
            expect(flagged.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
            expect(flagged.decision).toMatchObject({ level: 'warn', decision: 'allow', reason: 'fail_open' });
            expect(flagged.metrics).toMatchObject({ Allowed: 1, FailOpen: 1, StoreErrors: 1 });
          }
        }
      } finally {
        proxy.set(undefined);
      }
      figures.faultsInjected += Object.values(proxy.stats.injected).reduce((a, b) => a + b, 0) - before;
      // Assert: after the fault, both containers decide normally again (nothing stale, nothing stuck).
      expect((await authorize(closed, validToken)).decision).toMatchObject({
        decision: 'allow',
        reason: 'valid',
      });
      expect((await authorize(closed, revokedToken)).decision).toMatchObject({
        decision: 'deny',
        reason: 'revoked',
      });
    });
  }

  it('slow but within the deadline: decides normally (a slow store is not a failure)', async () => {
    proxy.set({ kind: 'slow', delayMs: 60 });
    try {
      const allowed = await authorize(closed, validToken);
      const revoked = await authorize(closed, revokedToken);
      expect(allowed.decision).toMatchObject({ decision: 'allow', reason: 'valid' });
      expect(revoked.decision).toMatchObject({ decision: 'deny', reason: 'revoked' });
    } finally {
      proxy.set(undefined);
    }
  });

  it('one transient fault is retried within the deadline: the revoked token is still denied as revoked', async () => {
    for (const kind of ['throttle', 'http500', 'unprocessed', 'reset'] as const) {
      proxy.set({ kind, times: 1 });
      const revoked = await authorize(closed, revokedToken);
      proxy.set({ kind, times: 1 });
      const valid = await authorize(closed, validToken);
      proxy.set(undefined);
      expect(revoked.decision, kind).toMatchObject({ decision: 'deny', reason: 'revoked' });
      expect(valid.decision, kind).toMatchObject({ decision: 'allow', reason: 'valid' });
      expect(revoked.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    }
  });

  it('BatchGetItem holding back only the key that revokes: never an allow (partial answers are not answers)', async () => {
    // The token's keys are [user, token]: hold back the first, then the second, persistently.
    for (const holdBack of [1, 2]) {
      proxy.set({ kind: 'unprocessed', holdBack, operations: ['BatchGetItem'] });
      const revoked = await authorize(closed, revokedToken);
      proxy.set(undefined);
      expect(revoked.verdict).toBe('deny');
      if (revoked.verdict === 'allow') figures.wrongAllows++;
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
  beforeAll(async () => {
    admin = loadWithEnvironment('admin-signout', {
      TABLE_NAME: TABLE,
      USER_POOL_ID: TEST_USER_POOL_ID,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: await closedPortEndpoint(),
      TOKEN_LIFETIME_SECONDS: '3600',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(() => admin?.restore());

  // `wrongShape` is not a fault for a write (a 200 means written); everything else must never yield a false "ok".
  const writeFaults = FAULTS.filter((f) => f.kind !== 'wrongShape');
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
        { operation: 'revokeToken', jti, actor: 'fault-test', reason: fault.kind },
        { getRemainingTimeInMillis: () => 2000 }, // a 500 ms budget after the 1.5 s report margin
      )) as { ok: boolean; written: boolean; error?: { code: string } };
      const elapsedMs = performance.now() - started;
      proxy.set(undefined);
      figures.faultsInjected++;
      // Assert: answered before the invocation's time ran out
      expect(elapsedMs, fault.kind).toBeLessThan(2000);
      // Assert: ok only if written; a persistent fault is reported, never claimed as success
      const stored = await store.find([{ scope: 'token', id: jti }]);
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
  const triggerFaults = FAULTS.filter((f) => f.kind !== 'unprocessed' && f.kind !== 'wrongShape');
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
