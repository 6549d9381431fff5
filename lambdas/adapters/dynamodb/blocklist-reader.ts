/**
 * The authorizer's read side of the blocklist on DynamoDB: one round trip per lookup (`GetItem` for one key,
 * `BatchGetItem` for several), strongly consistent by default, bounded by a deadline with a bounded number of
 * attempts. Unprocessed keys in a `BatchGetItem` answer are not an answer: they are asked again within the
 * deadline, and a lookup that cannot get every key answered rejects (the authorizer then fails closed).
 * Entries are decoded with schema.ts; expired ones are returned as they are (the core ignores them).
 */
import { StoreError, type StoreCallOptions, type BlocklistReader } from '../../core/ports.js';
import type { RevocationEntry, RevocationKey } from '../../core/revocation.js';
import type { DynamoHttpClient } from './http-client.js';
import { isRetryable } from './http-client.js';
import { type Item, type ItemKey, itemToRevocation, revocationItemKey } from './schema.js';

export interface DynamoBlocklistReaderOptions {
  readonly client: Pick<DynamoHttpClient, 'call'>;
  readonly tableName: string;
  /** Strongly consistent reads (default true). */
  readonly consistentRead?: boolean;
  /** Deadline for one lookup, all attempts included. */
  readonly timeoutMs: number;
  /** Attempts within the deadline (>= 1). */
  readonly maxAttempts: number;
  /** Called after every round trip (for metrics and the benchmark's round-trip count). */
  readonly onRoundTrip?: (operation: 'GetItem' | 'BatchGetItem', ms: number, ok: boolean) => void;
}

/** DynamoDB's BatchGetItem limit. */
export const MAX_KEYS_PER_LOOKUP = 100;

interface GetItemOutput {
  Item?: Item;
}
interface BatchGetItemOutput {
  Responses?: Record<string, Item[]>;
  UnprocessedKeys?: Record<string, { Keys?: ItemKey[] }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createDynamoBlocklistReader(options: DynamoBlocklistReaderOptions): BlocklistReader {
  const { client, tableName, timeoutMs } = options;
  const consistentRead = options.consistentRead ?? true;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));

  function shape<T>(value: T, what: string): T {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new StoreError('malformed', `DynamoDB ${what} answer has an unexpected shape`);
    }
    return value;
  }

  async function timed<T>(operation: 'GetItem' | 'BatchGetItem', run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const out = await run();
      options.onRoundTrip?.(operation, performance.now() - started, true);
      return out;
    } catch (error) {
      options.onRoundTrip?.(operation, performance.now() - started, false);
      throw error;
    }
  }

  async function find(
    keys: readonly RevocationKey[],
    callOptions: StoreCallOptions = {},
  ): Promise<RevocationEntry[]> {
    const unique = new Map<string, ItemKey>();
    for (const key of keys) {
      const itemKey = revocationItemKey(key);
      unique.set(itemKey.pk.S, itemKey);
    }
    if (unique.size === 0) return [];
    if (unique.size > MAX_KEYS_PER_LOOKUP) {
      throw new StoreError(
        'unknown',
        `a lookup takes at most ${MAX_KEYS_PER_LOOKUP} keys, got ${unique.size}`,
      );
    }
    const started = performance.now();
    const deadline = started + timeoutMs;
    const outer = callOptions.signal;
    let pending = [...unique.values()];
    const items: Item[] = [];
    let lastError: unknown;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const remaining = deadline - performance.now();
      if (remaining <= 0 || outer?.aborted) break;
      // Leave time for the attempts still to come: the first attempt may hang on a dead connection.
      const budget = Math.max(1, Math.floor(remaining / (maxAttempts - attempt + 1)));
      try {
        if (pending.length === 1) {
          const out = await timed('GetItem', () =>
            client.call<GetItemOutput>(
              'GetItem',
              { TableName: tableName, Key: pending[0], ConsistentRead: consistentRead },
              outer,
              budget,
            ),
          );
          const item = shape(out, 'GetItem').Item;
          if (item !== undefined) items.push(shape(item, 'GetItem'));
          pending = [];
        } else {
          const out = await timed('BatchGetItem', () =>
            client.call<BatchGetItemOutput>(
              'BatchGetItem',
              { RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistentRead } } },
              outer,
              budget,
            ),
          );
          const found = shape(out, 'BatchGetItem').Responses?.[tableName] ?? [];
          if (!Array.isArray(found))
            throw new StoreError('malformed', 'BatchGetItem Responses is not a list');
          for (const item of found) items.push(shape(item, 'BatchGetItem'));
          const unprocessed = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
          pending = Array.isArray(unprocessed) ? unprocessed : [];
          if (pending.length > 0) {
            lastError = new StoreError('throttled', `BatchGetItem left ${pending.length} key(s) unprocessed`);
            await sleep(Math.min(10 * attempt, Math.max(0, deadline - performance.now())));
            continue;
          }
        }
        return items.map((item) => itemToRevocation(item));
      } catch (error) {
        const mapped =
          error instanceof StoreError
            ? error
            : new StoreError('unknown', error instanceof Error ? error.message : String(error), {
                cause: error,
              });
        // A timeout of this attempt is worth another one; a timeout of the caller's signal is not.
        if (mapped.kind === 'timeout' && !outer?.aborted) {
          lastError = mapped;
          continue;
        }
        if (!isRetryable(mapped)) throw mapped;
        lastError = mapped;
        await sleep(Math.min(10 * attempt, Math.max(0, deadline - performance.now())));
      }
    }
    const elapsed = Math.round(performance.now() - started);
    const detail = lastError instanceof Error ? lastError.message : 'deadline passed';
    const kind = lastError instanceof StoreError ? lastError.kind : 'timeout';
    throw new StoreError(kind, `blocklist lookup failed after ${elapsed} ms: ${detail}`, {
      cause: lastError,
    });
  }

  return { find };
}
