/**
 * Sign a user out everywhere (admin): Cognito's AdminUserGlobalSignOut first (so no refresh after the watermark can
 * mint a token the watermark misses), then the watermark and the sessions (`everywhere.ts`), the propagation once,
 * and the read-back that decides `ok`.
 */
import { describe } from './errors.js';
import { writeEverywhere, everywhereProblems, provenEverywhere } from './everywhere.js';
import {
  announce,
  type InvocationLimits,
  nowSeconds,
  propagationProblem,
  resolveUser,
  type RevocationContext,
  type WriteDeps,
} from './context.js';
import { readBack, readBackProblem } from './read-back.js';
import { actorName, type SignOutUserInput } from './requests.js';
import type { FailedResult, SignOutResult } from './results.js';
import { runOperation } from './run.js';

export type SignOutUserDeps = WriteDeps | 'directory' | 'inventory';

export function signOutUser(
  ctx: RevocationContext<SignOutUserDeps>,
  input: SignOutUserInput,
  limits: InvocationLimits = {},
): Promise<SignOutResult | FailedResult> {
  const actor = actorName(input.actor);
  const { reason } = input.actor;
  return runOperation(
    ctx,
    { operation: 'signOutUser', actor, reason, user: { requested: input.subject.user }, limits },
    async (signal) => {
      const user = await resolveUser(ctx, input.subject.user, signal);
      let cognitoSignOut: SignOutResult['cognitoSignOut'];
      try {
        await ctx.deps.directory.globalSignOut(user.username, { signal });
        cognitoSignOut = { done: true };
      } catch (error) {
        ctx.metrics.add('cognito_signout_failed', 1);
        cognitoSignOut = { done: false, error: describe(error) };
      }
      const notBefore = nowSeconds(ctx);
      const writes = await writeEverywhere(
        ctx,
        user.sub,
        notBefore,
        { revoked: cognitoSignOut.done, diedAt: notBefore },
        { actor, reason },
        signal,
      );
      const report = await announce(ctx, user.sub, signal);
      const outcome = await readBack(ctx, user.sub, writes.proofs);
      const { watermark, sessions } = provenEverywhere(writes, outcome, outcome.proven);
      const missing: string[] = [];
      if (!cognitoSignOut.done)
        missing.push(
          `Cognito's global sign-out did not happen (${cognitoSignOut.error}); refresh tokens stay valid at Cognito, the watermark outlives them`,
        );
      missing.push(...everywhereProblems(watermark, sessions));
      const unproven = readBackProblem(outcome.report);
      if (unproven) missing.push(unproven);
      const propagationError = propagationProblem(report);
      if (propagationError) missing.push(propagationError);
      return {
        ok: missing.length === 0,
        operation: 'signOutUser',
        user: { username: user.username, sub: user.sub },
        actor,
        reason,
        cognitoSignOut,
        watermark,
        sessions,
        propagation: report,
        readBack: outcome.report,
        ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
      };
    },
  );
}
