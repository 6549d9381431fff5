/**
 * The sweep as it was before it kept a position (baseline for bench/sweep.bench.ts only): every run starts over,
 * lists the disabled users (up to 60 pages), scans the session records (up to 200 pages), and looks each session
 * owner up with one `ListUsers` `sub = "…"` call. Revocations go through the same `revokeUser` as the new sweep,
 * so the two differ only in how they find the users.
 */
import type { UserDirectory } from '../lambdas/core/directory.js';
import type { LifetimePolicy } from '../lambdas/core/lifetime.js';
import type { SessionOwners } from '../lambdas/core/ports.js';
import type { RevocationContext } from '../lambdas/revocation/context.js';
import { revokeUser, type RevokeUserDeps } from '../lambdas/revocation/revoke-user.js';

type Tally = { seen: number; revoked: number; skipped: number };

export async function oldSweep(
  ctx: RevocationContext<RevokeUserDeps>,
  directory: UserDirectory,
  owners: SessionOwners,
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
  for (const u of (await directory.listDisabled?.()) ?? []) {
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
  for (const owner of await owners.usersWithLiveSessions(nowSeconds)) {
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
