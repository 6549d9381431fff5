/**
 * The sweep: users the pool reports disabled, and users with live recorded sessions who no longer exist, each
 * revoked through `revokeUser` (so each is proven by its own read-back). A user counts as revoked only when its
 * `revokeUser` result is ok.
 */
import { describe, OperationError } from './errors.js';
import { type InvocationLimits, nowSeconds, type RevocationContext } from './context.js';
import type { FailedResult, RevokeUserResult, SweepResult } from './results.js';
import { revokeUser, type RevokeUserDeps } from './revoke-user.js';
import { runOperation } from './run.js';

export type SweepDeps = RevokeUserDeps | 'sessionOwners';

const SWEEP = { kind: 'sweep' } as const;

export function sweep(
  ctx: RevocationContext<SweepDeps>,
  limits: InvocationLimits = {},
): Promise<SweepResult | FailedResult> {
  return runOperation(ctx, { operation: 'sweep', actor: 'sweep', limits }, async (signal) => {
    const { policy, directory, sessionOwners } = ctx.deps;
    const now = nowSeconds(ctx);
    const horizon = policy.tokenLifetimeSeconds + policy.clockSkewSeconds;
    const failures: SweepResult['failures'] = [];
    const disabled = { seen: 0, revoked: 0, skipped: 0 };
    const deleted = { seen: 0, revoked: 0, skipped: 0 };
    const record = (tally: typeof disabled, sub: string, result: RevokeUserResult | FailedResult) => {
      if (!result.ok) failures.push({ sub, error: result.error?.message ?? 'failed' });
      else if ('skipped' in result && result.skipped) tally.skipped++;
      else tally.revoked++;
    };
    // 1. Users the pool reports disabled. Disabling modifies the user: a live watermark at or after that instant
    //    means this user is done (a second sweep changes nothing). Disabled users cannot sign in or refresh, so
    //    one disabled longer than a token lifetime ago has no token left to revoke.
    if (directory.listDisabled) {
      const users = await directory.listDisabled({ signal }).catch((error: unknown) => {
        throw new OperationError('directory_error', `could not list disabled users: ${describe(error)}`);
      });
      for (const u of users) {
        disabled.seen++;
        const since = u.lastModifiedAt ?? 0;
        if (u.lastModifiedAt !== undefined && u.lastModifiedAt + horizon < now) {
          disabled.skipped++;
          continue;
        }
        const input = {
          actor: { ...SWEEP, reason: 'sweep: the user is disabled in the user pool' },
          subject: { sub: u.sub },
          evidence: { cognitoSignOut: 'call' as const, unlessRevokedSince: since },
        };
        record(disabled, u.sub, await revokeUser(ctx, input, limits));
      }
    }
    // 2. Users with live recorded sessions who no longer exist (deleted where the event path could not see it).
    if (sessionOwners && directory.findBySub) {
      const owners = await sessionOwners.usersWithLiveSessions(now, { signal }).catch((error: unknown) => {
        throw new OperationError('store_error', `could not list users with sessions: ${describe(error)}`);
      });
      for (const owner of owners) {
        let exists: boolean;
        try {
          exists = (await directory.findBySub(owner.sub)) !== undefined;
        } catch (error) {
          failures.push({ sub: owner.sub, error: describe(error) });
          continue;
        }
        if (exists) continue;
        deleted.seen++;
        const input = {
          actor: { ...SWEEP, reason: 'sweep: the user no longer exists in the user pool' },
          subject: { sub: owner.sub },
          evidence: { cognitoSignOut: 'gone' as const, unlessRevokedSince: owner.latestIssuedAt },
        };
        record(deleted, owner.sub, await revokeUser(ctx, input, limits));
      }
    }
    return {
      ok: failures.length === 0,
      operation: 'sweep',
      disabled,
      deleted,
      failures,
      ...(failures.length
        ? {
            error: {
              code: 'incomplete' as const,
              message: `${failures.length} users could not be revoked; the next sweep retries them`,
            },
          }
        : {}),
    };
  });
}
