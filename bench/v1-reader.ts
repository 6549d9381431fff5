/**
 * The v1 table layout's lookup, kept only as the read-unit baseline of bench/read-units.bench.ts: one item per
 * revocation key in its own partition (`user#<sub>`, `origin#<origin_jti>`, `session#<id>`, `token#<jti>`, sort key
 * `revocation`), read with one strongly consistent `GetItem` (one key) or `BatchGetItem` (several) — one read unit
 * per key asked, found or not. Not shipped; not used by any Lambda.
 */
import type { DynamoHttpClient } from '../lambdas/adapters/dynamodb/http-client.js';
import type { RevocationEntry, RevocationKey } from '../lambdas/core/revocation.js';

export type V1Item = Record<string, { S: string } | { N: string }>;

export function v1Key(key: Pick<RevocationKey, 'scope' | 'id'>) {
  return { pk: { S: `${key.scope}#${key.id}` }, sk: { S: 'revocation' } };
}

/** The v1 item of an entry, attribution included (v1 kept actor and reason in the item the authorizer read). */
export function v1Item(entry: RevocationEntry): V1Item {
  const item: V1Item = {
    ...v1Key(entry),
    scope: { S: entry.scope },
    id: { S: entry.id },
    revokedAt: { N: String(entry.revokedAt) },
    expiresAt: { N: String(entry.expiresAt) },
  };
  if (entry.notBefore !== undefined) item.notBefore = { N: String(entry.notBefore) };
  if (entry.actor) item.actor = { S: entry.actor };
  if (entry.reason) item.reason = { S: entry.reason };
  return item;
}

/** The v1 session record (same place as in v2). */
export function v1Session(sub: string, sessionId: string, issuedAt: number, expiresAt: number): V1Item {
  return {
    pk: { S: `user#${sub}` },
    sk: { S: `session#${sessionId}` },
    sub: { S: sub },
    username: { S: 'bench' },
    sessionId: { S: sessionId },
    clientId: { S: 'bench-client' },
    triggerSource: { S: 'TokenGeneration_Authentication' },
    issuedAt: { N: String(issuedAt) },
    expiresAt: { N: String(expiresAt) },
  };
}

/** The v1 lookup of a token's keys: how many items came back (one round trip). */
export async function v1Lookup(
  client: Pick<DynamoHttpClient, 'call'>,
  tableName: string,
  keys: readonly Pick<RevocationKey, 'scope' | 'id'>[],
): Promise<number> {
  if (keys.length === 1) {
    const out = await client.call<{ Item?: unknown }>('GetItem', {
      TableName: tableName,
      Key: v1Key(keys[0] as RevocationKey),
      ConsistentRead: true,
    });
    return out.Item ? 1 : 0;
  }
  const out = await client.call<{ Responses?: Record<string, unknown[]> }>('BatchGetItem', {
    RequestItems: { [tableName]: { Keys: keys.map(v1Key), ConsistentRead: true } },
  });
  return out.Responses?.[tableName]?.length ?? 0;
}
