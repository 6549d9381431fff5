/**
 * The flush lease of each API Gateway stage on DynamoDB (lambdas/core/flush-lease.ts; docs/table-schema.md):
 *
 *   pk (S)                        sk (S)    item
 *   flush#<api>:<apiId>/<stage>   lease     gen, version, startedAt, leaseUntil, holder?, doneGen, failGen,
 *                                           failError?, failFinal?, expiresAt (TTL: a day after the last write)
 *
 * One `GetItem` (strongly consistent) to read, one conditional `PutItem` (`version` as read) to write: the same two
 * actions every revoking function already holds, so the coordination needs no new IAM grant. The record lives outside
 * every `user#` partition, so the authorizer never reads it. An answer that is not a well-formed record is
 * `StoreError('malformed')`, never "no flush yet".
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EMPTY_FLUSH_LEASE, type FlushLeaseState, type FlushLeaseStore } from '../../core/flush-lease.js';
import { type StoreCallOptions, StoreError } from '../../core/ports.js';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './schema.js';
import { toStoreError } from './sdk-calls.js';

export const FLUSH_LEASE_PREFIX = 'flush#';
const LEASE_SORT_KEY = 'lease';
/** The record is kept a day after its last write; an idle stage starts again from flush number 0. */
const LEASE_TTL_SECONDS = 86_400;
const MAX_ERROR_LENGTH = 300;

export function flushLeaseKey(stage: string) {
  return { [PARTITION_KEY]: { S: `${FLUSH_LEASE_PREFIX}${stage}` }, [SORT_KEY]: { S: LEASE_SORT_KEY } };
}

const malformed = (detail: string) => new StoreError('malformed', `flush lease ${detail}`);

function count(item: Record<string, unknown>, name: string): number {
  const value = item[name] as { N?: unknown } | undefined;
  const n = typeof value?.N === 'string' ? Number(value.N) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw malformed(`attribute "${name}" is not a count`);
  return n;
}

/** Decodes a stored record; throws `StoreError('malformed')` for anything else. */
export function itemToFlushLease(stage: string, item: unknown): FlushLeaseState {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw malformed('is not an object');
  const it = item as Record<string, { S?: unknown; BOOL?: unknown } | undefined>;
  const key = flushLeaseKey(stage);
  if (it[PARTITION_KEY]?.S !== key[PARTITION_KEY].S || it[SORT_KEY]?.S !== LEASE_SORT_KEY)
    throw malformed('answer is another item');
  const holder = it.holder?.S;
  const failError = it.failError?.S;
  const failFinal = it.failFinal?.BOOL;
  if (it.holder !== undefined && typeof holder !== 'string') throw malformed('holder is not a string');
  if (it.failError !== undefined && typeof failError !== 'string')
    throw malformed('failError is not a string');
  if (it.failFinal !== undefined && typeof failFinal !== 'boolean')
    throw malformed('failFinal is not a boolean');
  const state: FlushLeaseState = {
    gen: count(it, 'gen'),
    version: count(it, 'version'),
    leaseUntil: count(it, 'leaseUntil'),
    startedAt: count(it, 'startedAt'),
    doneGen: count(it, 'doneGen'),
    failGen: count(it, 'failGen'),
    ...(typeof holder === 'string' ? { holder } : {}),
    ...(typeof failError === 'string' ? { failError } : {}),
    ...(typeof failFinal === 'boolean' ? { failFinal } : {}),
  };
  if (state.version < 1 || state.doneGen > state.gen || state.failGen > state.gen)
    throw malformed('counters are inconsistent');
  return state;
}

export function flushLeaseToItem(stage: string, state: FlushLeaseState, nowMs: number) {
  const n = (v: number) => ({ N: String(Math.floor(v)) });
  return {
    ...flushLeaseKey(stage),
    gen: n(state.gen),
    version: n(state.version),
    leaseUntil: n(state.leaseUntil),
    startedAt: n(state.startedAt),
    doneGen: n(state.doneGen),
    failGen: n(state.failGen),
    ...(state.holder !== undefined ? { holder: { S: state.holder } } : {}),
    ...(state.failError !== undefined
      ? { failError: { S: state.failError.slice(0, MAX_ERROR_LENGTH) } }
      : {}),
    ...(state.failFinal !== undefined ? { failFinal: { BOOL: state.failFinal } } : {}),
    [TTL_ATTRIBUTE]: n(Math.floor(nowMs / 1000) + LEASE_TTL_SECONDS),
  };
}

export interface SdkFlushLeaseStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock?: () => number;
}

export function createSdkFlushLeaseStore(options: SdkFlushLeaseStoreOptions): FlushLeaseStore {
  const { client, tableName } = options;
  const clock = options.clock ?? Date.now;
  return {
    async read(stage, callOptions: StoreCallOptions = {}) {
      let out: { Item?: unknown };
      try {
        out = await client.send(
          new GetItemCommand({ TableName: tableName, Key: flushLeaseKey(stage), ConsistentRead: true }),
          { abortSignal: callOptions.signal },
        );
      } catch (error) {
        throw toStoreError(error, callOptions.signal);
      }
      if (out === null || typeof out !== 'object') throw malformed('answer is not an object');
      return out.Item === undefined ? EMPTY_FLUSH_LEASE : itemToFlushLease(stage, out.Item);
    },
    async write(stage, next, expectedVersion, callOptions: StoreCallOptions = {}) {
      if (next.version !== expectedVersion + 1) throw malformed('write must advance the version by one');
      const conditional: {
        ConditionExpression: string;
        ExpressionAttributeNames: Record<string, string>;
        ExpressionAttributeValues?: Record<string, { N: string }>;
      } =
        expectedVersion === 0
          ? {
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': PARTITION_KEY },
            }
          : {
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } },
            };
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: flushLeaseToItem(stage, next, clock()) as never,
            ...conditional,
          }),
          { abortSignal: callOptions.signal },
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw toStoreError(error, callOptions.signal);
      }
    },
  };
}
