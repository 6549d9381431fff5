/**
 * The sweep as it was before it kept a position (baseline for bench/sweep.bench.ts only): every run starts over,
 * lists the disabled users (up to 60 pages), scans the session records (up to 200 pages), and looks each session
 * owner up with one `ListUsers` `sub = "…"` call. Revocations go through the same `revokeUser` as the new sweep,
 * so the two differ only in how they find the users.
 */
import {
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  PARTITION_KEY,
  SESSION_SORT_PREFIX,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from '../lambdas/adapters/dynamodb/schema.js';
import type { UserDirectory } from '../lambdas/core/directory.js';
import type { LifetimePolicy } from '../lambdas/core/lifetime.js';
import type { RevocationContext } from '../lambdas/revocation/context.js';
import { revokeUser, type RevokeUserDeps } from '../lambdas/revocation/revoke-user.js';

type Tally = { seen: number; revoked: number; skipped: number };

/** Where the old sweep looked: the pool (ListUsers) and the table (Scan of the session records). */
export interface OldSweepSources {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
}

/** The old listing of disabled users: ListUsers `status = "Disabled"`, up to 60 pages, from the beginning. */
async function listDisabled(src: OldSweepSources): Promise<{ sub: string; lastModifiedAt?: number }[]> {
  const users: { sub: string; lastModifiedAt?: number }[] = [];
  let token: string | undefined;
  for (let page = 0; page < 60; page++) {
    const out = await src.cognito.send(
      new ListUsersCommand({
        UserPoolId: src.userPoolId,
        Filter: 'status = "Disabled"',
        Limit: 60,
        ...(token ? { PaginationToken: token } : {}),
      }),
    );
    for (const user of out.Users ?? []) {
      const sub = user.Attributes?.find((a) => a.Name === 'sub')?.Value;
      const modified = user.UserLastModifiedDate?.getTime();
      if (sub && user.Enabled === false)
        users.push({
          sub,
          ...(modified !== undefined ? { lastModifiedAt: Math.floor(modified / 1000) } : {}),
        });
    }
    token = out.PaginationToken;
    if (!token) break;
  }
  return users;
}

/** The old listing of session owners: every page of a Scan of the live session records (up to 200), from the start. */
async function usersWithLiveSessions(src: OldSweepSources, nowSeconds: number) {
  const latest = new Map<string, number>();
  let startKey: Record<string, never> | undefined;
  for (let page = 0; page < 200; page++) {
    const out = await src.dynamo.send(
      new ScanCommand({
        TableName: src.tableName,
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
          ':now': { N: String(nowSeconds) },
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      const sub = String(item[PARTITION_KEY]?.S).slice('user#'.length);
      latest.set(sub, Math.max(latest.get(sub) ?? 0, Number(item.issuedAt?.N)));
    }
    startKey = out.LastEvaluatedKey as Record<string, never> | undefined;
    if (!startKey) break;
  }
  return [...latest].map(([sub, latestIssuedAt]) => ({ sub, latestIssuedAt }));
}

export async function oldSweep(
  ctx: RevocationContext<RevokeUserDeps>,
  directory: UserDirectory,
  sources: OldSweepSources,
  policy: LifetimePolicy,
): Promise<{ disabled: Tally; deleted: Tally; failures: number }> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const horizon = policy.tokenLifetimeSeconds + policy.clockSkewSeconds;
  const disabled: Tally = { seen: 0, revoked: 0, skipped: 0 };
  const deleted: Tally = { seen: 0, revoked: 0, skipped: 0 };
  let failures = 0;
  const count = (tally: Tally, result: { ok: boolean; skipped?: string }) => {
    if (!result.ok) failures++;
    else if (result.skipped) tally.skipped++;
    else tally.revoked++;
  };
  for (const u of await listDisabled(sources)) {
    disabled.seen++;
    if (u.lastModifiedAt !== undefined && u.lastModifiedAt + horizon < nowSeconds) {
      disabled.skipped++;
      continue;
    }
    const r = await revokeUser(ctx, {
      actor: { kind: 'sweep', reason: 'sweep: the user is disabled in the user pool' },
      subject: { sub: u.sub },
      evidence: { cognitoSignOut: 'call', unlessRevokedSince: u.lastModifiedAt ?? 0 },
    });
    count(disabled, r as { ok: boolean; skipped?: string });
  }
  for (const owner of await usersWithLiveSessions(sources, nowSeconds)) {
    if ((await directory.findBySub?.(owner.sub)) !== undefined) continue;
    deleted.seen++;
    const r = await revokeUser(ctx, {
      actor: { kind: 'sweep', reason: 'sweep: the user no longer exists in the user pool' },
      subject: { sub: owner.sub },
      evidence: { cognitoSignOut: 'gone', unlessRevokedSince: owner.latestIssuedAt },
    });
    count(deleted, r as { ok: boolean; skipped?: string });
  }
  return { disabled, deleted, failures };
}
