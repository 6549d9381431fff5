/**
 * `sweep` as a service operation: the resumable pass of `sweep.ts` run in the service's wrapper, each user revoked
 * through `revokeUser` (so each revocation is proven by its own read-back) with the sweep as the actor.
 */
import type { InvocationLimits, RevocationContext } from './context.js';
import type { FailedResult } from './results.js';
import { revokeUser, type RevokeUserDeps } from './revoke-user.js';
import { runOperation } from './run.js';
import { runSweep, type SweepDeps, type SweepLimits } from './sweep.js';
import type { SweepResult } from './sweep-result.js';

/** Where the sweep reads its position, the session owners and the pool's users, and how big its steps are. */
export type SweepSources = Pick<SweepDeps, 'cursor' | 'owners' | 'directory' | 'batchSize' | 'scanLimit'>;

export function sweep(
  ctx: RevocationContext<RevokeUserDeps>,
  sources: SweepSources,
  limits: InvocationLimits & SweepLimits = {},
): Promise<SweepResult | FailedResult> {
  const { policy } = ctx.deps;
  return runOperation(ctx, { operation: 'sweep', actor: 'sweep', limits }, () =>
    runSweep(
      {
        ...sources,
        revokeUser: (request, revokeLimits) =>
          revokeUser(
            ctx,
            {
              actor: { kind: 'sweep', reason: request.reason },
              subject: { sub: request.sub },
              evidence: {
                cognitoSignOut: request.cognitoSignOut,
                unlessRevokedSince: request.unlessRevokedSince,
              },
            },
            revokeLimits,
          ),
        now: ctx.clock,
        logger: ctx.logger,
        metrics: ctx.metrics,
        horizonSeconds: policy.tokenLifetimeSeconds + policy.clockSkewSeconds,
      },
      limits,
    ),
  );
}
