/**
 * The blocklist and session inventory on the AWS SDK's DynamoDB client. Used by the token trigger (records sessions)
 * and the admin signout Lambda (writes revocations, reads sessions and entries). The authorizer has its own lean reader.
 *
 * Every call maps transport failures onto `StoreError` kinds; writes never claim success for an item DynamoDB did not
 * accept: `revoke` retries `UnprocessedItems` with backoff until done or the caller's signal fires, and returns the
 * keys it could not write.
 */
import {
  type AttributeValue as SdkAttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type BlocklistReader,
  type BlocklistWriter,
  type SessionInventory,
  type StoreCallOptions,
  StoreError,
  type StoreErrorKind,
} from '../../core/ports.js';
import type { RevocationEntry, RevocationKey } from '../../core/revocation.js';
import type { SessionRecord } from '../../core/session.js';
import {
  type Item,
  itemToRevocation,
  itemToSession,
  PARTITION_KEY,
  revocationItemKey,
  revocationToItem,
  SESSION_SORT_PREFIX,
  SORT_KEY,
  sessionToItem,
  TTL_ATTRIBUTE,
  userPartition,
} from './schema.js';

/** DynamoDB's limits per batch call. */
export const BATCH_WRITE_LIMIT = 25;
export const BATCH_GET_LIMIT = 100;
/** BatchGetItem calls per lookup before unprocessed keys count as a throttling failure (without a deadline signal). */
const MAX_READ_ATTEMPTS = 8;
/** How long `revoke` keeps retrying unprocessed items when the caller passes no signal. */
export const DEFAULT_WRITE_DEADLINE_MS = 20_000;

export interface SdkStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Strongly consistent reads (default true): a revocation counts as soon as its write returned. */
  readonly consistentRead?: boolean;
  /** BatchWriteItem calls in flight at once during `revoke` (default 4). */
  readonly writeConcurrency?: number;
  /** First backoff before retrying unprocessed items, doubled per retry with full jitter (default 25 ms). */
  readonly retryBaseDelayMs?: number;
  /** Largest backoff (default 1000 ms). */
  readonly retryMaxDelayMs?: number;
  /**
   * Failed BatchWriteItem calls (throttled / unavailable, after the SDK's own retries) tolerated per batch before its
   * items are reported unwritten (default 4). Unprocessed items are retried until the deadline regardless.
   */
  readonly maxFailedCallsPerBatch?: number;
}

export type SdkStore = BlocklistReader & BlocklistWriter & SessionInventory;

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

/** Retrying a whole failed batch call makes sense only for these kinds. */
function retryable(error: StoreError): boolean {
  return error.kind === 'throttled' || error.kind === 'unavailable';
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

/** One per key, in first-seen order; for a repeated key the later value wins, as a second Put would. */
function dedupeKeys<K extends RevocationKey>(keys: readonly K[]): K[] {
  const byKey = new Map<string, K>();
  for (const key of keys) byKey.set(`${key.scope}#${key.id}`, key);
  return [...byKey.values()];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function keyOfWriteRequest(request: WriteRequest): RevocationKey | undefined {
  const pk = request.PutRequest?.Item?.[PARTITION_KEY]?.S ?? request.DeleteRequest?.Key?.[PARTITION_KEY]?.S;
  if (pk === undefined) return undefined;
  const hash = pk.indexOf('#');
  return { scope: pk.slice(0, hash) as RevocationKey['scope'], id: pk.slice(hash + 1) };
}

export function createSdkStore(options: SdkStoreOptions): SdkStore {
  const { client, tableName } = options;
  const consistentRead = options.consistentRead ?? true;
  const concurrency = Math.max(1, options.writeConcurrency ?? 4);
  const baseDelay = options.retryBaseDelayMs ?? 25;
  const maxDelay = options.retryMaxDelayMs ?? 1000;
  const maxFailedCalls = Math.max(1, options.maxFailedCallsPerBatch ?? 4);

  async function send<T>(run: (abortSignal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new StoreError('timeout', 'deadline passed before the call');
    try {
      return await run(signal);
    } catch (error) {
      throw toStoreError(error, signal);
    }
  }

  /**
   * Writes one batch (≤ 25 requests); resolves with the requests still unwritten at the deadline. A call cut off by
   * the deadline counts its requests as unwritten even though DynamoDB may have applied them: the report errs on the
   * side of "not done", and a rerun (idempotent puts) settles it.
   */
  async function writeBatch(requests: WriteRequest[], signal?: AbortSignal): Promise<WriteRequest[]> {
    let pending = requests;
    let failedCalls = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        const cap = Math.min(maxDelay, baseDelay * 2 ** Math.min(attempt - 1, 16));
        await sleep(Math.random() * cap, signal);
      }
      if (signal?.aborted) return pending;
      let output: BatchWriteItemCommandOutput;
      try {
        output = await send(
          (abortSignal) =>
            client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }), {
              abortSignal,
            }),
          signal,
        );
      } catch (error) {
        // Throttling and transient failures of the whole call: retried a few times (the SDK retried each already);
        // anything else, or a table that stays unreachable, leaves the batch unwritten and reported.
        if (error instanceof StoreError && retryable(error) && ++failedCalls < maxFailedCalls) continue;
        return pending;
      }
      pending = output.UnprocessedItems?.[tableName] ?? [];
    }
    return pending;
  }

  async function find(
    keys: readonly RevocationKey[],
    opts: StoreCallOptions = {},
  ): Promise<RevocationEntry[]> {
    const unique = dedupeKeys(keys);
    if (unique.length === 0) return [];
    if (unique.length > BATCH_GET_LIMIT)
      throw new StoreError('malformed', `at most ${BATCH_GET_LIMIT} keys per lookup`);
    if (unique.length === 1) {
      const only = unique[0] as RevocationKey;
      const out = await send(
        (abortSignal) =>
          client.send(
            new GetItemCommand({
              TableName: tableName,
              Key: revocationItemKey(only),
              ConsistentRead: consistentRead,
            }),
            { abortSignal },
          ),
        opts.signal,
      );
      return out.Item ? [itemToRevocation(out.Item as Item)] : [];
    }
    const found: RevocationEntry[] = [];
    let pending: Record<string, { S: string }>[] = unique.map((k) => revocationItemKey(k));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_READ_ATTEMPTS) {
        throw new StoreError(
          'throttled',
          `${pending.length} keys still unprocessed after ${attempt} BatchGetItem calls`,
        );
      }
      if (attempt > 0) await sleep(Math.random() * Math.min(maxDelay, baseDelay * 2 ** attempt), opts.signal);
      const out = await send(
        (abortSignal) =>
          client.send(
            new BatchGetItemCommand({
              RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistentRead } },
            }),
            { abortSignal },
          ),
        opts.signal,
      );
      for (const item of out.Responses?.[tableName] ?? []) found.push(itemToRevocation(item as Item));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, { S: string }>[];
    }
    return found;
  }

  async function revoke(
    entries: readonly RevocationEntry[],
    opts: StoreCallOptions = {},
  ): Promise<{ unwritten: RevocationKey[] }> {
    const unique = dedupeKeys(entries);
    const batches = chunk(
      unique.map(
        (e): WriteRequest => ({
          PutRequest: { Item: revocationToItem(e) as Record<string, SdkAttributeValue> },
        }),
      ),
      BATCH_WRITE_LIMIT,
    );
    const unwritten: RevocationKey[] = [];
    // Without a caller deadline, unprocessed items are retried for at most DEFAULT_WRITE_DEADLINE_MS.
    const signal = opts.signal ?? AbortSignal.timeout(DEFAULT_WRITE_DEADLINE_MS);
    let next = 0;
    async function worker() {
      while (next < batches.length) {
        const batch = batches[next++] as WriteRequest[];
        const left = await writeBatch(batch, signal);
        for (const request of left) {
          const key = keyOfWriteRequest(request);
          if (key) unwritten.push(key);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
    return { unwritten };
  }

  async function raiseWatermark(
    entry: RevocationEntry,
    opts: StoreCallOptions = {},
  ): Promise<RevocationEntry> {
    if (entry.scope !== 'user' || typeof entry.notBefore !== 'number')
      throw new StoreError('malformed', 'a watermark is a user-scope entry with notBefore');
    try {
      await send(
        (abortSignal) =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: revocationToItem(entry) as never,
              // Concurrent signouts converge on the latest watermark (and, at an equal one, the longest TTL).
              ConditionExpression:
                'attribute_not_exists(#pk) OR attribute_not_exists(#nb) OR #nb < :nb OR (#nb = :nb AND #exp < :exp)',
              ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#nb': 'notBefore', '#exp': TTL_ATTRIBUTE },
              ExpressionAttributeValues: {
                ':nb': { N: String(Math.floor(entry.notBefore as number)) },
                ':exp': { N: String(Math.floor(entry.expiresAt)) },
              },
            }),
            { abortSignal },
          ),
        opts.signal,
      );
      return entry;
    } catch (error) {
      const cause = (error as StoreError).cause as { name?: string } | undefined;
      if (cause?.name !== 'ConditionalCheckFailedException') throw error;
    }
    const stored = await find([{ scope: 'user', id: entry.id }], opts);
    const current = stored[0];
    if (!current) throw new StoreError('unknown', 'watermark condition failed but no watermark is stored');
    return current;
  }

  async function record(session: SessionRecord, opts: StoreCallOptions = {}): Promise<void> {
    await send(
      (abortSignal) =>
        client.send(new PutItemCommand({ TableName: tableName, Item: sessionToItem(session) as never }), {
          abortSignal,
        }),
      opts.signal,
    );
  }

  async function listByUser(sub: string, opts: StoreCallOptions = {}): Promise<SessionRecord[]> {
    const sessions: SessionRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await send(
        (abortSignal) =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
              ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
              ExpressionAttributeValues: {
                ':pk': { S: userPartition(sub) },
                ':prefix': { S: SESSION_SORT_PREFIX },
              },
              ConsistentRead: consistentRead,
              ExclusiveStartKey: startKey as never,
            }),
            { abortSignal },
          ),
        opts.signal,
      );
      for (const item of out.Items ?? []) sessions.push(itemToSession(item as Item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return sessions;
  }

  return { find, revoke, raiseWatermark, record, listByUser };
}
