import type { RevocationEntry, RevocationKey } from './revocation.js';
import type { SessionRecord } from './session.js';

/** Options every store call takes. */
export interface StoreCallOptions {
  /** Aborts the call (deadline). The store rejects with a `StoreError` when it fires. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Read side of the blocklist, used by the authorizer. One round trip per call for up to 100 keys.
 * Returns the entries that exist for the keys (expired ones included: the core ignores them).
 * Rejects with `StoreError` on any failure, including a malformed stored entry.
 */
export interface BlocklistReader {
  find(keys: readonly RevocationKey[], options?: StoreCallOptions): Promise<RevocationEntry[]>;
}

/** Write side of the blocklist, used by the admin signout Lambda. */
export interface BlocklistWriter {
  /**
   * Writes the entries; retries unprocessed items until done or the deadline.
   * Resolves with the keys that could not be written (empty when all were) — never claims a write that did not happen.
   */
  revoke(
    entries: readonly RevocationEntry[],
    options?: StoreCallOptions,
  ): Promise<{ unwritten: RevocationKey[] }>;
  /** Raises the user watermark to `entry.notBefore` unless a later one is stored; returns the stored entry. */
  raiseWatermark(entry: RevocationEntry, options?: StoreCallOptions): Promise<RevocationEntry>;
}

/** The session inventory the token trigger writes and the admin Lambda reads. */
export interface SessionInventory {
  record(session: SessionRecord, options?: StoreCallOptions): Promise<void>;
  /** All stored sessions of a user (expired ones included; callers compare `expiresAt`). */
  listByUser(sub: string, options?: StoreCallOptions): Promise<SessionRecord[]>;
}

/** Why a store call failed; adapters map their transport errors onto these kinds. */
export type StoreErrorKind = 'timeout' | 'throttled' | 'unavailable' | 'malformed' | 'denied' | 'unknown';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
