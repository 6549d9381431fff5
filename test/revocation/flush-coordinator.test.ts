/**
 * The flush coordinator against dynalite (the lease record per stage, conditional writes): revocations of many
 * containers share flushes; a flush that started before a revocation's write never covers it; the settle rule
 * still holds; failures, a dead holder and a malformed record are reported, never taken for a flush.
 *
 * API Gateway's flush call is replaced here by a recording flusher (a loopback stand-in with the real signed call
 * is test/cache/flush-budget.bundle.test.ts): these tests are about which calls are made, and when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizerCacheFlusher,
  FlushError,
  type FlushTarget,
} from '../../lambdas/adapters/apigateway/authorizer-cache.js';
import { createSdkFlushLeaseStore, flushLeaseKey } from '../../lambdas/adapters/dynamodb/flush-lease.js';
import { createFlushCoordinator } from '../../lambdas/revocation/flush-coordinator.js';
import { createRetryingFlush } from '../../lambdas/revocation/flush-retry.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const TARGET: FlushTarget = { api: 'rest', apiId: 'abc123', stage: 'prod' };

interface Call {
  readonly started: number;
  ended?: number;
}

/** A flusher that records when each call started and ended; `answer(n)` decides the n-th call (1-based). */
function recordingFlusher(durationMs: number, answer: (n: number) => 'ok' | 429 | 403 = () => 'ok') {
  const calls: Call[] = [];
  const flusher: AuthorizerCacheFlusher = {
    async flush() {
      const call: Call = { started: performance.now() };
      calls.push(call);
      await new Promise((r) => setTimeout(r, durationMs));
      call.ended = performance.now();
      const a = answer(calls.length);
      if (a === 429) throw new FlushError('HTTP 429: Too Many Requests', true);
      if (a === 403) throw new FlushError('HTTP 403: Forbidden', false);
    },
    destroy() {},
  };
  return { flusher, calls };
}

async function setup(
  flusher: AuthorizerCacheFlusher,
  options: { settleMs?: number; minIntervalMs?: number; leaseMs?: number } = {},
) {
  const table = `leases${++tables}`;
  await dynamo.createTable(table);
  const store = createSdkFlushLeaseStore({ client: dynamo.client, tableName: table });
  /** One coordinator per simulated container: they share nothing but the table. */
  const container = () =>
    createFlushCoordinator({
      store,
      flush: createRetryingFlush(flusher, { baseMs: 20, capMs: 100 }),
      settleMs: options.settleMs ?? 0,
      minIntervalMs: options.minIntervalMs ?? 0,
      leaseMs: options.leaseMs ?? 5000,
      pollMs: 10,
    });
  return { table, store, container };
}

describe('flush coordinator (dynalite)', () => {
  it('two concurrent revocations in two containers → one flush, and both say they are covered by it', async () => {
    // Arrange
    const { flusher, calls } = recordingFlusher(100);
    const { container } = await setup(flusher);
    // Act
    const [a, b] = await Promise.all([container().cover(TARGET), container().cover(TARGET)]);
    // Assert
    expect(calls).toHaveLength(1);
    expect([a, b]).toEqual(
      expect.arrayContaining([
        { target: 'rest:abc123/prod', ok: true, coveredBy: { flush: 1, own: true } },
        { target: 'rest:abc123/prod', ok: true, coveredBy: { flush: 1, own: false } },
      ]),
    );
  });

  it('a flush that started before the write does not cover it: the revocation waits and gets the next one', async () => {
    // Arrange: revocation A's flush is in flight (slow)
    const { flusher, calls } = recordingFlusher(300);
    const { container } = await setup(flusher);
    const a = container().cover(TARGET);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    // Act: revocation B's write returns now, while flush #1 runs
    const bWrittenAt = performance.now();
    const b = await container().cover(TARGET);
    // Assert
    expect((await a).ok).toBe(true);
    expect(b).toEqual({ target: 'rest:abc123/prod', ok: true, coveredBy: { flush: 2, own: true } });
    expect(calls).toHaveLength(2);
    expect(calls[0]?.started).toBeLessThan(bWrittenAt);
    expect(calls[1]?.started).toBeGreaterThanOrEqual(calls[0]?.ended ?? Number.POSITIVE_INFINITY);
  });

  it('settle rule: five concurrent revocations share two flushes, the one they rest on started after the settle time', async () => {
    // Arrange
    const { flusher, calls } = recordingFlusher(50);
    const { container } = await setup(flusher, { settleMs: 200 });
    const writtenAt = performance.now();
    // Act
    const results = await Promise.all(Array.from({ length: 5 }, () => container().cover(TARGET)));
    // Assert: one flush at once, one after the settle time — not 2 × 5
    expect(calls).toHaveLength(2);
    for (const r of results) expect(r).toMatchObject({ ok: true, coveredBy: { flush: 2 } });
    expect(calls[1]?.started).toBeGreaterThanOrEqual(writtenAt + 200);
  });

  it('flushes of a stage are spaced by minIntervalMs: a revocation waits rather than calling again at once', async () => {
    const { flusher, calls } = recordingFlusher(10);
    const { container } = await setup(flusher, { minIntervalMs: 400 });
    await container().cover(TARGET);
    const second = await container().cover(TARGET);
    expect(second).toMatchObject({ ok: true, coveredBy: { flush: 2 } });
    expect(calls).toHaveLength(2);
    expect((calls[1]?.started ?? 0) - (calls[0]?.started ?? 0)).toBeGreaterThanOrEqual(390);
  });

  it('429 is retried with backoff; the result says covered once a retry succeeds', async () => {
    const { flusher, calls } = recordingFlusher(5, (n) => (n <= 2 ? 429 : 'ok'));
    const { container } = await setup(flusher);
    const result = await container().cover(TARGET);
    expect(result).toEqual({ target: 'rest:abc123/prod', ok: true, coveredBy: { flush: 1, own: true } });
    expect(calls).toHaveLength(3);
  });

  it('a final failure (403) is reported with the flush and its reason, to every revocation it was to cover', async () => {
    const { flusher, calls } = recordingFlusher(100, () => 403);
    const { container } = await setup(flusher);
    const [a, b] = await Promise.all([container().cover(TARGET), container().cover(TARGET)]);
    expect(calls).toHaveLength(1);
    for (const r of [a, b]) {
      expect(r.ok).toBe(false);
      expect(r).toMatchObject({ error: expect.stringMatching(/^flush #1 failed.*HTTP 403: Forbidden$/) });
    }
  });

  it('throttled past the deadline: not covered, and the result says why', async () => {
    const { flusher } = recordingFlusher(5, () => 429);
    const { container } = await setup(flusher);
    const result = await container().cover(TARGET, AbortSignal.timeout(600));
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ error: expect.stringMatching(/HTTP 429/) });
  });

  it('a holder that died (lease expired) is taken over; a live holder is waited for until the deadline', async () => {
    const { flusher, calls } = recordingFlusher(5);
    const { store, container } = await setup(flusher);
    const stage = 'rest:abc123/prod';
    const now = Date.now();
    // A live holder: nobody else flushes; the deadline ends the wait and says so.
    await store.write(
      stage,
      { gen: 1, version: 1, holder: 'x', leaseUntil: now + 60_000, startedAt: now, doneGen: 0, failGen: 0 },
      0,
    );
    const waited = await container().cover(TARGET, AbortSignal.timeout(300));
    expect(waited).toMatchObject({ ok: false, error: expect.stringMatching(/deadline passed/) });
    expect(calls).toHaveLength(0);
    // The same holder, its lease long expired (beyond the tolerated clock error): taken over.
    await store.write(
      stage,
      {
        gen: 1,
        version: 2,
        holder: 'x',
        leaseUntil: now - 10_000,
        startedAt: now - 20_000,
        doneGen: 0,
        failGen: 0,
      },
      1,
    );
    const taken = await container().cover(TARGET);
    expect(taken).toEqual({ target: stage, ok: true, coveredBy: { flush: 2, own: true } });
    expect(calls).toHaveLength(1);
  });

  it('a malformed lease record is an error, never a flush that covers', async () => {
    const { flusher, calls } = recordingFlusher(5);
    const { table, container } = await setup(flusher);
    await dynamo.client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          ...flushLeaseKey('rest:abc123/prod'),
          ...{ gen: { N: '1' }, version: { N: '1' }, leaseUntil: { N: '0' }, startedAt: { N: '0' } },
          ...{ failGen: { N: '0' }, doneGen: { S: '1' } },
        },
      }),
    );
    const result = await container().cover(TARGET);
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/flush coordination failed: .*doneGen/),
    });
    expect(calls).toHaveLength(0);
  });
});
