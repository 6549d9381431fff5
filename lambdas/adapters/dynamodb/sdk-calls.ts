/**
 * Calling the blocklist table through the AWS SDK, the part every SDK adapter shares: the mapping of SDK and
 * transport failures onto `StoreError` kinds, the caller's deadline, backoff with full jitter, a bounded number of
 * writes in flight, and reading one prefix of a user's partition page by page (table layout in schema.ts).
 */
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { type StoreCallOptions, StoreError, type StoreErrorKind } from '../../core/ports.js';
import { type Item, PARTITION_KEY, SORT_KEY, userPartition } from './schema.js';

/** How long writes keep retrying unprocessed items when the caller passes no signal. */
export const DEFAULT_WRITE_DEADLINE_MS = 20_000;

export interface SdkTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Strongly consistent reads (default true): a revocation counts as soon as its write returned. */
  readonly consistentRead?: boolean;
}

export interface SdkWriteOptions extends SdkTableOptions {
  /** Write calls in flight at once (default 4). */
  readonly writeConcurrency?: number;
  /** First backoff before retrying unprocessed items, doubled per retry with full jitter (default 25 ms). */
  readonly retryBaseDelayMs?: number;
  /** Largest backoff (default 1000 ms). */
  readonly retryMaxDelayMs?: number;
  /**
   * Failed calls (throttled / unavailable, after the SDK's own retries) tolerated per batch or entry before its
   * items are reported unwritten (default 4). Unprocessed items are retried until the deadline regardless.
   */
  readonly maxFailedCallsPerBatch?: number;
}

/** The write options with their defaults applied. */
export interface WritePolicy {
  readonly concurrency: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxFailedCalls: number;
}

export function writePolicy(options: SdkWriteOptions): WritePolicy {
  return {
    concurrency: Math.max(1, options.writeConcurrency ?? 4),
    baseDelayMs: options.retryBaseDelayMs ?? 25,
    maxDelayMs: options.retryMaxDelayMs ?? 1000,
    maxFailedCalls: Math.max(1, options.maxFailedCallsPerBatch ?? 4),
  };
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'KMSAccessDeniedException',
]);

/** Maps an SDK / transport error onto a `StoreError` (kept as `cause`). */
export function toStoreError(error: unknown, signal?: AbortSignal): StoreError {
  if (error instanceof StoreError) return error;
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? 'Error';
  const message = `${name}: ${e?.message ?? String(error)}`;
  let kind: StoreErrorKind = 'unknown';
  if (signal?.aborted || name === 'AbortError' || name === 'TimeoutError') kind = 'timeout';
  else if (THROTTLING.has(name)) kind = 'throttled';
  else if (DENIED.has(name)) kind = 'denied';
  else if (name === 'ResourceNotFoundException') kind = 'unavailable';
  else if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) kind = 'unavailable';
  else if (
    e?.code !== undefined ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|socket hang up/i.test(message)
  )
    kind = 'unavailable';
  return new StoreError(kind, message, { cause: error });
}

/** Retrying a whole failed call makes sense only for these kinds. */
export function isRetryable(error: StoreError): boolean {
  return error.kind === 'throttled' || error.kind === 'unavailable';
}

/** A refused `ConditionExpression`: for an extend-only write, "a stronger entry is already stored". */
export function isConditionFailure(error: unknown): boolean {
  const cause = (error as StoreError | undefined)?.cause as { name?: string } | undefined;
  return cause?.name === 'ConditionalCheckFailedException';
}

/** Runs one SDK call under the caller's signal; every failure comes out as a `StoreError`. */
export async function send<T>(
  run: (abortSignal?: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (signal?.aborted) throw new StoreError('timeout', 'deadline passed before the call');
  try {
    return await run(signal);
  } catch (error) {
    throw toStoreError(error, signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Waits before retry number `attempt` (1, 2, …): full jitter under a doubling cap; cut short by `signal`. */
export function backoff(attempt: number, policy: WritePolicy, signal?: AbortSignal): Promise<void> {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 16));
  return sleep(Math.random() * cap, signal);
}

/** Runs `work` over `items` with at most `concurrency` of them in flight. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  async function worker() {
    while (next < items.length) await work(items[next++] as T);
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Every item of the user's partition under `prefix`, all pages (admin reads; the authorizer never pages). */
export async function queryPartition(
  options: SdkTableOptions,
  sub: string,
  prefix: string,
  opts: StoreCallOptions,
): Promise<Item[]> {
  const { client, tableName } = options;
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await send(
      (abortSignal) =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
            ExpressionAttributeValues: { ':pk': { S: userPartition(sub) }, ':prefix': { S: prefix } },
            ConsistentRead: options.consistentRead ?? true,
            ExclusiveStartKey: startKey as never,
          }),
          { abortSignal },
        ),
      opts.signal,
    );
    if (!Array.isArray(out.Items)) throw new StoreError('malformed', 'Query answer has no Items list');
    for (const item of out.Items) {
      if (item?.[PARTITION_KEY]?.S !== userPartition(sub) || !item?.[SORT_KEY]?.S?.startsWith(prefix))
        throw new StoreError('malformed', 'Query answer holds an item outside the asked range');
      items.push(item as Item);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
