/**
 * The authorizer built with injected dependencies (createAuthorizer): the real Cognito verifier on a loopback
 * JWKS, an in-memory blocklist, a controlled clock, and log/metric sinks we can read.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../lambdas/authorizer/authorizer.js';
import { parseAuthorizerConfig } from '../../lambdas/verification/config.js';
import { createDecisionRecorder, stdoutLineWriter } from '../../lambdas/authorizer/decision-record.js';
import { createCognitoVerifier } from '../../lambdas/verification/verifier.js';
import { stalenessReader } from '../../lambdas/verification/staleness.js';
import type { RevocationHint } from '../../lambdas/core/hints.js';
import { StoreError } from '../../lambdas/core/ports.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import {
  createSigningKey,
  nowSeconds,
  signAccessToken,
  signIdToken,
  TEST_CLIENT_ID,
  TEST_KID,
  TEST_SUB,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';
import {
  appSyncEvent,
  httpApiEvent,
  memoryBlocklist,
  restTokenEvent,
} from '../fixtures/authorizer-events.js';

let jwks: JwksServer;
beforeAll(async () => {
  jwks = await startJwksServer();
});
afterAll(async () => {
  await jwks.stop();
});

function build(env: Record<string, string> = {}, options: { clockMs?: () => number } = {}) {
  const config = parseAuthorizerConfig({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: 'blocklist',
    JWKS_URI: jwks.uri,
    ...env,
  });
  const lines: Record<string, unknown>[] = [];
  const write = (line: string) => {
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  const blocklist = memoryBlocklist();
  const clock = options.clockMs ?? Date.now;
  // Every allow logged and a metrics document after every decision, so each test sees its decision's own figures
  // (the sampling and the aggregation themselves are tested under 'decision recorder' below).
  const recorder = createDecisionRecorder({
    namespace: 'Test',
    service: 'authorizer',
    level: 'info',
    write,
    allowSampleRate: 1,
    flushEveryDecisions: 1,
  });
  const hints: RevocationHint[] = [];
  const reader =
    config.stalenessSeconds > 0
      ? stalenessReader(blocklist, {
          stalenessSeconds: config.stalenessSeconds,
          maxAgeSeconds: config.maxAgeSeconds,
          clock,
          hints: {
            since: async (from, until) => ({
              hints: hints.filter((h) => h.at >= from && h.at <= until),
              truncated: false,
            }),
          },
          onHit: () => recorder.count('CacheHits'),
        })
      : blocklist;
  const authorize = createAuthorizer({
    config,
    reader,
    verifier: createCognitoVerifier(config),
    recorder,
    clock,
  });
  const decisions = () => lines.filter((l) => l.message === 'authorizer decision');
  const metrics = () => lines.filter((l) => l._aws !== undefined);
  return { authorize, blocklist, lines, decisions, metrics, hints };
}

describe('createAuthorizer', () => {
  it('reads the user’s partition once per decision, whatever keys the token carries', async () => {
    // Arrange
    const { authorize, blocklist } = build();
    const token = signAccessToken({ jti: 'j1', origin_jti: 'o1', revocation_sid: 's1' });
    // Act
    await authorize(httpApiEvent({ authorization: `Bearer ${token}` }));
    // Assert
    expect(blocklist.calls).toEqual([TEST_SUB]);
  });

  it('each of the four keys revokes from the one read of the partition', async () => {
    const token = signAccessToken({ jti: 'j1', origin_jti: 'o1', revocation_sid: 's1' });
    const later = nowSeconds() + 60;
    for (const [scope, id] of [
      ['origin', 'o1'],
      ['session', 's1'],
      ['token', 'j1'],
    ] as const) {
      const { authorize, blocklist } = build();
      blocklist.put({ sub: TEST_SUB, scope, id, revokedAt: 1, expiresAt: later });
      expect(await authorize(httpApiEvent({ authorization: token }))).toEqual({ isAuthorized: false });
      // Another user's entry with the same id revokes nothing.
      const other = build();
      other.blocklist.put({ sub: 'someone-else', scope, id, revokedAt: 1, expiresAt: later });
      expect(await other.authorize(httpApiEvent({ authorization: token }))).toMatchObject({
        isAuthorized: true,
      });
    }
  });

  it('never consults the store for a token that fails verification', async () => {
    const { authorize, blocklist } = build();
    await authorize(httpApiEvent({ authorization: signAccessToken({ exp: nowSeconds() - 1 }) }));
    expect(blocklist.calls).toHaveLength(0);
  });

  it('writes a decision line and a valid EMF document, without the token', async () => {
    // Arrange
    const { authorize, blocklist, lines } = build();
    blocklist.put({ sub: TEST_SUB, scope: 'token', id: 'j-rev', revokedAt: 1, expiresAt: nowSeconds() + 60 });
    const token = signIdToken({ jti: 'j-rev' });
    // Act
    await authorize(appSyncEvent(token));
    // Assert
    expect(lines).toHaveLength(2);
    const [line, document] = lines as [Record<string, unknown>, Record<string, unknown>];
    expect(line).toMatchObject({
      level: 'info',
      service: 'authorizer',
      message: 'authorizer decision',
      decision: 'deny',
      reason: 'revoked',
      scope: 'token',
      eventKind: 'appsync',
      tokenUse: 'id',
      sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      latencyMs: expect.any(Number),
      storeMs: expect.any(Number),
    });
    expect(line).not.toHaveProperty('_aws');
    expect(document).toMatchObject({
      service: 'authorizer',
      Denied: 1,
      Reason_revoked: 1,
      Revoked_token: 1,
      StoreLatency: [expect.any(Number)],
    });
    // EMF: every metric named in the directive is at the top level (a number, or an array of at most 100 numbers);
    // dimensions are top-level strings.
    const directive = document._aws as {
      Timestamp: number;
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: string }[];
      }[];
    };
    expect(Math.abs(directive.Timestamp - Date.now())).toBeLessThan(5000);
    const [set] = directive.CloudWatchMetrics;
    expect(set?.Namespace).toBe('Test');
    expect(set?.Dimensions).toEqual([['service']]);
    expect(set?.Metrics).toContainEqual({ Name: 'StoreLatency', Unit: 'Milliseconds' });
    expect(set?.Metrics).toContainEqual({ Name: 'Denied', Unit: 'Count' });
    for (const metric of set?.Metrics ?? []) {
      const value = document[metric.Name];
      const values = Array.isArray(value) ? value : [value];
      expect(values.length).toBeLessThanOrEqual(100);
      for (const v of values) expect(typeof v).toBe('number');
    }
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
  });

  it('fails closed on a store error, or allows and flags it with FAIL_MODE=open', async () => {
    const closed = build();
    closed.blocklist.failWith(new StoreError('throttled', 'slow down'));
    const open = build({ FAIL_MODE: 'open' });
    open.blocklist.failWith(new StoreError('unavailable', 'down'));
    await expect(closed.authorize(restTokenEvent(signAccessToken()))).rejects.toThrow(
      new Error('Unauthorized'),
    );
    const allowed = await open.authorize(restTokenEvent(signAccessToken()));
    expect(closed.decisions()[0]).toMatchObject({
      level: 'warn',
      reason: 'store_error',
      errorKind: 'throttled',
    });
    expect(closed.metrics()[0]).toMatchObject({ StoreErrors: 1 });
    expect(allowed).toHaveProperty('principalId');
    expect(open.decisions()[0]).toMatchObject({
      level: 'warn',
      decision: 'allow',
      reason: 'fail_open',
      errorKind: 'unavailable',
    });
    expect(open.metrics()[0]).toMatchObject({ FailOpen: 1, StoreErrors: 1 });
  });

  it('an unexpected exception inside the pipeline denies instead of crashing', async () => {
    const { authorize, blocklist, lines } = build();
    (blocklist as { readUser: unknown }).readUser = () => {
      throw new TypeError('synchronous boom');
    };
    const response = await authorize(httpApiEvent({ authorization: signAccessToken() }));
    expect(response).toEqual({ isAuthorized: false });
    expect(lines[0]).toMatchObject({ decision: 'deny' });
  });
});

describe('revoked-verdict memory and fail-open', () => {
  const revokedEntry = (jti: string, expiresAt = nowSeconds() + 600) => ({
    sub: TEST_SUB,
    scope: 'token' as const,
    id: jti,
    revokedAt: 1,
    expiresAt,
  });

  it('a flood of a revoked token costs one read, then none until the entry expires', async () => {
    // Arrange
    let now = Date.now();
    const { authorize, blocklist, decisions, metrics } = build({}, { clockMs: () => now });
    blocklist.put(revokedEntry('flood', Math.floor(now / 1000) + 60));
    const token = signAccessToken({ jti: 'flood' });
    // Act
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await authorize(httpApiEvent({ authorization: token })));
    // Assert
    expect(answers.every((a) => (a as { isAuthorized: boolean }).isAuthorized === false)).toBe(true);
    expect(blocklist.calls).toHaveLength(1);
    expect(decisions().every((l) => l.reason === 'revoked')).toBe(true);
    expect(
      metrics()
        .slice(1)
        .every((l) => l.RevokedFromMemory === 1),
    ).toBe(true);
    // At the entry's own expiry the memory lets go and the store is asked again.
    now += 60_000;
    await authorize(httpApiEvent({ authorization: token }));
    expect(blocklist.calls).toHaveLength(2);
  });

  it('FAIL_MODE=open never allows a token the container knows is revoked, whatever the store error', async () => {
    for (const kind of ['timeout', 'unavailable', 'throttled', 'malformed'] as const) {
      // Arrange: the open container denied the token once (it is remembered), then the store fails
      const { authorize, blocklist } = build({ FAIL_MODE: 'open' });
      blocklist.put(revokedEntry('known'));
      const token = signAccessToken({ jti: 'known' });
      expect(await authorize(httpApiEvent({ authorization: token }))).toEqual({ isAuthorized: false });
      blocklist.failWith(new StoreError(kind, 'down'));
      // Act
      const answer = await authorize(httpApiEvent({ authorization: token }));
      // Assert
      expect(answer, kind).toEqual({ isAuthorized: false });
    }
  });

  it('FAIL_MODE=open allows (flagged) only for an outage: throttling and malformed answers deny', async () => {
    const cases = [
      ['timeout', true],
      ['unavailable', true],
      ['throttled', false],
      ['malformed', false],
      ['denied', false],
      ['unknown', false],
    ] as const;
    for (const [kind, allowed] of cases) {
      const { authorize, blocklist, decisions } = build({ FAIL_MODE: 'open' });
      blocklist.failWith(new StoreError(kind, 'store failed'));
      const answer = await authorize(httpApiEvent({ authorization: signAccessToken({ jti: `u-${kind}` }) }));
      expect((answer as { isAuthorized: boolean }).isAuthorized, kind).toBe(allowed);
      expect(decisions()[0], kind).toMatchObject({
        reason: allowed ? 'fail_open' : 'store_error',
        errorKind: kind,
      });
    }
  });

  it('the memory is bounded and drops expired entries', async () => {
    const { createRevokedMemory } = await import('../../lambdas/verification/revoked-memory.js');
    const memory = createRevokedMemory(3);
    const t = (sub: string, jti: string) => ({ sub, issuedAt: 1, expiresAt: 2e9, jti });
    for (let i = 0; i < 5; i++)
      memory.remember({ sub: `u${i}`, scope: 'token', id: 'j', revokedAt: 1, expiresAt: 100 }, 10);
    expect(memory.size()).toBe(3);
    expect(memory.revoking(t('u0', 'j'), 10)).toBeUndefined(); // evicted (least recently used)
    expect(memory.revoking(t('u4', 'j'), 10)).toMatchObject({ id: 'j' });
    expect(memory.revoking(t('u4', 'other'), 10)).toBeUndefined();
    expect(memory.revoking(t('u4', 'j'), 100)).toBeUndefined(); // at its expiry
    expect(memory.size()).toBe(2);
    memory.remember({ sub: 'u9', scope: 'token', id: 'j', revokedAt: 1, expiresAt: 5 }, 10); // already expired
    expect(memory.revoking(t('u9', 'j'), 10)).toBeUndefined();
  });
});

describe('staleness mode (REVOCATION_STALENESS_SECONDS)', () => {
  it('a revocation is refused from the first poll after its hint; before that the cached answer may serve', async () => {
    // Arrange
    let now = Date.now();
    const { authorize, blocklist, hints } = build(
      { REVOCATION_STALENESS_SECONDS: '1' },
      { clockMs: () => now },
    );
    const token = signAccessToken({ jti: 'cached-jti' });
    await authorize(httpApiEvent({ authorization: token }));
    blocklist.put({
      sub: TEST_SUB,
      scope: 'token',
      id: 'cached-jti',
      revokedAt: 1,
      expiresAt: nowSeconds() + 3600,
    });
    hints.push({ sub: TEST_SUB, at: now });
    // Act
    now += 999;
    const withinS = await authorize(httpApiEvent({ authorization: token }));
    now += 1;
    const atS = await authorize(httpApiEvent({ authorization: token }));
    // Assert
    expect(withinS).toMatchObject({ isAuthorized: true });
    expect(atS).toEqual({ isAuthorized: false });
    expect(blocklist.calls).toHaveLength(2);
  });

  it('one cached answer per user serves every token of that user', async () => {
    const now = Date.now();
    const { authorize, blocklist, metrics } = build(
      { REVOCATION_STALENESS_SECONDS: '1' },
      { clockMs: () => now },
    );
    await authorize(httpApiEvent({ authorization: signAccessToken({ jti: 'a' }) }));
    await authorize(httpApiEvent({ authorization: signAccessToken({ jti: 'b' }) }));
    expect(blocklist.calls).toEqual([TEST_SUB]);
    expect(metrics()[1]).toMatchObject({ CacheHits: 1 });
  });

  it('the revoked-verdict memory keeps working: a watermark read once revokes every older token with no more reads', async () => {
    const now = Date.now();
    const { authorize, blocklist } = build({ REVOCATION_STALENESS_SECONDS: '1' }, { clockMs: () => now });
    blocklist.put({
      sub: 'u-cached',
      scope: 'user',
      id: 'u-cached',
      notBefore: nowSeconds() + 5, // covers tokens signed below even across a second boundary
      revokedAt: 1,
      expiresAt: nowSeconds() + 60,
    });
    const first = await authorize(
      httpApiEvent({ authorization: signAccessToken({ sub: 'u-cached', jti: 'x1' }) }),
    );
    const second = await authorize(
      httpApiEvent({ authorization: signAccessToken({ sub: 'u-cached', jti: 'x2' }) }),
    );
    expect(first).toEqual({ isAuthorized: false });
    expect(second).toEqual({ isAuthorized: false });
    expect(blocklist.calls).toEqual(['u-cached']);
  });
});

describe('output failures', () => {
  it('a failing stdout changes nothing: the allow stays an allow, a REST deny stays exactly Unauthorized', async () => {
    // Arrange
    const config = parseAuthorizerConfig({
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: 'blocklist',
      JWKS_URI: jwks.uri,
    });
    const authorize = createAuthorizer({
      config,
      reader: memoryBlocklist(),
      verifier: createCognitoVerifier(config),
      recorder: createDecisionRecorder({
        namespace: 'N',
        service: 'authorizer',
        level: 'info',
        write: () => {
          throw new Error('EPIPE');
        },
      }),
    });
    // Act
    const allowed = await authorize(httpApiEvent({ authorization: signAccessToken() }));
    const denied = authorize(restTokenEvent('garbage'));
    // Assert
    expect(allowed).toMatchObject({ isAuthorized: true });
    await expect(denied).rejects.toThrow(new Error('Unauthorized'));
  });
});

describe('cold start: the first request looks up the blocklist while the JWKS is fetched', () => {
  function withGatedVerifier() {
    const config = parseAuthorizerConfig({
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: 'blocklist',
      JWKS_URI: jwks.uri,
    });
    const real = createCognitoVerifier(config);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const blocklist = memoryBlocklist();
    const authorize = createAuthorizer({
      config,
      reader: blocklist,
      verifier: { verify: async (token) => gate.then(() => real.verify(token)) },
      recorder: createDecisionRecorder({
        namespace: 'N',
        service: 'authorizer',
        level: 'info',
        write: () => {},
      }),
    });
    return { authorize, blocklist, open };
  }

  it('starts the lookup before verification ends, and uses it (one round trip in all)', async () => {
    // Arrange
    const { authorize, blocklist, open } = withGatedVerifier();
    const token = signAccessToken({ jti: 'cold-1', origin_jti: 'cold-o' });
    // Act
    const pending = authorize(httpApiEvent({ authorization: token }));
    await new Promise((r) => setTimeout(r, 20));
    const callsWhileVerifying = blocklist.calls.length;
    open();
    const response = await pending;
    // Assert
    expect(callsWhileVerifying).toBe(1);
    expect(response).toMatchObject({ isAuthorized: true });
    expect(blocklist.calls).toHaveLength(1);
  });

  it('the prefetched answer still revokes', async () => {
    const { authorize, blocklist, open } = withGatedVerifier();
    blocklist.put({
      sub: TEST_SUB,
      scope: 'token',
      id: 'cold-revoked',
      revokedAt: 1,
      expiresAt: nowSeconds() + 60,
    });
    open();
    const response = await authorize(
      httpApiEvent({ authorization: signAccessToken({ jti: 'cold-revoked' }) }),
    );
    expect(response).toEqual({ isAuthorized: false });
  });

  it('only once per container: forged tokens cannot be turned into reads', async () => {
    const { authorize, blocklist, open } = withGatedVerifier();
    open();
    // Same kid as the real key, another key: passes every cheap check, fails the signature.
    const forger = createSigningKey(TEST_KID);
    const forged = (i: number) => signAccessToken({ jti: `forged-${i}` }, { key: forger });
    for (let i = 0; i < 5; i++) {
      expect(await authorize(httpApiEvent({ authorization: forged(i) }))).toEqual({ isAuthorized: false });
    }
    expect(blocklist.calls).toHaveLength(1);
  });
});

describe('stdoutLineWriter', () => {
  class Stream {
    constructor(readonly fd?: number) {}
    readonly streamed: string[] = [];
    write(text: string) {
      this.streamed.push(text);
      return true;
    }
  }

  it('writes each line with one synchronous write to the descriptor', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'writer-'));
    const fd = openSync(join(dir, 'out'), 'w');
    const stream = new Stream(fd);
    const write = stdoutLineWriter(fd, () => stream);
    // Act
    write('{"a":1}\n');
    write('{"b":"é"}\n');
    closeSync(fd);
    // Assert
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('{"a":1}\n{"b":"é"}\n');
    expect(stream.streamed).toEqual([]);
    rmSync(dir, { recursive: true });
  });

  it('honours a replaced process.stdout.write (log shippers, test capture)', () => {
    const stream = new Stream();
    const captured: string[] = [];
    Object.defineProperty(stream, 'write', { value: (t: string) => captured.push(t) });
    stdoutLineWriter(1, () => stream)('{"c":1}\n');
    expect(captured).toEqual(['{"c":1}\n']);
  });

  it('falls back to the stream when the descriptor refuses the write', () => {
    const stream = new Stream(987654);
    stdoutLineWriter(987654, () => stream)('{"d":1}\n');
    expect(stream.streamed).toEqual(['{"d":1}\n']);
  });

  it('uses the stream when stdout is not the descriptor (a worker thread: its host reads a message port)', () => {
    const stream = new Stream(undefined);
    stdoutLineWriter(1, () => stream)('{"e":1}\n');
    expect(stream.streamed).toEqual(['{"e":1}\n']);
  });
});
