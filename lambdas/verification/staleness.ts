/**
 * Staleness mode (`REVOCATION_STALENESS_SECONDS` = S > 0): a per-container cache of each user's revocation entries,
 * invalidated by revocation rather than by time (docs/caching.md). It wraps the store's `RevocationReader`, the way
 * Powertools' idempotency LRU sits in front of its persistence layer: the authorizer's decision logic is unchanged.
 *
 * - Every revocation writes its entries, then a hint (user, stamp) into a time-bucketed partition
 *   (core/hints.ts). The container polls the hints at most every S seconds (one Query per bucket spanned, usually
 *   one, usually empty) and drops every hinted user.
 * - A cached answer is served only while the last successful poll started less than S ago, and never past
 *   `maxAgeSeconds` after it was read (the bound when a hint could not be written).
 * - Each poll reads from the previous poll's start minus `marginMs` (hint write deadline + clock skew between the
 *   admin's and this container's clocks) to now plus `marginMs`, so a hint that was written late, or stamped by a
 *   clock ahead or behind, is still seen by the next poll.
 * - An answer whose read started before a poll that hinted its user completed is not cached (it may predate the
 *   revocation); a poll that finds more hints than it may read drops everything.
 * - A failed poll: the container serves nothing from the cache (every decision reads the store, as in exact mode)
 *   until a poll succeeds; polls are retried at most every S seconds; the next successful poll reads from where
 *   the last successful one left off, so no hint is skipped.
 * - A container idle (or frozen) for longer than one hint bucket does not read the buckets it missed: it empties
 *   its cache and starts a new window (nothing cached, nothing to invalidate).
 *
 * Guarantee (proved by test/cache/containers.test.ts): a decision that starts more than S seconds after a
 * revocation returned (hint acknowledged) reads that revocation — given the hint's write took at most the publish
 * deadline and the clocks are within the documented skew.
 */
import type { HintReader } from '../core/hints.js';
import { HINT_BUCKET_MS } from '../core/hints.js';
import type { RevocationReader, StoreCallOptions } from '../core/ports.js';
import type { RevocationEntry } from '../core/revocation.js';

/** The store read the cache wraps: every `rev#` entry of one user in one request. */
export type UserRevocationReader = RevocationReader;

/** Hint publish deadline (revoking side, adapters/dynamodb/hint-publisher.ts) + twice the tolerated skew of any one clock (± 2 s). */
export const DEFAULT_HINT_MARGIN_MS = 1000 + 2 * 2000;
/** Users cached per container; the least recently used are dropped first. */
export const DEFAULT_MAX_USERS = 20_000;
/** A window longer than this is not polled: the container starts afresh (at most two buckets per poll). */
const MAX_WINDOW_MS = HINT_BUCKET_MS;
/** How long a poll's "this user was hinted" is remembered to refuse racing fills (longer than any store read). */
const HINTED_MEMORY_MS = 60_000;

export interface StalenessOptions {
  readonly stalenessSeconds: number;
  readonly maxAgeSeconds: number;
  readonly hints: HintReader;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  readonly marginMs?: number;
  readonly maxUsers?: number;
  /** A cached answer served (no store read). */
  readonly onHit?: () => void;
  /** A poll finished: `ok`, hints seen. */
  readonly onPoll?: (ok: boolean, hints: number) => void;
}

export interface StalenessReader extends UserRevocationReader {
  /** Users cached now (tests, metrics). */
  readonly size: () => number;
}

interface Cached {
  readonly entries: RevocationEntry[];
  /** When the read that produced it started. */
  readonly readAt: number;
}

export function stalenessReader(reader: UserRevocationReader, options: StalenessOptions): StalenessReader {
  const stalenessMs = options.stalenessSeconds * 1000;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const marginMs = options.marginMs ?? DEFAULT_HINT_MARGIN_MS;
  const maxUsers = Math.max(1, options.maxUsers ?? DEFAULT_MAX_USERS);
  const { clock, hints } = options;
  if (!(stalenessMs > 0) || !(maxAgeMs >= stalenessMs)) {
    throw new RangeError('staleness must be > 0 and the maximum age at least the staleness');
  }

  const cache = new Map<string, Cached>();
  /** sub → when a poll that hinted it completed. */
  const hinted = new Map<string, number>();
  /** When a poll dropped everything (truncated answer, or a fresh window). */
  let droppedAllAt = Number.NEGATIVE_INFINITY;
  /** Start of the last successful poll (or of the current window); undefined before the first use. */
  let polledAt: number | undefined;
  /** Where the next poll reads from. */
  let windowFrom = 0;
  let failedAt: number | undefined;
  let polling: Promise<void> | undefined;

  function startAfresh(now: number): void {
    cache.clear();
    hinted.clear();
    droppedAllAt = now - 1; // reads from `now` on start after the clear
    polledAt = now;
    windowFrom = now - marginMs;
    failedAt = undefined;
  }

  async function poll(start: number): Promise<void> {
    try {
      const page = await hints.since(windowFrom, start + marginMs);
      const done = clock();
      for (const hint of page.hints) {
        cache.delete(hint.sub);
        hinted.set(hint.sub, done);
      }
      if (page.truncated) {
        cache.clear();
        droppedAllAt = done;
      }
      for (const [sub, at] of hinted) if (done - at > HINTED_MEMORY_MS) hinted.delete(sub);
      polledAt = start;
      windowFrom = start - marginMs;
      failedAt = undefined;
      options.onPoll?.(true, page.hints.length);
    } catch {
      failedAt = start;
      options.onPoll?.(false, 0);
    }
  }

  /** Whether the last successful poll is recent enough for cached answers to be served at `now`. */
  function fresh(now: number): boolean {
    return polledAt !== undefined && now >= polledAt && now - polledAt < stalenessMs;
  }

  /** Whether cached answers may be served now (polling first when due). */
  async function current(): Promise<boolean> {
    for (;;) {
      const now = clock();
      if (fresh(now)) return true;
      if (polling) {
        await polling;
        continue;
      }
      // First use, a clock that went backwards, or a window longer than a bucket (idle, frozen or failing for
      // long): nothing cached may be trusted, and nothing needs to be invalidated once the cache is empty.
      if (polledAt === undefined || now < polledAt || now + marginMs - windowFrom > MAX_WINDOW_MS) {
        startAfresh(now);
        return true;
      }
      if (failedAt !== undefined && now >= failedAt && now - failedAt < stalenessMs) return false;
      polling = poll(now).finally(() => {
        polling = undefined;
      });
      await polling;
      return fresh(clock());
    }
  }

  async function readUser(sub: string, callOptions?: StoreCallOptions): Promise<RevocationEntry[]> {
    // Nearly every decision finds the poll fresh: answered here without a second async frame (`current` does the
    // same check first, then polls when due).
    if (fresh(clock()) || (await current())) {
      const hit = cache.get(sub);
      const now = clock();
      if (hit && now >= hit.readAt && now - hit.readAt < maxAgeMs) {
        cache.delete(sub);
        cache.set(sub, hit);
        options.onHit?.();
        return hit.entries;
      }
    }
    const readAt = clock();
    const entries = await reader.readUser(sub, callOptions);
    // Not cached when a poll that completed after this read started hinted the user (the read may predate the
    // revocation), or dropped everything.
    if ((hinted.get(sub) ?? Number.NEGATIVE_INFINITY) < readAt && droppedAllAt < readAt) {
      cache.delete(sub);
      cache.set(sub, { entries, readAt });
      while (cache.size > maxUsers) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
    }
    return entries;
  }

  return { readUser, size: () => cache.size };
}
