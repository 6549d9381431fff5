/**
 * `SessionInventory` on the AWS SDK: the token trigger records sessions; signout lists and marks them revoked.
 * Session records are not read by the authorizer, so marks are unconditional BatchWriteItem puts; unprocessed items
 * are retried until the deadline and the sessions still unwritten are reported.
 */
import {
  type AttributeValue as SdkAttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type SessionInventory,
  type SessionMark,
  type StoreCallOptions,
  StoreError,
} from '../../core/ports.js';
import type { SessionRecord } from '../../core/session.js';
import { itemToSession, SESSION_SORT_PREFIX, sessionToItem } from './schema.js';
import {
  backoff,
  DEFAULT_WRITE_DEADLINE_MS,
  inParallel,
  isRetryable,
  queryPartition,
  type SdkWriteOptions,
  send,
  writePolicy,
} from './sdk-calls.js';

/** DynamoDB's limit per BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createSdkSessionInventory(options: SdkWriteOptions): SessionInventory {
  const { client, tableName } = options;
  const policy = writePolicy(options);

  /**
   * Writes one batch (≤ 25 requests); resolves with the requests still unwritten at the deadline. A call cut off by
   * the deadline counts its requests as unwritten even though DynamoDB may have applied them: the report errs on the
   * side of "not done", and a rerun (idempotent puts) settles it.
   */
  async function writeBatch(requests: WriteRequest[], signal?: AbortSignal): Promise<WriteRequest[]> {
    let pending = requests;
    let failedCalls = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt, policy, signal);
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
        if (error instanceof StoreError && isRetryable(error) && ++failedCalls < policy.maxFailedCalls)
          continue;
        return pending;
      }
      // An answer that is not exactly what was asked is not taken as "written": the whole batch stays pending
      // (rewriting an item is harmless) unless UnprocessedItems is absent/empty or lists this table's requests only.
      const unprocessed = output.UnprocessedItems;
      if (unprocessed === undefined || unprocessed === null) {
        pending = [];
      } else if (
        typeof unprocessed !== 'object' ||
        Object.keys(unprocessed).some((table) => table !== tableName) ||
        (unprocessed[tableName] !== undefined && !Array.isArray(unprocessed[tableName]))
      ) {
        if (++failedCalls >= policy.maxFailedCalls) return pending;
      } else {
        pending = unprocessed[tableName] ?? [];
      }
    }
    return pending;
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
    const items = await queryPartition(options, sub, SESSION_SORT_PREFIX, opts);
    return items.map((item) => itemToSession(item));
  }

  async function markRevoked(
    sessions: readonly SessionRecord[],
    mark: SessionMark,
    opts: StoreCallOptions = {},
  ): Promise<{ unwritten: string[] }> {
    const requests = sessions.map(
      (s): WriteRequest => ({
        PutRequest: {
          Item: sessionToItem({
            ...s,
            revokedAt: mark.revokedAt,
            actor: mark.actor,
            reason: mark.reason,
          }) as Record<string, SdkAttributeValue>,
        },
      }),
    );
    const unwritten: string[] = [];
    const signal = opts.signal ?? AbortSignal.timeout(DEFAULT_WRITE_DEADLINE_MS);
    await inParallel(chunk(requests, BATCH_WRITE_LIMIT), policy.concurrency, async (batch) => {
      for (const left of await writeBatch(batch, signal)) {
        const id = left.PutRequest?.Item?.sessionId?.S;
        if (id !== undefined) unwritten.push(id);
      }
    });
    return { unwritten };
  }

  return { record, listByUser, markRevoked };
}
