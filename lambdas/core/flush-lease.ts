/**
 * The lease that serialises API Gateway cache flushes of one stage across every container of every revoking
 * function (docs/caching.md, "Flush budget and coalescing"). One small record per stage, read strongly consistent
 * and written only conditionally on the version that was read, so that every change is ordered after the read it
 * was based on — the coordinator relies on that order, never on comparing clocks of different containers.
 */
import type { StoreCallOptions } from './ports.js';

export interface FlushLeaseState {
  /** Number of the last flush that was started (acquired); 0 when none ever was. Only grows. */
  readonly gen: number;
  /** Incremented by every write: the optimistic-concurrency check. 0 = no record stored yet. */
  readonly version: number;
  /** Set while flush number `gen` is in flight: who runs it. */
  readonly holder?: string;
  /** Epoch ms (holder's clock) after which an unfinished holder is presumed dead. */
  readonly leaseUntil: number;
  /** Epoch ms (holder's clock) at which flush number `gen` was started: spaces flushes out. */
  readonly startedAt: number;
  /** Highest flush number that completed successfully (0: none). */
  readonly doneGen: number;
  /** Number, reason and finality (not worth retrying: 403, 404) of the last failed flush. */
  readonly failGen: number;
  readonly failError?: string;
  readonly failFinal?: boolean;
}

export const EMPTY_FLUSH_LEASE: FlushLeaseState = Object.freeze({
  gen: 0,
  version: 0,
  leaseUntil: 0,
  startedAt: 0,
  doneGen: 0,
  failGen: 0,
});

export interface FlushLeaseStore {
  /** The stage's record (strongly consistent); `EMPTY_FLUSH_LEASE` when none is stored. */
  read(stage: string, options?: StoreCallOptions): Promise<FlushLeaseState>;
  /**
   * Writes `next` only if the stored record is still at `expectedVersion` (0: absent). Resolves false when another
   * writer got there first (nothing written).
   */
  write(
    stage: string,
    next: FlushLeaseState,
    expectedVersion: number,
    options?: StoreCallOptions,
  ): Promise<boolean>;
}
