/**
 * Revoked-verdict memory: per container, bounded, the live entries that revoked a token.
 *
 * A revocation never un-revokes before its own `expiresAt` (every writer only extends entries), so an entry that
 * revoked one token may be trusted, without reading the store again, until that expiry. A flood of a revoked token
 * then costs one read per container, not one per request: it cannot throttle the user's partition (which would lock
 * the user out in closed mode), and fail-open can never allow a token this container knows is revoked.
 *
 * Bounded: at most `maxEntries` entries, least recently used dropped first; expired entries are dropped on sight.
 * Pure data structure (no I/O): the authorizer owns when to consult and feed it.
 */
import { entryRevokes, type RevocationEntry } from '../core/revocation.js';
import type { TokenFacts } from '../core/token.js';

export interface RevokedMemory {
  /** The remembered live entry that revokes this token, if any. */
  revoking(token: TokenFacts, nowSeconds: number): RevocationEntry | undefined;
  /** Remembers an entry that revoked a token (ignored once expired). */
  remember(entry: RevocationEntry, nowSeconds: number): void;
  /** Entries held (tests, metrics). */
  size(): number;
}

/** Default bound: ~10,000 entries of ~200 bytes is ~2 MB of a 128 MB+ function. */
export const DEFAULT_REVOKED_MEMORY_ENTRIES = 10_000;

export function createRevokedMemory(maxEntries = DEFAULT_REVOKED_MEMORY_ENTRIES): RevokedMemory {
  const limit = Math.max(1, Math.floor(maxEntries));
  // Per user: the entries that revoked one of their tokens. Map order = least recently used first.
  const byUser = new Map<string, RevocationEntry[]>();
  let count = 0;

  function drop(sub: string) {
    const held = byUser.get(sub);
    if (held) count -= held.length;
    byUser.delete(sub);
  }

  return {
    revoking(token, nowSeconds) {
      const held = byUser.get(token.sub);
      if (!held) return undefined;
      const live = held.filter((e) => nowSeconds < e.expiresAt);
      if (live.length !== held.length) {
        count -= held.length - live.length;
        if (live.length === 0) {
          byUser.delete(token.sub);
          return undefined;
        }
        byUser.set(token.sub, live);
      }
      const found = live.find((e) => entryRevokes(token, e, nowSeconds));
      if (found) {
        // Most recently used last.
        byUser.delete(token.sub);
        byUser.set(token.sub, live);
      }
      return found;
    },
    remember(entry, nowSeconds) {
      if (!(nowSeconds < entry.expiresAt)) return;
      const held = byUser.get(entry.sub) ?? [];
      const same = held.findIndex((e) => e.scope === entry.scope && e.id === entry.id);
      let next: RevocationEntry[];
      if (same >= 0) {
        const old = held[same] as RevocationEntry;
        // Keep whichever revokes more for longer (both are live truths; the later read is at least as strong).
        const stronger =
          entry.expiresAt >= old.expiresAt &&
          (entry.scope !== 'user' ||
            (entry.notBefore ?? Number.POSITIVE_INFINITY) >= (old.notBefore ?? Number.NEGATIVE_INFINITY));
        next = stronger ? held.map((e, i) => (i === same ? entry : e)) : held;
      } else {
        next = [...held, entry];
        count++;
      }
      byUser.delete(entry.sub);
      byUser.set(entry.sub, next);
      while (count > limit) {
        const oldest = byUser.keys().next().value;
        if (oldest === undefined) break;
        drop(oldest);
      }
    },
    size: () => count,
  };
}
