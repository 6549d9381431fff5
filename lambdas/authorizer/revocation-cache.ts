/**
 * Optional in-memory cache of blocklist answers, per revocation key, for one container (off by default).
 *
 * Staleness bound: an answer for a key (an entry, or "no entry") is reused for at most `ttlSeconds` after it was
 * read, so a revocation written at time T is honoured by this container from T + ttlSeconds at the latest
 * (plus API Gateway's own authorizer result cache, if configured). Keys whose answers are not cached are read in
 * one round trip, so a decision still costs at most one lookup.
 */
import type { BlocklistReader, StoreCallOptions } from '../core/ports.js';
import type { RevocationEntry, RevocationKey } from '../core/revocation.js';

export interface RevocationCacheOptions {
  readonly ttlSeconds: number;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  /** Most keys kept; the oldest answers are dropped first. */
  readonly maxKeys?: number;
  readonly onHit?: (keys: number) => void;
}

const cacheKey = (key: RevocationKey) => `${key.scope}#${key.id}`;

export function cachingReader(reader: BlocklistReader, options: RevocationCacheOptions): BlocklistReader {
  const ttlMs = options.ttlSeconds * 1000;
  const maxKeys = options.maxKeys ?? 10_000;
  const answers = new Map<string, { readAt: number; entry: RevocationEntry | undefined }>();

  return {
    async find(keys: readonly RevocationKey[], callOptions?: StoreCallOptions): Promise<RevocationEntry[]> {
      const now = options.clock();
      const entries: RevocationEntry[] = [];
      const misses: RevocationKey[] = [];
      for (const key of keys) {
        const cached = answers.get(cacheKey(key));
        if (cached && now - cached.readAt < ttlMs && now >= cached.readAt) {
          if (cached.entry) entries.push(cached.entry);
        } else {
          misses.push(key);
        }
      }
      if (misses.length < keys.length) options.onHit?.(keys.length - misses.length);
      if (misses.length === 0) return entries;
      const found = await reader.find(misses, callOptions);
      for (const key of misses) {
        const id = cacheKey(key);
        answers.delete(id);
        answers.set(id, { readAt: now, entry: found.find((e) => e.scope === key.scope && e.id === key.id) });
      }
      while (answers.size > maxKeys) {
        const oldest = answers.keys().next().value;
        if (oldest === undefined) break;
        answers.delete(oldest);
      }
      return [...entries, ...found];
    },
  };
}
