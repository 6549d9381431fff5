/** List a user's recorded sessions with their state (admin view), and Cognito's own sessions when tracked. */
import { isLive } from '../core/revocation.js';
import type { SessionRecord, SessionState } from '../core/session.js';
import { entriesWithAudit } from './audit-view.js';
import { describe } from './errors.js';
import {
  type InvocationLimits,
  nowSeconds,
  resolveUser,
  type RevocationContext,
  wrapStore,
} from './context.js';
import type { ListSessionsInput } from './requests.js';
import type { CognitoSessionsView, FailedResult, ListSessionsResult, SessionView } from './results.js';
import { runOperation } from './run.js';

export type ListSessionsDeps = 'reader' | 'audit' | 'inventory' | 'directory' | 'cognitoSessions';

export function listSessions(
  ctx: RevocationContext<ListSessionsDeps>,
  input: ListSessionsInput,
  limits: InvocationLimits = {},
): Promise<ListSessionsResult | FailedResult> {
  return runOperation(
    ctx,
    { operation: 'listSessions', user: { requested: input.subject.user }, limits },
    async (signal) => {
      const user = await resolveUser(ctx, input.subject.user, signal);
      const now = nowSeconds(ctx);
      const records = await wrapStore(() => ctx.deps.inventory.listByUser(user.sub, { signal }));
      const live = (await entriesWithAudit(ctx, user.sub, signal)).filter((e) => isLive(e, now));
      const watermark = live.find((e) => e.scope === 'user' && e.id === user.sub);
      const bySession = new Map(live.filter((e) => e.scope === 'session').map((e) => [e.id, e]));
      const counts: Record<SessionState, number> = { active: 0, revoked: 0, expired: 0 };
      const sessions = records
        .map((s: SessionRecord): SessionView => {
          const base = {
            sessionId: s.sessionId,
            clientId: s.clientId,
            triggerSource: s.triggerSource,
            issuedAt: s.issuedAt,
            expiresAt: s.expiresAt,
          };
          if (s.expiresAt <= now) return { ...base, state: 'expired' };
          const own = bySession.get(s.sessionId);
          if (own)
            return {
              ...base,
              state: 'revoked',
              revokedBy: 'session',
              revokedAt: own.revokedAt,
              actor: own.actor ?? s.actor,
              reason: own.reason ?? s.reason,
            } as SessionView;
          if (watermark && (typeof watermark.notBefore !== 'number' || s.issuedAt <= watermark.notBefore))
            return {
              ...base,
              state: 'revoked',
              revokedBy: 'user',
              revokedAt: s.revokedAt ?? watermark.revokedAt,
              actor: s.actor ?? watermark.actor,
              reason: s.reason ?? watermark.reason,
            } as SessionView;
          return { ...base, state: 'active' };
        })
        .sort((a, b) => b.issuedAt - a.issuedAt);
      for (const s of sessions) counts[s.state]++;
      const result: ListSessionsResult = {
        ok: true,
        operation: 'listSessions',
        user: { username: user.username, sub: user.sub },
        ...(watermark
          ? {
              watermark: {
                notBefore: watermark.notBefore ?? 0,
                expiresAt: watermark.expiresAt,
                actor: watermark.actor,
                reason: watermark.reason,
              } as NonNullable<ListSessionsResult['watermark']>,
            }
          : {}),
        counts,
        sessions,
      };
      if (!ctx.deps.cognitoSessions) return result;
      let cognitoSessions: CognitoSessionsView;
      try {
        cognitoSessions = {
          tracked: true,
          sessions: await ctx.deps.cognitoSessions.list(user.username, { signal }),
        };
      } catch (error) {
        cognitoSessions = { tracked: false, reason: describe(error) };
      }
      return { ...result, cognitoSessions };
    },
  );
}
