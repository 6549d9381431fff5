/**
 * Revocation hints: after every revocation the function that made it (admin, logout, automatic revocation)
 * publishes "user <sub> had something revoked at <t>" into a time-bucketed partition; authorizer containers in staleness mode poll the current bucket(s) and drop what they
 * cached for hinted users (docs/caching.md). This file holds the ports and the pure bucket arithmetic; the item
 * format is in adapters/dynamodb/schema.ts, the adapters in adapters/dynamodb/hint-reader.ts (the authorizer's
 * poll) and hint-publisher.ts.
 */
import type { StoreCallOptions } from './ports.js';

/** One hint: which user, and when (epoch ms of the publisher's clock, taken after the revocation was written). */
export interface RevocationHint {
  readonly sub: string;
  readonly at: number;
}

/** Admin side: publishes a hint. Rejects with `StoreError` when it is not known to be stored. */
export interface HintPublisher {
  publish(sub: string, at: number, options?: StoreCallOptions): Promise<void>;
}

export interface HintPage {
  /** Hints with `at` in [fromMs, untilMs] (a few just outside may be included; callers only drop more). */
  readonly hints: readonly RevocationHint[];
  /** True when more hints exist in the window than were read (a mass revocation): callers drop everything. */
  readonly truncated: boolean;
}

/** Authorizer side: the hints stamped in a window, one Query per bucket spanned. Rejects with `StoreError`. */
export interface HintReader {
  since(fromMs: number, untilMs: number, options?: StoreCallOptions): Promise<HintPage>;
}

/** Width of one hint bucket (one partition): one minute. */
export const HINT_BUCKET_MS = 60_000;

/** How long a hint is kept (TTL): far longer than any poll window, which never exceeds a bucket plus margins. */
export const HINT_TTL_SECONDS = 3600;

/** The bucket a hint stamped at `atMs` lives in. */
export function hintBucket(atMs: number): number {
  return Math.floor(atMs / HINT_BUCKET_MS);
}

/** The buckets a window [fromMs, untilMs] spans, oldest first (at least one). */
export function hintBuckets(fromMs: number, untilMs: number): number[] {
  const first = hintBucket(Math.max(0, fromMs));
  const last = Math.max(first, hintBucket(Math.max(0, untilMs)));
  const buckets: number[] = [];
  for (let b = first; b <= last; b++) buckets.push(b);
  return buckets;
}
