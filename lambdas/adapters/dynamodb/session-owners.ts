/**
 * The users with live recorded sessions, for the revocation sweep: one paginated `Scan` of the session
 * records (`sk` beginning with `session#`, `expiresAt` in the future), projecting only the partition key and
 * `issuedAt`. The table has no index by session, and the sweep is rare (its schedule) and bounded by the records'
 * TTL; the authorizer never scans. Errors map to `StoreError` like the SDK store's.
 */
import { type DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { type SessionOwners, StoreError } from '../../core/ports.js';
import { PARTITION_KEY, SESSION_SORT_PREFIX, SORT_KEY, TTL_ATTRIBUTE } from './schema.js';
import { toStoreError } from './sdk-calls.js';

const USER_PREFIX = 'user#';
/** Pages per sweep run; a larger table is covered over several runs (each run starts from the beginning). */
const MAX_PAGES = 200;

export function createSessionOwners(options: { client: DynamoDBClient; tableName: string }): SessionOwners {
  const { client, tableName } = options;
  return {
    async usersWithLiveSessions(nowSeconds, opts = {}) {
      const latest = new Map<string, number>();
      let startKey: ScanCommandOutput['LastEvaluatedKey'];
      for (let page = 0; page < MAX_PAGES; page++) {
        let out: ScanCommandOutput;
        try {
          out = await client.send(
            new ScanCommand({
              TableName: tableName,
              FilterExpression: 'begins_with(#sk, :session) AND #exp > :now',
              ProjectionExpression: '#pk, #issued',
              ExpressionAttributeNames: {
                '#pk': PARTITION_KEY,
                '#sk': SORT_KEY,
                '#exp': TTL_ATTRIBUTE,
                '#issued': 'issuedAt',
              },
              ExpressionAttributeValues: {
                ':session': { S: SESSION_SORT_PREFIX },
                ':now': { N: String(Math.floor(nowSeconds)) },
              },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
            opts.signal ? { abortSignal: opts.signal } : {},
          );
        } catch (error) {
          throw toStoreError(error, opts.signal);
        }
        if (!Array.isArray(out.Items)) throw new StoreError('malformed', 'Scan answer has no Items list');
        for (const item of out.Items) {
          const pk = item[PARTITION_KEY]?.S;
          const issued = Number(item.issuedAt?.N);
          if (typeof pk !== 'string' || !pk.startsWith(USER_PREFIX) || !Number.isFinite(issued))
            throw new StoreError('malformed', 'Scan answer holds an item that is not a session record');
          const sub = pk.slice(USER_PREFIX.length);
          latest.set(sub, Math.max(latest.get(sub) ?? Number.NEGATIVE_INFINITY, issued));
        }
        startKey = out.LastEvaluatedKey;
        if (!startKey) break;
      }
      return [...latest].map(([sub, latestIssuedAt]) => ({ sub, latestIssuedAt }));
    },
  };
}
