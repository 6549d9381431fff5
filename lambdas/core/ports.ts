import type { RevocationEntry, RevocationKey } from './revocation.js';
import type { SessionRecord } from './session.js';

/** Options every store call takes. */
export interface StoreCallOptions {
  /** Aborts the call (deadline). The store rejects with a `StoreError` when it fires. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Read side of the blocklist, used by the authorizer (and the admin views). Everything the authorizer needs about a
 * user lives in that user's partition, so one decision is one request: `readUser`.
 */
export interface RevocationReader {
  /**
   * Every revocation entry of the user (expired ones included: the core ignores them), in exactly one request.
   * Rejects with `StoreError` on any failure, including an answer that is not exactly what was asked (paginated,
   * truncated, another partition, a malformed item): `malformed`.
   */
  readUser(sub: string, options?: StoreCallOptions): Promise<RevocationEntry[]>;
}

/** Write side of the blocklist, used by the admin operations. Every write only ever extends a revocation. */
export interface BlocklistWriter {
  /**
   * Writes the entries, each conditionally: a stored entry with a later expiry (and, for the user scope, a later
   * watermark) is kept — "a stronger entry is already stored" counts as written. Retries throttled writes until done
   * or the deadline. Resolves with the keys that could not be written (empty when all were) — never claims a write
   * that did not happen.
   */
  revoke(
    entries: readonly RevocationEntry[],
    options?: StoreCallOptions,
  ): Promise<{
    unwritten: RevocationKey[];
    /**
     * Written entries that revoked nothing new (optional: a writer that cannot tell leaves them out, and then every
     * written entry counts as new): a stored entry was at least as strong (`unchanged`), or was in force and only
     * got a later expiry (`extended`). When unsure (a retried write), an entry counts as new.
     */
    unchanged?: RevocationKey[];
    extended?: RevocationKey[];
  }>;
  /**
   * Raises the user watermark to `entry.notBefore` (and its expiry to `entry.expiresAt`), never lowering either;
   * returns the stored entry.
   */
  raiseWatermark(entry: RevocationEntry, options?: StoreCallOptions): Promise<RevocationEntry>;
}

/** How a session record was marked revoked (audit; the authorizer never reads session records). */
export interface SessionMark {
  readonly revokedAt: number;
  readonly actor?: string | undefined;
  readonly reason?: string | undefined;
}

/** The session inventory the token trigger writes and the revoking functions read and mark. */
export interface SessionInventory {
  record(session: SessionRecord, options?: StoreCallOptions): Promise<void>;
  /** All stored sessions of a user (expired ones included; callers compare `expiresAt`). */
  listByUser(sub: string, options?: StoreCallOptions): Promise<SessionRecord[]>;
  /** Marks the records revoked (`revokedAt`, `actor`, `reason`); resolves with the session ids not marked. */
  markRevoked(
    sessions: readonly SessionRecord[],
    mark: SessionMark,
    options?: StoreCallOptions,
  ): Promise<{ unwritten: string[] }>;
}

/** Who revoked what and why, kept outside the range the authorizer reads (long reasons never cost read units). */
export interface RevocationAuditReader {
  /** The audit records of the user's revocations (expired ones included). */
  readAudit(sub: string, options?: StoreCallOptions): Promise<RevocationEntry[]>;
}

/** What a propagation of one revocation did (hint written, caches flushed). */
export interface PropagationReport {
  readonly ok: boolean;
  readonly hint?: { readonly written: boolean; readonly error?: string };
  /**
   * Per stage: covered (by which flush of the stage, and whether this call ran it) or not, and why. A stage is
   * covered by a successful flush that started after the revocation's write and after its settle time.
   */
  readonly flushes: readonly {
    readonly target: string;
    readonly ok: boolean;
    readonly error?: string;
    readonly coveredBy?: { readonly flush: number; readonly own: boolean };
  }[];
  /** What was deliberately not announced, and why (a revocation that changed nothing announces nothing). */
  readonly skipped?: string;
}

/**
 * What a revocation changed, as its writes report it: `revoked` (something not in force before is now — the
 * default), `extended` (only entries already in force got a later expiry), `nothing` (every entry was already
 * stored at least as strong).
 */
export type RevocationChange = 'revoked' | 'extended' | 'nothing';

/** Told after every revocation (the admin operations call it once per revoking operation). Never throws. */
export interface RevocationPropagation {
  announce(
    sub: string,
    options?: StoreCallOptions & { readonly changed?: RevocationChange },
  ): Promise<PropagationReport>;
}

/** The default propagation: nothing to tell (no caches configured). */
export const NO_PROPAGATION: RevocationPropagation = Object.freeze({
  announce: async (): Promise<PropagationReport> => ({ ok: true, flushes: [] }),
});

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
