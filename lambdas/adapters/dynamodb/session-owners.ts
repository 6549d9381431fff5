/**
 * The users with live recorded sessions, for the revocation sweep, which reads them one page at a time from a
 * stored position (`scanOwnersPage`). One paginated `Scan` of the session
 * records (`sk` beginning with `session#`, `expiresAt` in the future), projecting only the partition key and
 * `issuedAt`. The table has no index by session, and the sweep is rare (its schedule) and bounded by the records'
 * TTL; the authorizer never scans. Errors map to `StoreError` like the SDK store's.
 */
import { type DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { StoreError } from '../../core/ports.js';
import { PARTITION_KEY, SESSION_SORT_PREFIX, SORT_KEY, TTL_ATTRIBUTE } from './schema.js';
import { toStoreError } from './sdk-calls.js';

const USER_PREFIX = 'user#';

/** One Scan page of session owners, for the sweep that resumes from a stored position. */
export interface OwnersPage {
  /** Distinct owners in this page, in the order first seen, with their latest `issuedAt` and recorded username. */
  readonly owners: { readonly sub: string; readonly latestIssuedAt: number; readonly username?: string }[];
  /** Where the next page starts (DynamoDB's `LastEvaluatedKey`, as JSON); absent at the end of the table. */
  readonly next?: string;
}

/** The next key the Scan returned, checked to be a plain key of this table (it is stored and fed back verbatim). */
function decodeStartKey(page: string | undefined): ScanCommandOutput['LastEvaluatedKey'] {
  if (page === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(page);
  } catch {
    throw new StoreError('malformed', 'sweep cursor: the Scan position is not JSON');
  }
  const k = parsed as Record<string, { S?: unknown }>;
  if (
    typeof k?.[PARTITION_KEY]?.S !== 'string' ||
    typeof k?.[SORT_KEY]?.S !== 'string' ||
    Object.keys(k).length !== 2
  )
    throw new StoreError('malformed', 'sweep cursor: the Scan position is not a key of this table');
  return k as ScanCommandOutput['LastEvaluatedKey'];
}

/**
 * One page of the session-record Scan from `page` (a position returned earlier), `limit` items evaluated. Each
 * page is its own request: the caller stores `next` before asking for it, so a run can stop between any two.
 */
export async function scanOwnersPage(
  options: { client: DynamoDBClient; tableName: string },
  nowSeconds: number,
  page: string | undefined,
  limit: number,
  signal?: AbortSignal,
): Promise<OwnersPage> {
  const startKey = decodeStartKey(page);
  let out: ScanCommandOutput;
  try {
    out = await options.client.send(
      new ScanCommand({
        TableName: options.tableName,
        Limit: limit,
        FilterExpression: 'begins_with(#sk, :session) AND #exp > :now',
        ProjectionExpression: '#pk, #issued, #username',
        ExpressionAttributeNames: {
          '#pk': PARTITION_KEY,
          '#sk': SORT_KEY,
          '#exp': TTL_ATTRIBUTE,
          '#issued': 'issuedAt',
          '#username': 'username',
        },
        ExpressionAttributeValues: {
          ':session': { S: SESSION_SORT_PREFIX },
          ':now': { N: String(Math.floor(nowSeconds)) },
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
  } catch (error) {
    throw toStoreError(error, signal);
  }
  if (!Array.isArray(out.Items)) throw new StoreError('malformed', 'Scan answer has no Items list');
  const owners = new Map<string, { sub: string; latestIssuedAt: number; username?: string }>();
  for (const item of out.Items) {
    const pk = item[PARTITION_KEY]?.S;
    const issued = Number(item.issuedAt?.N);
    if (typeof pk !== 'string' || !pk.startsWith(USER_PREFIX) || !Number.isFinite(issued))
      throw new StoreError('malformed', 'Scan answer holds an item that is not a session record');
    const sub = pk.slice(USER_PREFIX.length);
    const username = item.username?.S;
    const known = owners.get(sub);
    if (known) known.latestIssuedAt = Math.max(known.latestIssuedAt, issued);
    else owners.set(sub, { sub, latestIssuedAt: issued, ...(username ? { username } : {}) });
  }
  return {
    owners: [...owners.values()],
    ...(out.LastEvaluatedKey ? { next: JSON.stringify(out.LastEvaluatedKey) } : {}),
  };
}
