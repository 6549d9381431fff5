/**
 * Revoke one of Cognito's own sessions (`tkn…`/`sso…`, admin): Cognito's AdminRevokeUserSession, plus a session
 * entry for each of our recorded issuances attributed to it (same app client, issued between the session's creation
 * and its last activity, ±5 s) so the API refuses their ID/access tokens too. An id Cognito does not list for the
 * user matches nothing: `matched: false`, `ok: false`, nothing asked of Cognito, nothing written.
 */
import type { CognitoSession } from '../core/directory.js';
import { sessionRevocationExpiry } from '../core/lifetime.js';
import type { RevocationEntry } from '../core/revocation.js';
import { describe, OperationError } from './errors.js';
import {
  announce,
  type InvocationLimits,
  nowSeconds,
  propagationProblem,
  resolveUser,
  type RevocationContext,
  wrapStore,
  type WriteDeps,
} from './context.js';
import { readBack, readBackProblem } from './read-back.js';
import { actorName, type RevokeCognitoSessionInput } from './requests.js';
import type { CognitoSessionRevokeResult, FailedResult, UnmatchedSessionResult } from './results.js';
import { runOperation } from './run.js';

export type CognitoSessionDeps = WriteDeps | 'directory' | 'inventory' | 'cognitoSessions';

/** Seconds of slack around a Cognito session's creation / last activity when matching our recorded issuances. */
const COGNITO_SESSION_MATCH_SLACK_SECONDS = 5;

export function revokeCognitoSession(
  ctx: RevocationContext<CognitoSessionDeps>,
  input: RevokeCognitoSessionInput,
  limits: InvocationLimits = {},
): Promise<CognitoSessionRevokeResult | UnmatchedSessionResult | FailedResult> {
  const actor = actorName(input.actor);
  const { reason } = input.actor;
  const { cognitoSessionId } = input.evidence;
  return runOperation(
    ctx,
    { operation: 'revokeCognitoSession', actor, reason, user: { requested: input.subject.user }, limits },
    async (signal) => {
      const sessionsApi = ctx.deps.cognitoSessions;
      if (!sessionsApi)
        throw new OperationError(
          'configuration',
          'Cognito session management is not enabled for this function',
        );
      const user = await resolveUser(ctx, input.subject.user, signal);
      const userRef = { username: user.username, sub: user.sub };
      // 1. Which of our recorded issuances belong to that session: read Cognito's view before revoking it (a revoked
      //    session is no longer listed).
      let described: CognitoSession | undefined;
      try {
        described = (await sessionsApi.list(user.username, { signal })).find(
          (s) => s.sessionId === cognitoSessionId,
        );
      } catch (error) {
        throw new OperationError(
          'directory_error',
          `could not list the user's Cognito sessions: ${describe(error)}`,
        );
      }
      if (!described)
        return {
          ok: false,
          operation: 'revokeCognitoSession',
          user: userRef,
          id: cognitoSessionId,
          matched: false,
          written: false,
          error: {
            code: 'session_not_found',
            message: `no active Cognito session ${cognitoSessionId} for user "${user.username}": nothing done`,
          },
        };
      // 2. Cognito revokes the session's refresh and access tokens (for Cognito's own APIs).
      let cognito: CognitoSessionRevokeResult['cognito'];
      try {
        await sessionsApi.revoke(user.username, cognitoSessionId, { signal });
        cognito = { done: true };
      } catch (error) {
        cognito = { done: false, error: describe(error) };
      }
      const revokedAt = nowSeconds(ctx);
      const from = (described.createdAt ?? 0) - COGNITO_SESSION_MATCH_SLACK_SECONDS;
      const to = (described.lastActiveAt ?? revokedAt) + COGNITO_SESSION_MATCH_SLACK_SECONDS;
      const records = await wrapStore(() => ctx.deps.inventory.listByUser(user.sub, { signal }));
      const matched = records.filter(
        (s) =>
          s.expiresAt > revokedAt &&
          (described?.clientId === undefined || s.clientId === described.clientId) &&
          s.issuedAt >= from &&
          s.issuedAt <= to,
      );
      const entries = matched.map(
        (s): RevocationEntry => ({
          sub: user.sub,
          scope: 'session',
          id: s.sessionId,
          revokedAt,
          expiresAt: sessionRevocationExpiry(revokedAt, ctx.deps.policy, s.expiresAt),
          actor,
          reason,
        }),
      );
      let writeError: string | undefined;
      let returnedUnwritten = entries.length;
      if (entries.length)
        try {
          returnedUnwritten = (await ctx.deps.writer.revoke(entries, { signal })).unwritten.length;
        } catch (error) {
          writeError = describe(error);
        }
      const report = entries.length > returnedUnwritten ? await announce(ctx, user.sub, signal) : undefined;
      const proofs = matched.map((s) => ({
        label: `session ${s.sessionId}`,
        token: {
          sub: user.sub,
          sessionId: s.sessionId,
          issuedAt: s.issuedAt,
          authTime: revokedAt + 1,
          expiresAt: s.expiresAt - 1,
        },
      }));
      const outcome = proofs.length ? await readBack(ctx, user.sub, proofs) : undefined;
      const unwritten = matched
        .filter((_, i) => outcome?.proven[i] !== true)
        .map((s) => ({ sub: user.sub, scope: 'session' as const, id: s.sessionId }));
      const missing: string[] = [];
      if (!cognito.done) missing.push(`Cognito did not revoke the session (${cognito.error})`);
      if (matched.length === 0)
        missing.push(
          'no recorded issuance matched the session (token trigger not attached, or the session predates it): its ID/access tokens stay valid at the API until they expire; sign the user out everywhere to be sure',
        );
      if (writeError) missing.push(`session revocations not written: ${writeError}`);
      if (unwritten.length)
        missing.push(`${unwritten.length} of ${entries.length} session revocations were not written`);
      const unproven = readBackProblem(outcome?.report);
      if (unproven) missing.push(unproven);
      const propagationError = propagationProblem(report);
      if (propagationError) missing.push(propagationError);
      return {
        ok: missing.length === 0,
        operation: 'revokeCognitoSession',
        user: userRef,
        cognitoSessionId,
        actor,
        reason,
        cognito,
        matched: matched.map((s) => ({ sessionId: s.sessionId, issuedAt: s.issuedAt })),
        unwritten,
        ...(report ? { propagation: report } : {}),
        ...(outcome ? { readBack: outcome.report } : {}),
        ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
      };
    },
  );
}
