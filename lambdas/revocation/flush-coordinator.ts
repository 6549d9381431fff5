/**
 * Coalesced flushes of API Gateway's authorizer cache: every revoking function in every container shares one flush
 * per stage at a time, through a lease record per stage in the table (lambdas/core/flush-lease.ts).
 *
 * A revocation is covered on a stage by any successful flush of that stage that STARTED after its write. "Started
 * after" is decided without comparing clocks: flushes are numbered; a revocation reads the stage's record (strongly
 * consistent) after its write returned and notes the number `g` of the last flush started; a flush numbered above
 * `g` was acquired by a conditional write ordered after that read, and its API call was made after that write.
 *
 * The settle rule (why one flush at once is not enough): an authorizer decision whose store read began before the
 * revocation's write returned can still be answering — and be cached by API Gateway — while the first flush runs;
 * such a decision ends at most its store deadline (`STORE_TIMEOUT_MS`, 800 ms by default) after its read began. So
 * the revocation reads the record a second time once `settleMs` (1000 ms, measured on its own monotonic clock) has
 * passed since its write returned, and needs a successful flush numbered above what that second read saw: that
 * flush started after every such decision had ended, so it removes any allow they left in the cache. The first
 * threshold only makes the revocation bite sooner; the second is what the result's `ok` rests on.
 *
 * Budget: at most one flush of a stage in flight, flushes of a stage started at least `minIntervalMs` apart (by the
 * clock of the function that starts them), at most `maxAttempts` calls per flush. A revocation that finds a covering
 * flush in flight or done waits for it or reuses it and calls API Gateway not at all.
 */
import { randomBytes } from 'node:crypto';
import { targetName, type FlushTarget } from '../adapters/apigateway/authorizer-cache.js';
import type { FlushLeaseState, FlushLeaseStore } from '../core/flush-lease.js';
import { StoreError } from '../core/ports.js';
import type { RetryingFlush } from './flush-retry.js';

export interface FlushCoordinatorOptions {
  readonly store: FlushLeaseStore;
  readonly flush: RetryingFlush;
  /** Wait after the write before the threshold that `ok` rests on is read (default 1000 ms; 0 = one threshold). */
  readonly settleMs?: number;
  /** Least time between the starts of two flushes of one stage (default 1000 ms). */
  readonly minIntervalMs?: number;
  /** How long a holder may take (default 8000 ms); after it (plus `skewMs`) another function may take over. */
  readonly leaseMs?: number;
  /** Clock error tolerated between two functions' clocks (default 2000 ms): only delays a takeover. */
  readonly skewMs?: number;
  /** Re-read interval while a flush is in flight (default 200 ms, jittered ±50 %). */
  readonly pollMs?: number;
  /** Epoch ms, stamped on the record (lease expiry, spacing). */
  readonly clock?: () => number;
  readonly random?: () => number;
}

export type StageCoverage =
  | {
      readonly target: string;
      readonly ok: true;
      /** The flush (its number on the stage) that covers this revocation, and whether this call ran it. */
      readonly coveredBy: { readonly flush: number; readonly own: boolean };
    }
  | { readonly target: string; readonly ok: false; readonly error: string };

const RELEASE_TIMEOUT_MS = 5000;
const RELEASE_ATTEMPTS = 2;
const READ_TIMEOUT_MS = 2000;
const MIN_LEASE_LEFT_MS = 500;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `promise`, or a rejection as soon as `signal` fires (the shared read itself goes on for the others). */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('deadline passed'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** A store error worth trying again within the deadline (slow, throttled, unreachable); not a malformed record. */
function transient(error: unknown): boolean {
  return !(error instanceof StoreError) || !['malformed', 'denied'].includes(error.kind);
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

export function createFlushCoordinator(options: FlushCoordinatorOptions) {
  const { store, flush } = options;
  const settleMs = options.settleMs ?? 1000;
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 8000;
  const skewMs = options.skewMs ?? 2000;
  const pollMs = options.pollMs ?? 200;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;

  /** Runs flush number `state.gen + 1` if the conditional write wins; undefined when another function won. */
  async function runFlush(stage: string, target: FlushTarget, state: FlushLeaseState, signal?: AbortSignal) {
    const now = clock();
    const gen = state.gen + 1;
    const holder = randomBytes(8).toString('hex');
    const held: FlushLeaseState = {
      ...state,
      gen,
      version: state.version + 1,
      holder,
      leaseUntil: now + leaseMs,
      startedAt: now,
    };
    const { holder: _released, ...rest } = held;
    let acquired: boolean;
    try {
      acquired = await store.write(stage, held, state.version, { signal });
    } catch (error) {
      // The write may have landed although its answer was lost: give the lease back if it is ours.
      await release(stage, { ...rest, version: held.version + 1 }, held.version);
      throw error;
    }
    if (!acquired) return undefined;
    const outcome = await flush(target, performance.now() + leaseMs - MIN_LEASE_LEFT_MS, signal);
    const after: FlushLeaseState = outcome.ok
      ? { ...rest, version: held.version + 1, doneGen: gen }
      : {
          ...rest,
          version: held.version + 1,
          failGen: gen,
          failError: outcome.error,
          failFinal: outcome.final,
        };
    await release(stage, after, held.version);
    return { gen, outcome };
  }

  /**
   * Gives a lease back (conditionally on the version that holds it), even when the caller's deadline has passed,
   * and tries again on an error: a lease that is not given back stalls every revocation of the stage until it
   * expires (`leaseMs` + `skewMs`).
   */
  async function release(stage: string, after: FlushLeaseState, heldVersion: number): Promise<void> {
    for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt++) {
      try {
        await store.write(stage, after, heldVersion, { signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS) });
        return; // written, or the version moved on (not ours any more): either way nothing is left to give back
      } catch {
        await sleep(50 * (attempt + 1));
      }
    }
  }

  /**
   * One read of a stage's record shared by the concurrent revocations of this container: a caller may use a read
   * only if it started at or after `notBefore` (a threshold must be read after the caller's write; a poll after the
   * caller's previous read), so sharing never makes a flush count that started too early.
   */
  const inFlight = new Map<
    string,
    { readonly startedAt: number; readonly answer: Promise<FlushLeaseState> }
  >();
  function sharedRead(stage: string, notBefore: number) {
    const current = inFlight.get(stage);
    if (current && current.startedAt >= notBefore) return current;
    const entry = {
      startedAt: performance.now(),
      answer: store.read(stage, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) }),
    };
    inFlight.set(stage, entry);
    const forget = () => {
      if (inFlight.get(stage) === entry) inFlight.delete(stage);
    };
    entry.answer.then(forget, forget);
    return entry;
  }

  /** Waits for, reuses or runs the flushes that cover a revocation whose write has just returned. */
  async function cover(target: FlushTarget, signal?: AbortSignal): Promise<StageCoverage> {
    const stage = targetName(target);
    let notBefore = performance.now();
    const settleAt = notBefore + settleMs;
    let first: number | undefined;
    let settled: number | undefined;
    let ownBest = 0;
    let lastFailure: string | undefined;
    const fail = (error: string): StageCoverage => ({ target: stage, ok: false, error });
    for (;;) {
      if (signal?.aborted)
        return fail(
          `deadline passed before a flush that started after the revocation${lastFailure ? ` (last: ${lastFailure})` : ''}`,
        );
      const read = sharedRead(stage, notBefore);
      const readStart = read.startedAt;
      let state: FlushLeaseState;
      try {
        state = await untilAborted(read.answer, signal);
        notBefore = performance.now();
      } catch (error) {
        if (signal?.aborted) continue;
        if (!transient(error)) return fail(`flush coordination failed: ${describe(error)}`);
        lastFailure = `reading the flush lease: ${describe(error)}`;
        notBefore = performance.now();
        await sleep(pollMs * (0.5 + random()), signal);
        continue;
      }
      first ??= state.gen;
      if (settled === undefined && readStart >= settleAt) settled = state.gen;
      const need = settled ?? first;
      const best = Math.max(state.doneGen, ownBest);
      if (best > need) {
        if (settled !== undefined)
          return { target: stage, ok: true, coveredBy: { flush: best, own: best === ownBest } };
        await sleep(settleAt - performance.now(), signal); // covered at once; the settled threshold comes next
        continue;
      }
      if (state.failGen > need && state.failGen > state.doneGen && state.failFinal)
        return fail(`flush #${state.failGen} failed: ${state.failError ?? 'unknown'}`);
      const now = clock();
      if (state.holder !== undefined && now <= state.leaseUntil + skewMs) {
        await sleep(pollMs * (0.5 + random()), signal); // a flush is in flight: wait for it
        continue;
      }
      const readyAt = state.startedAt + minIntervalMs;
      if (now < readyAt) {
        await sleep(readyAt - now + random() * pollMs, signal);
        continue;
      }
      let ran: Awaited<ReturnType<typeof runFlush>>;
      try {
        ran = await runFlush(stage, target, state, signal);
      } catch (error) {
        if (signal?.aborted) continue;
        if (!transient(error)) return fail(`flush coordination failed: ${describe(error)}`);
        lastFailure = `taking the flush lease: ${describe(error)}`;
        await sleep(pollMs * (0.5 + random()), signal);
        continue;
      }
      if (!ran) continue; // another function started a flush first: read again
      if (ran.outcome.ok) ownBest = Math.max(ownBest, ran.gen);
      else {
        lastFailure = `flush #${ran.gen} failed after ${ran.outcome.attempts} attempt(s): ${ran.outcome.error}`;
        if (ran.outcome.final) return fail(lastFailure);
      }
    }
  }

  return { cover };
}

export type FlushCoordinator = ReturnType<typeof createFlushCoordinator>;
