/**
 * Where the revocation sweep stopped, kept between runs in ONE item of the blocklist table:
 *
 *   pk = "sweep#cursor"   sk = "sweep#cursor"
 *
 * It sits in its own partition: the authorizer only queries `user#<sub>` partitions, the staleness poller only
 * `hint#<bucket>` ones, and the sweep's own Scan keeps only `session#` sort keys — so no reader of revocations ever
 * sees it, and no user id can name it (user partitions always start with `user#`).
 *
 * Every write is conditional on the version this run read (`attribute_not_exists(pk) OR version = :read`) and
 * bumps it: two overlapping runs cannot interleave their positions. The run that writes second gets
 * `conflict`, stops and reports itself incomplete; the position written by the first stays. The item expires a week
 * after its last write (the table's TTL), so an abandoned pass is restarted from the beginning, never resumed
 * from a position that no longer means anything.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { StoreError } from '../../core/ports.js';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './schema.js';
import { toStoreError } from './sdk-calls.js';

export const SWEEP_CURSOR_KEY = 'sweep#cursor';
const CURSOR_TTL_SECONDS = 7 * 24 * 3600;

export type SweepPhase = 'disabled' | 'deleted';

/** The persisted position of the current pass. */
export interface SweepCursor {
  /** Bumped by every write; the condition of the next one. 0 = no item stored yet. */
  readonly version: number;
  readonly phase: SweepPhase;
  /** The page being worked on: a ListUsers PaginationToken or a Scan start key (JSON); absent = the first page. */
  readonly page?: string | undefined;
  /** Entries of that page already done. */
  readonly offset: number;
  /** When the current pass began (epoch seconds); absent = no pass in progress. */
  readonly passStartedAt?: number | undefined;
  /** Runs this pass has taken so far, this one included once written. */
  readonly passRuns: number;
  /** Revocations of this pass that could not be proven; the pass ends `ok: false` when any. */
  readonly passFailures: number;
  /** The last complete pass, for operators (epoch seconds). */
  readonly lastCompleted?: {
    readonly startedAt: number;
    readonly finishedAt: number;
    readonly failures: number;
  };
}

export const INITIAL_CURSOR: SweepCursor = {
  version: 0,
  phase: 'disabled',
  offset: 0,
  passRuns: 0,
  passFailures: 0,
};

export interface SweepCursorStore {
  read(options?: { signal?: AbortSignal }): Promise<SweepCursor>;
  /** Writes `next` (its version is ignored: stored as `expected.version + 1`) if the stored version is still `expected`'s. */
  write(
    next: SweepCursor,
    expectedVersion: number,
    options?: { signal?: AbortSignal; nowSeconds?: number },
  ): Promise<'written' | 'conflict'>;
}

const key = { [PARTITION_KEY]: { S: SWEEP_CURSOR_KEY }, [SORT_KEY]: { S: SWEEP_CURSOR_KEY } };

function num(item: Record<string, { N?: string } | undefined>, name: string): number | undefined {
  const raw = item[name]?.N;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new StoreError('malformed', `sweep cursor: "${name}" is not a count`);
  return n;
}

export function decodeCursor(item: Record<string, unknown> | undefined): SweepCursor {
  if (!item) return INITIAL_CURSOR;
  const i = item as Record<string, { S?: string; N?: string } | undefined>;
  const phase = i.phase?.S;
  if (phase !== 'disabled' && phase !== 'deleted')
    throw new StoreError('malformed', 'sweep cursor: unknown phase');
  const version = num(i, 'version');
  if (version === undefined) throw new StoreError('malformed', 'sweep cursor: no version');
  const started = num(i, 'lastStartedAt');
  const finished = num(i, 'lastFinishedAt');
  return {
    version,
    phase,
    page: i.page?.S,
    offset: num(i, 'offset') ?? 0,
    passStartedAt: num(i, 'passStartedAt'),
    passRuns: num(i, 'passRuns') ?? 0,
    passFailures: num(i, 'passFailures') ?? 0,
    ...(started !== undefined && finished !== undefined
      ? { lastCompleted: { startedAt: started, finishedAt: finished, failures: num(i, 'lastFailures') ?? 0 } }
      : {}),
  };
}

export function encodeCursor(
  cursor: SweepCursor,
  version: number,
  nowSeconds: number,
): Record<string, unknown> {
  const n = (v: number) => ({ N: String(Math.floor(v)) });
  return {
    ...key,
    version: n(version),
    phase: { S: cursor.phase },
    ...(cursor.page !== undefined ? { page: { S: cursor.page } } : {}),
    offset: n(cursor.offset),
    ...(cursor.passStartedAt !== undefined ? { passStartedAt: n(cursor.passStartedAt) } : {}),
    passRuns: n(cursor.passRuns),
    passFailures: n(cursor.passFailures),
    ...(cursor.lastCompleted
      ? {
          lastStartedAt: n(cursor.lastCompleted.startedAt),
          lastFinishedAt: n(cursor.lastCompleted.finishedAt),
          lastFailures: n(cursor.lastCompleted.failures),
        }
      : {}),
    updatedAt: n(nowSeconds),
    [TTL_ATTRIBUTE]: n(nowSeconds + CURSOR_TTL_SECONDS),
  };
}

export function createSweepCursorStore(options: {
  client: DynamoDBClient;
  tableName: string;
}): SweepCursorStore {
  const { client, tableName } = options;
  return {
    async read(opts = {}) {
      try {
        const out = await client.send(
          new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
          opts.signal ? { abortSignal: opts.signal } : {},
        );
        const item = out.Item as Record<string, { N?: string }> | undefined;
        const cursor = decodeCursor(item);
        // An item past its expiry means an abandoned pass: start over, but keep its version so that the next
        // conditional write (which the TTL deletion may lag by days) still matches it.
        const expires = Number(item?.[TTL_ATTRIBUTE]?.N);
        if (item && Number.isFinite(expires) && expires <= Math.floor(Date.now() / 1000))
          return { ...INITIAL_CURSOR, version: cursor.version };
        return cursor;
      } catch (error) {
        throw toStoreError(error, opts.signal);
      }
    },
    async write(next, expectedVersion, opts = {}) {
      const nowSeconds = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: encodeCursor(next, expectedVersion + 1, nowSeconds) as never,
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#pk) OR #v = :v' : '#v = :v',
            ExpressionAttributeNames: {
              '#v': 'version',
              ...(expectedVersion === 0 ? { '#pk': PARTITION_KEY } : {}),
            },
            ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } },
          }),
          opts.signal ? { abortSignal: opts.signal } : {},
        );
        return 'written';
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as { name?: string })?.name === 'ConditionalCheckFailedException'
        )
          return 'conflict';
        throw toStoreError(error, opts.signal);
      }
    },
  };
}
