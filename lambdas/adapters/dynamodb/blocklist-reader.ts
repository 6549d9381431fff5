/**
 * The authorizer's read side of the blocklist on DynamoDB: ONE strongly consistent `Query` of the user's `rev#` range
 * per decision (one read unit for any user whose live revocations are under 4 KB), bounded by a deadline with a
 * bounded number of attempts. The answer must be exactly the answer to that query (schema.ts
 * `revocationsFromQuery`): a paginated, truncated or foreign answer is `StoreError('malformed')`, never "not revoked".
 * Entries are returned as stored; expired ones too (the core ignores them).
 */
import { StoreError, type RevocationReader, type StoreCallOptions } from '../../core/ports.js';
import type { RevocationEntry } from '../../core/revocation.js';
import { isValidId } from '../../core/token.js';
import type { DynamoHttpClient } from './http-client.js';
import { isRetryable } from './http-client.js';
import { revocationsFromQuery, userRevocationsQuery } from './schema.js';

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
  readonly onRoundTrip?: (operation: 'Query', ms: number, ok: boolean) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createDynamoBlocklistReader(options: DynamoBlocklistReaderOptions): RevocationReader {
  const { client, tableName, timeoutMs } = options;
  const consistentRead = options.consistentRead ?? true;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));

  async function timed<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const out = await run();
      options.onRoundTrip?.('Query', performance.now() - started, true);
      return out;
    } catch (error) {
      options.onRoundTrip?.('Query', performance.now() - started, false);
      throw error;
    }
  }

  async function readUser(sub: string, callOptions: StoreCallOptions = {}): Promise<RevocationEntry[]> {
    if (!isValidId(sub)) throw new StoreError('unknown', 'a lookup needs a valid sub');
    const input = userRevocationsQuery(tableName, sub, consistentRead);
    const started = performance.now();
    const deadline = started + timeoutMs;
    const outer = callOptions.signal;
    let lastError: unknown;
    // A throttled attempt makes the whole lookup "throttled" even when a later attempt ran into the deadline: the
    // authorizer must not mistake an attacker-driven hot partition for an outage (fail-open never applies to it).
    let throttled = false;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const remaining = deadline - performance.now();
      if (remaining <= 0 || outer?.aborted) break;
      // Leave time for the attempts still to come: the first attempt may hang on a dead connection.
      const budget = Math.max(1, Math.floor(remaining / (maxAttempts - attempt + 1)));
      try {
        const out = await timed(() => client.call<unknown>('Query', input, outer, budget));
        return revocationsFromQuery(sub, out);
      } catch (error) {
        const mapped =
          error instanceof StoreError
            ? error
            : new StoreError('unknown', error instanceof Error ? error.message : String(error), {
                cause: error,
              });
        if (mapped.kind === 'throttled') throttled = true;
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
    const kind = throttled ? 'throttled' : lastError instanceof StoreError ? lastError.kind : 'timeout';
    throw new StoreError(kind, `blocklist lookup failed after ${elapsed} ms: ${detail}`, {
      cause: lastError,
    });
  }

  return { readUser };
}
