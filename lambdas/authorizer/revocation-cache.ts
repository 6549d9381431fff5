/**
 * Optional in-memory cache of blocklist answers, per user, for one container (off by default).
 *
 * Staleness bound: a user's answer (the entries of their partition) is reused for at most `ttlSeconds` after it was
 * read, so a revocation written at time T is honoured by this container from T + ttlSeconds at the latest
 * (plus API Gateway's own authorizer result cache, if configured). A miss is one `readUser`, so a decision still
 * costs at most one lookup. (Being replaced by the staleness mode of issue #11.)
 */
import type { RevocationReader, StoreCallOptions } from '../core/ports.js';
import type { RevocationEntry } from '../core/revocation.js';

export interface RevocationCacheOptions {
  readonly ttlSeconds: number;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  /** Most users kept; the oldest answers are dropped first. */
  readonly maxKeys?: number;
  readonly onHit?: (keys: number) => void;
}

export function cachingReader(reader: RevocationReader, options: RevocationCacheOptions): RevocationReader {
  const ttlMs = options.ttlSeconds * 1000;
  const maxKeys = options.maxKeys ?? 10_000;
  const answers = new Map<string, { readAt: number; entries: RevocationEntry[] }>();

  return {
    async readUser(sub: string, callOptions?: StoreCallOptions): Promise<RevocationEntry[]> {
      const now = options.clock();
      const cached = answers.get(sub);
      if (cached && now - cached.readAt < ttlMs && now >= cached.readAt) {
        options.onHit?.(1);
        return cached.entries;
      }
      const entries = await reader.readUser(sub, callOptions);
      answers.delete(sub);
      answers.set(sub, { readAt: now, entries });
      while (answers.size > maxKeys) {
        const oldest = answers.keys().next().value;
        if (oldest === undefined) break;
        answers.delete(oldest);
      }
      return entries;
    },
  };
}
