/**
 * The decision recorder on its own: which decisions write a log line, how the counters are aggregated into one EMF
 * document per container, and what that costs in bytes per allowed decision at the defaults.
 */
import { describe, expect, it } from 'vitest';
import {
  createDecisionRecorder,
  type DecisionFields,
  type DecisionRecorderOptions,
} from '../../lambdas/authorizer/decision-record.js';

const ALLOW: DecisionFields = {
  decision: 'allow',
  reason: 'valid',
  eventKind: 'rest_token',
  tokenUse: 'access',
  sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  latencyMs: 0.41,
  storeMs: 3.2,
  level: 'info',
};
const REVOKED: DecisionFields = { ...ALLOW, decision: 'deny', reason: 'revoked', scope: 'user' };
const STORE_ERROR: DecisionFields = {
  ...ALLOW,
  decision: 'deny',
  reason: 'store_error',
  errorKind: 'throttled',
  level: 'warn',
};
const FAIL_OPEN: DecisionFields = { ...ALLOW, reason: 'fail_open', errorKind: 'timeout', level: 'warn' };

function recorder(options: Partial<DecisionRecorderOptions> = {}) {
  const raw: string[] = [];
  let now = 1_800_000_000_000;
  const r = createDecisionRecorder({
    namespace: 'Test',
    service: 'authorizer',
    level: 'info',
    write: (line) => raw.push(line),
    clock: () => now,
    ...options,
  });
  const lines = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    r,
    raw,
    decisions: () => lines().filter((l) => l.message === 'authorizer decision'),
    documents: () => lines().filter((l) => l._aws !== undefined),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('decision recorder: log lines', () => {
  it('every deny, store error and fail-open writes its own line; allows only when sampled', () => {
    // Arrange: a "random" source that samples exactly the 2nd of four allows
    const draws = [0.5, 0.005, 0.9, 0.02];
    const { r, decisions } = recorder({ random: () => draws.shift() ?? 1 });
    // Act
    for (let i = 0; i < 4; i++) r.record(ALLOW);
    r.record(REVOKED);
    r.record(STORE_ERROR);
    r.record(FAIL_OPEN);
    // Assert
    const logged = decisions();
    expect(logged.map((l) => l.reason)).toEqual(['valid', 'revoked', 'store_error', 'fail_open']);
    expect(logged[0]).toMatchObject({ decision: 'allow', sampleRate: 0.01, sub: ALLOW.sub, storeMs: 3.2 });
    expect(logged[1]).not.toHaveProperty('sampleRate');
    expect(logged[2]).toMatchObject({ level: 'warn', errorKind: 'throttled' });
    expect(logged[3]).toMatchObject({ level: 'warn', decision: 'allow', errorKind: 'timeout' });
  });

  it('at debug every allow is logged; at warn only the warnings are, and the metrics still count everything', () => {
    const debug = recorder({ level: 'debug', random: () => 0.99 });
    for (let i = 0; i < 5; i++) debug.r.record(ALLOW);
    expect(debug.decisions()).toHaveLength(5);
    expect(debug.decisions()[0]).not.toHaveProperty('sampleRate');

    const warn = recorder({ level: 'warn', random: () => 0 });
    warn.r.record(ALLOW);
    warn.r.record(REVOKED);
    warn.r.record(STORE_ERROR);
    warn.r.flush();
    expect(warn.decisions().map((l) => l.reason)).toEqual(['store_error']);
    expect(warn.documents()[0]).toMatchObject({ Allowed: 1, Denied: 2, Reason_revoked: 1, StoreErrors: 1 });
  });

  it('a sample rate of 0 logs no allow, 1 logs every allow', () => {
    const none = recorder({ allowSampleRate: 0, random: () => 0 });
    const all = recorder({ allowSampleRate: 1, random: () => 0.999 });
    for (let i = 0; i < 10; i++) {
      none.r.record(ALLOW);
      all.r.record(ALLOW);
    }
    expect(none.decisions()).toHaveLength(0);
    expect(all.decisions()).toHaveLength(10);
    expect(all.decisions()[0]).not.toHaveProperty('sampleRate');
  });
});

describe('decision recorder: one EMF document per container and period', () => {
  it('aggregates counters over decisions and writes one document after flushEveryDecisions', () => {
    // Arrange
    const { r, documents } = recorder({ flushEveryDecisions: 3 });
    // Act
    r.count('StoreRoundTrips');
    r.record(ALLOW);
    r.count('StoreRoundTrips', 2);
    r.count('not a metric name');
    r.record(REVOKED);
    // Assert: nothing yet
    expect(documents()).toHaveLength(0);
    r.record(STORE_ERROR);
    const [doc] = documents();
    expect(documents()).toHaveLength(1);
    expect(doc).toMatchObject({
      service: 'authorizer',
      Allowed: 1,
      Denied: 2,
      Reason_valid: 1,
      Reason_revoked: 1,
      Reason_store_error: 1,
      Revoked_user: 1,
      StoreErrors: 1,
      StoreRoundTrips: 3,
      StoreLatency: [3.2, 3.2, 3.2],
    });
    const names = (
      doc!._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }
    ).CloudWatchMetrics[0]!.Metrics.map((m) => m.Name).sort();
    expect(names).toEqual(
      Object.keys(doc!)
        .filter((k) => k !== '_aws' && k !== 'service')
        .sort(),
    );
    // Counters restart after the document.
    r.record(ALLOW);
    r.record(ALLOW);
    r.record(ALLOW);
    expect(documents()[1]).toMatchObject({ Allowed: 3, Reason_valid: 3 });
    expect(documents()[1]).not.toHaveProperty('Denied');
  });

  it('writes the document with the first decision 60 s after the previous one', () => {
    const { r, documents, advance } = recorder();
    r.record(ALLOW);
    advance(59_999);
    r.record(ALLOW);
    expect(documents()).toHaveLength(0);
    advance(1);
    r.record(REVOKED);
    expect(documents()).toEqual([expect.objectContaining({ Allowed: 2, Denied: 1 })]);
    expect((documents()[0]!._aws as { Timestamp: number }).Timestamp).toBe(1_800_000_060_000);
  });

  it('sends at most 100 store latencies per document (EMF limit), sampled from all of them', () => {
    const { r, documents } = recorder({ random: () => 0.5 });
    for (let i = 0; i < 1000; i++) r.record({ ...ALLOW, storeMs: i });
    const latencies = documents()[0]!.StoreLatency as number[];
    expect(latencies).toHaveLength(100);
    // Later decisions replaced some of the first hundred.
    expect(Math.max(...latencies)).toBeGreaterThan(99);
  });

  it('flush() writes nothing when no counter moved', () => {
    const { r, raw } = recorder();
    r.flush();
    expect(raw).toHaveLength(0);
  });
});

describe('decision recorder: bytes of log per allowed decision at the defaults', () => {
  it('stays within 60 bytes on average (one allow line in a hundred, one document per 1,000 decisions)', () => {
    // Arrange: the default sample rate and flush size, the real random source
    const { r, raw } = recorder();
    const allows = 20_000;
    // Act
    for (let i = 0; i < allows; i++) {
      r.count('StoreRoundTrips');
      r.record(ALLOW);
    }
    // Assert
    const bytes = raw.reduce((sum, l) => sum + Buffer.byteLength(l), 0);
    expect(bytes / allows).toBeLessThanOrEqual(60);
    expect(raw.length).toBeGreaterThan(20); // documents and some sampled lines were written
  });
});
