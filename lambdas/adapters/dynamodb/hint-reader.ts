/**
 * The authorizer's poll of the revocation hints (item format in schema.ts) on the lean SigV4 client: no AWS SDK in
 * the authorizer bundle, for its cold start (test/build checks the bundle holds none).
 */
import { type HintPage, type HintReader, hintBuckets, type RevocationHint } from '../../core/hints.js';
import { type StoreCallOptions, StoreError } from '../../core/ports.js';
import type { DynamoHttpClient } from './http-client.js';
import { hintQuery, parseHintPage } from './schema.js';

/** Pages read per bucket before a poll reports `truncated` (each page is up to 1 MB: ~10,000 hints). */
export const MAX_HINT_PAGES_PER_BUCKET = 4;

/** Reads the window bucket by bucket, page by page; shared with the SDK publisher's reader. */
export async function readHintWindow(
  query: (bucket: number, startKey: unknown) => Promise<unknown>,
  fromMs: number,
  untilMs: number,
): Promise<HintPage> {
  if (!Number.isFinite(fromMs) || !Number.isFinite(untilMs) || untilMs < fromMs) {
    throw new StoreError('unknown', 'hint window is not a time range');
  }
  const hints: RevocationHint[] = [];
  for (const bucket of hintBuckets(fromMs, untilMs)) {
    let startKey: unknown;
    for (let page = 1; ; page++) {
      const parsed = parseHintPage(await query(bucket, startKey), bucket, fromMs);
      hints.push(...parsed.hints);
      if (parsed.lastKey === undefined) break;
      if (page >= MAX_HINT_PAGES_PER_BUCKET) return { hints, truncated: true };
      startKey = parsed.lastKey;
    }
  }
  return { hints, truncated: false };
}

export interface HttpHintReaderOptions {
  readonly client: Pick<DynamoHttpClient, 'call'>;
  readonly tableName: string;
  /** Deadline for one whole poll (every bucket and page). */
  readonly timeoutMs: number;
  /** Called after every round trip (metrics, benchmark counts). */
  readonly onRoundTrip?: (ms: number, ok: boolean) => void;
}

/** The authorizer's poll, on the lean SigV4 client. One attempt per Query: a failed poll is retried by the caller. */
export function createHttpHintReader(options: HttpHintReaderOptions): HintReader {
  const { client, tableName, timeoutMs } = options;
  return {
    async since(fromMs, untilMs, callOptions: StoreCallOptions = {}) {
      const deadline = performance.now() + timeoutMs;
      return readHintWindow(
        async (bucket, startKey) => {
          const remaining = Math.floor(deadline - performance.now());
          if (remaining <= 0) throw new StoreError('timeout', 'hint poll deadline passed');
          const started = performance.now();
          try {
            const out = await client.call(
              'Query',
              hintQuery(tableName, bucket, fromMs, startKey),
              callOptions.signal,
              remaining,
            );
            options.onRoundTrip?.(performance.now() - started, true);
            return out;
          } catch (error) {
            options.onRoundTrip?.(performance.now() - started, false);
            throw error instanceof StoreError
              ? error
              : new StoreError('unknown', String(error), { cause: error });
          }
        },
        fromMs,
        untilMs,
      );
    },
  };
}
