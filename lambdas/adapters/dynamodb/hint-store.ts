/**
 * Revocation hints on DynamoDB (docs/caching.md, docs/table-schema.md):
 *
 *   pk (S)              sk (S)                                   item
 *   hint#<bucket>       <epoch-ms, 15 digits>#<sub>#<nonce>     hint, `expiresAt` = stamp + 1 h (TTL)
 *
 * `<bucket>` is the minute number since the epoch (`floor(ms / 60000)`). The zero-padded stamp first in the sort key
 * lets a poll read only the new part of a bucket (`sk >= :from`); the nonce (16 hex digits) keeps two hints of one
 * user in the same millisecond apart. Two adapters share this format: the authorizer's poll on the lean SigV4 client
 * (no AWS SDK in that bundle: cold start) and the admin side's publish on the AWS SDK. Answers are validated as
 * strictly as the revocation reads: anything but exactly the asked partition and range is `StoreError('malformed')`.
 */
import { randomBytes } from 'node:crypto';
import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  HINT_TTL_SECONDS,
  type HintPage,
  type HintPublisher,
  type HintReader,
  hintBucket,
  hintBuckets,
  type RevocationHint,
} from '../../core/hints.js';
import { type StoreCallOptions, StoreError } from '../../core/ports.js';
import { isValidId } from '../../core/token.js';
import type { DynamoHttpClient } from './http-client.js';
import { toStoreError } from './sdk-store.js';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, type Item } from './schema.js';

export const HINT_PARTITION_PREFIX = 'hint#';
const STAMP_DIGITS = 15;
const SORT_KEY_PATTERN = /^(\d{15})#(.+)#([0-9a-f]{16})$/;
/** Pages read per bucket before a poll reports `truncated` (each page is up to 1 MB: ~10,000 hints). */
export const MAX_HINT_PAGES_PER_BUCKET = 4;

export function hintPartition(bucket: number): string {
  return `${HINT_PARTITION_PREFIX}${bucket}`;
}

function stamp(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(STAMP_DIGITS, '0');
}

/** The item of one hint (a fresh nonce each call unless one is given). */
export function hintToItem(sub: string, atMs: number, nonce = randomBytes(8).toString('hex')): Item {
  if (!isValidId(sub)) throw new StoreError('unknown', 'hint sub is not a valid id');
  if (!Number.isSafeInteger(atMs) || atMs < 0) throw new StoreError('unknown', 'hint stamp is not epoch ms');
  return {
    [PARTITION_KEY]: { S: hintPartition(hintBucket(atMs)) },
    [SORT_KEY]: { S: `${stamp(atMs)}#${sub}#${nonce}` },
    [TTL_ATTRIBUTE]: { N: String(Math.floor(atMs / 1000) + HINT_TTL_SECONDS) },
  };
}

/** The Query of one bucket from `fromMs` on (strongly consistent: a hint counts once its write returned). */
export function hintQuery(tableName: string, bucket: number, fromMs: number, startKey?: unknown) {
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk >= :from',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
    ExpressionAttributeValues: { ':pk': { S: hintPartition(bucket) }, ':from': { S: stamp(fromMs) } },
    ConsistentRead: true,
    ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
  };
}

const malformed = (detail: string) => new StoreError('malformed', `hint Query answer ${detail}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringAttribute(item: Record<string, unknown>, name: string): string | undefined {
  const value = item[name];
  return isRecord(value) && typeof value.S === 'string' ? value.S : undefined;
}

/**
 * Validates one Query page of bucket `bucket` from `fromMs`: `Items` present and a list, `Count` equal to its length,
 * every item in the asked partition, its sort key well formed, at or after `:from` and inside the bucket, its sub a
 * valid id. `LastEvaluatedKey`, when present, must be a key of the asked partition. Throws `StoreError('malformed')`.
 */
export function parseHintPage(
  answer: unknown,
  bucket: number,
  fromMs: number,
): { hints: RevocationHint[]; lastKey?: Record<string, unknown> } {
  if (!isRecord(answer)) throw malformed('is not an object');
  const { Items: items, Count: count, LastEvaluatedKey: lastKey } = answer;
  if (!Array.isArray(items)) throw malformed('has no Items list');
  if (count !== items.length) throw malformed('has a Count that differs from its Items');
  const partition = hintPartition(bucket);
  const from = stamp(fromMs);
  const hints: RevocationHint[] = [];
  for (const item of items) {
    if (!isRecord(item)) throw malformed('has an item that is not an object');
    if (stringAttribute(item, PARTITION_KEY) !== partition)
      throw malformed('has an item of another partition');
    const sk = stringAttribute(item, SORT_KEY);
    const match = sk === undefined ? null : SORT_KEY_PATTERN.exec(sk);
    if (!match || (sk as string) < from) throw malformed('has an item outside the asked range');
    const at = Number(match[1]);
    const sub = match[2] as string;
    if (hintBucket(at) !== bucket) throw malformed('has a hint stamped outside its bucket');
    if (!isValidId(sub)) throw malformed('has a hint with an invalid sub');
    hints.push({ sub, at });
  }
  if (lastKey !== undefined) {
    if (!isRecord(lastKey) || stringAttribute(lastKey, PARTITION_KEY) !== partition) {
      throw malformed('has a LastEvaluatedKey outside the asked partition');
    }
    const sk = stringAttribute(lastKey, SORT_KEY);
    if (sk === undefined || sk < from) throw malformed('has a LastEvaluatedKey outside the asked range');
    return { hints, lastKey };
  }
  return { hints };
}

/** Reads the window bucket by bucket, page by page; shared by both adapters. */
async function readWindow(
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
      return readWindow(
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

export interface SdkHintStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * Longest a publish may take from its stamp to DynamoDB's acknowledgement (default 1000 ms). Pollers re-read
   * with a margin that includes it (docs/caching.md): a later acknowledgement is reported as a failure, even
   * though the hint may be stored.
   */
  readonly publishDeadlineMs?: number;
}

export const DEFAULT_PUBLISH_DEADLINE_MS = 1000;

/** The admin side: publishes hints with the AWS SDK (and can read them, for tests and tools). */
export function createSdkHintStore(options: SdkHintStoreOptions): HintPublisher & HintReader {
  const { client, tableName } = options;
  const publishDeadlineMs = options.publishDeadlineMs ?? DEFAULT_PUBLISH_DEADLINE_MS;
  return {
    async publish(sub, at, callOptions: StoreCallOptions = {}) {
      const item = hintToItem(sub, at);
      const deadline = AbortSignal.timeout(publishDeadlineMs);
      const signal = callOptions.signal ? AbortSignal.any([callOptions.signal, deadline]) : deadline;
      const started = performance.now();
      try {
        await client.send(new PutItemCommand({ TableName: tableName, Item: item as never }), {
          abortSignal: signal,
        });
      } catch (error) {
        throw toStoreError(error, signal);
      }
      if (performance.now() - started > publishDeadlineMs) {
        throw new StoreError('timeout', `hint acknowledged after its ${publishDeadlineMs} ms deadline`);
      }
    },
    async since(fromMs, untilMs, callOptions: StoreCallOptions = {}) {
      return readWindow(
        async (bucket, startKey) => {
          try {
            return await client.send(
              new QueryCommand(hintQuery(tableName, bucket, fromMs, startKey) as never),
              { abortSignal: callOptions.signal },
            );
          } catch (error) {
            throw toStoreError(error, callOptions.signal);
          }
        },
        fromMs,
        untilMs,
      );
    },
  };
}
