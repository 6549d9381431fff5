/**
 * `revokeUser`: a user revoked everywhere because of an event (a CloudTrail record) or the sweep — idempotent on
 * redelivery (the watermark is the event's own time). The subject is a sub from the record (the user may be gone)
 * or a username of this pool; Cognito's sign-out is called, taken as done by the event, or moot (deleted user).
 */
import { DirectoryError } from '../core/directory.js';
import { eventWatermark } from '../core/horizon.js';
import { isLive } from '../core/revocation.js';
import { describe, OperationError, RequestError } from './errors.js';
import { everywhereProblems, provenEverywhere, writeEverywhere } from './everywhere.js';
import {
  announce,
  type InvocationLimits,
  iso,
  nowSeconds,
  propagationProblem,
  resolveUser,
  type RevocationContext,
  wrapStore,
  type WriteDeps,
} from './context.js';
import { readBack, readBackProblem } from './read-back.js';
import { actorName, actorReason, type RevokeUserInput } from './requests.js';
import type { FailedResult, RevokeUserResult } from './results.js';
import { runOperation } from './run.js';

export type RevokeUserDeps = WriteDeps | 'directory' | 'inventory';

function requestError(input: RevokeUserInput, now: number): string | undefined {
  const subject = input.subject as { user?: unknown; sub?: unknown };
  if ((subject.user === undefined) === (subject.sub === undefined))
    return 'give exactly one of "user" or "sub"';
  if (subject.sub !== undefined && !/^[0-9a-f-]{36}$/i.test(String(subject.sub)))
    return '"sub" must be a UUID';
  if (input.asOf !== undefined) {
    if (!Number.isInteger(input.asOf) || input.asOf < 0) return '"notBefore" must be epoch seconds';
    if (input.asOf > now + 60) return '"notBefore" is in the future';
  }
  if (!['call', 'done', 'gone'].includes(input.evidence.cognitoSignOut))
    return '"cognitoSignOut" must be call, done or gone';
  if (input.actor.kind !== 'sweep' && (!actorName(input.actor) || !input.actor.reason))
    return '"actor" and "reason" are required';
  if (!input.actor.reason) return '"reason" is required';
  return undefined;
}

/** The user of a `revokeUser` request: by username/sub, or by sub only (then possibly gone). */
async function userFor(
  ctx: RevocationContext<'directory'>,
  input: RevokeUserInput,
  signal: AbortSignal,
): Promise<{ username?: string; sub: string; exists: boolean }> {
  if ('user' in input.subject) {
    const found = await resolveUser(ctx, input.subject.user, signal);
    return { username: found.username, sub: found.sub, exists: true };
  }
  const { sub } = input.subject;
  const { directory } = ctx.deps;
  let found: Awaited<ReturnType<typeof directory.resolve>>;
  try {
    found = directory.findBySub
      ? await directory.findBySub(sub, { signal })
      : await directory.resolve(sub, { signal });
  } catch (error) {
    if (error instanceof DirectoryError && error.kind === 'ambiguous')
      throw new OperationError('ambiguous_user', `nothing done: ${error.message}`);
    throw new OperationError('directory_error', `could not look up sub ${sub}: ${describe(error)}`);
  }
  if (found && found.sub !== sub)
    throw new OperationError('ambiguous_user', `nothing done: sub ${sub} resolved to another user`);
  return found ? { username: found.username, sub, exists: true } : { sub, exists: false };
}

async function revokeUserOnce(
  ctx: RevocationContext<RevokeUserDeps>,
  input: RevokeUserInput,
  signal: AbortSignal,
): Promise<RevokeUserResult> {
  const now = nowSeconds(ctx);
  const invalid = requestError(input, now);
  if (invalid) throw new RequestError(invalid);
  const user = await userFor(ctx, input, signal);
  const actor = actorName(input.actor);
  const reason = actorReason(input.actor);
  const notBefore = input.asOf ?? now;
  const { cognitoSignOut: mode, unlessRevokedSince } = input.evidence;
  if (unlessRevokedSince !== undefined) {
    const entries = await wrapStore(() => ctx.deps.reader.readUser(user.sub, { signal }));
    const covering = entries.find(
      (e) =>
        e.scope === 'user' &&
        isLive(e, now) &&
        (e.notBefore ?? Number.NEGATIVE_INFINITY) >= unlessRevokedSince,
    );
    if (covering)
      return {
        ok: true,
        operation: 'revokeUser',
        user,
        actor,
        reason,
        skipped: `already revoked since ${iso(covering.notBefore as number)} (asked: since ${iso(unlessRevokedSince)})`,
      };
  }
  // 1. Cognito first (refresh tokens), as signOutUser does.
  let cognitoSignOut: RevokeUserResult['cognitoSignOut'];
  // When the refresh tokens are known dead: this call's sign-out, or (user gone) this lookup at the latest.
  let signedOutAt: number | undefined;
  if (!user.exists || mode === 'gone') {
    cognitoSignOut = { done: true, by: 'the deletion' };
    signedOutAt = Math.ceil(ctx.clock() / 1000);
  } else if (mode === 'done') cognitoSignOut = { done: true, by: 'the recorded call' };
  else {
    try {
      await ctx.deps.directory.globalSignOut(user.username as string, { signal });
      signedOutAt = Math.ceil(ctx.clock() / 1000);
      cognitoSignOut = { done: true, by: 'this call' };
    } catch (error) {
      ctx.metrics.add('cognito_signout_failed', 1);
      cognitoSignOut = { done: false, error: describe(error) };
    }
  }
  // 2. Watermark and sessions, at the moment the refresh tokens died (core/horizon.ts): an event handled late
  // leaves a window in which a refresh minted tokens the watermark must revoke and the entry must outlive.
  const watermarkAt = eventWatermark(mode, notBefore, cognitoSignOut.done ? signedOutAt : undefined);
  const writes = await writeEverywhere(
    ctx,
    user.sub,
    watermarkAt,
    { revoked: cognitoSignOut.done, diedAt: watermarkAt },
    { actor, reason },
    signal,
  );
  // 3. Propagation once; 4. the read-back decides.
  const report = await announce(ctx, user.sub, signal);
  const outcome = await readBack(ctx, user.sub, writes.proofs);
  const { watermark, sessions } = provenEverywhere(writes, outcome, outcome.proven);
  const missing = everywhereProblems(watermark, sessions);
  if (!cognitoSignOut.done)
    missing.unshift(
      `Cognito's global sign-out did not happen (${cognitoSignOut.error}); refresh tokens stay valid at Cognito, the watermark outlives them`,
    );
  const unproven = readBackProblem(outcome.report);
  if (unproven) missing.push(unproven);
  const propagationError = propagationProblem(report);
  if (propagationError) missing.push(propagationError);
  return {
    ok: missing.length === 0,
    operation: 'revokeUser',
    user,
    actor,
    reason,
    cognitoSignOut,
    watermark,
    sessions,
    propagation: report,
    readBack: outcome.report,
    ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
  };
}

/** Never throws: a failure is a `{ ok: false }` result. */
export function revokeUser(
  ctx: RevocationContext<RevokeUserDeps>,
  input: RevokeUserInput,
  limits: InvocationLimits = {},
): Promise<RevokeUserResult | FailedResult> {
  const requested = 'user' in input.subject ? input.subject.user : input.subject.sub;
  return runOperation(
    ctx,
    {
      operation: 'revokeUser',
      actor: actorName(input.actor),
      reason: actorReason(input.actor),
      user: { requested },
      limits,
    },
    (signal) => revokeUserOnce(ctx, input, signal),
  );
}
