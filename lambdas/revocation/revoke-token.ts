/** Revoke one token by `jti` (admin); its `exp`, when known, bounds the entry's life. */
import { tokenRevocationExpiry } from '../core/lifetime.js';
import type { RevocationEntry } from '../core/revocation.js';
import {
  type InvocationLimits,
  nowSeconds,
  resolveUser,
  type RevocationContext,
  type WriteDeps,
} from './context.js';
import { writeOneEntry } from './one-entry.js';
import { actorName, type RevokeTokenInput } from './requests.js';
import type { FailedResult, RevokeResult } from './results.js';
import { runOperation } from './run.js';

export type RevokeTokenDeps = WriteDeps | 'directory';

export function revokeToken(
  ctx: RevocationContext<RevokeTokenDeps>,
  input: RevokeTokenInput,
  limits: InvocationLimits = {},
): Promise<RevokeResult | FailedResult> {
  const actor = actorName(input.actor);
  const { reason } = input.actor;
  return runOperation(
    ctx,
    { operation: 'revokeToken', actor, reason, user: { requested: input.subject.user }, limits },
    async (signal) => {
      const user = await resolveUser(ctx, input.subject.user, signal);
      const { policy } = ctx.deps;
      const revokedAt = nowSeconds(ctx);
      const { jti, exp } = input.evidence;
      const entry: RevocationEntry = {
        sub: user.sub,
        scope: 'token',
        id: jti,
        revokedAt,
        expiresAt: tokenRevocationExpiry(revokedAt, policy, exp),
        actor,
        reason,
      };
      const tokenExp = exp ?? revokedAt + policy.tokenLifetimeSeconds;
      const proof = {
        label: `token ${jti}`,
        token: { sub: user.sub, jti, issuedAt: revokedAt, authTime: revokedAt + 1, expiresAt: tokenExp },
      };
      const outcome = await writeOneEntry(ctx, user, entry, proof, signal);
      return {
        ok: outcome.error === undefined,
        operation: 'revokeToken',
        user: { username: user.username, sub: user.sub },
        revocation: { scope: 'token', id: jti, expiresAt: entry.expiresAt },
        written: outcome.written,
        actor,
        reason,
        ...(outcome.propagation ? { propagation: outcome.propagation } : {}),
        ...(outcome.readBack ? { readBack: outcome.readBack } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
      };
    },
  );
}
