/**
 * `RevocationReader` on the AWS SDK: one user's `rev#` range with the same Query and the same strict answer check
 * as the authorizer's lean reader (schema.ts), for the revocation service's read-back and `inspect`.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { RevocationReader, StoreCallOptions } from '../../core/ports.js';
import { revocationsFromQuery, userRevocationsQuery } from './schema.js';
import { type SdkTableOptions, send } from './sdk-calls.js';

export function createSdkRevocationReader(options: SdkTableOptions): RevocationReader {
  const { client, tableName } = options;
  const consistentRead = options.consistentRead ?? true;
  return {
    async readUser(sub: string, opts: StoreCallOptions = {}) {
      const out = await send(
        (abortSignal) =>
          client.send(new QueryCommand(userRevocationsQuery(tableName, sub, consistentRead)), {
            abortSignal,
          }),
        opts.signal,
      );
      return revocationsFromQuery(sub, {
        Items: out.Items,
        Count: out.Count,
        LastEvaluatedKey: out.LastEvaluatedKey,
      });
    },
  };
}
