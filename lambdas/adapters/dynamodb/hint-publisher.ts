/**
 * Publishing revocation hints (item format in schema.ts) with the AWS SDK, for the revoking functions; it can read
 * them back too, for tests and tools. The authorizer polls with hint-reader.ts instead.
 */
import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { HintPublisher, HintReader } from '../../core/hints.js';
import { type StoreCallOptions, StoreError } from '../../core/ports.js';
import { readHintWindow } from './hint-reader.js';
import { hintQuery, hintToItem } from './schema.js';
import { toStoreError } from './sdk-calls.js';

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

/** Publishes hints with the AWS SDK (and can read them, for tests and tools). */
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
      return readHintWindow(
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
