/**
 * Revoke one session (admin): by the session id the token trigger injected, or one refresh-token family by
 * `origin_jti`. A session id must name a recorded session of that user — a prefix, a typo or an id of another user
 * matches nothing, and reporting success for it would leave the real session active while the operator stops
 * looking. Unmatched: `matched: false`, `ok: false`, nothing written — unless `force` (an id read from a token whose
 * issuance was never recorded).
 */
import { originRevocationExpiry, sessionRevocationExpiry } from '../core/lifetime.js';
import type { RevocationEntry } from '../core/revocation.js';
import type { SessionRecord } from '../core/session.js';
import {
  type InvocationLimits,
  nowSeconds,
  resolveUser,
  type RevocationContext,
  wrapStore,
  type WriteDeps,
} from './context.js';
import { writeOneEntry } from './one-entry.js';
import type { Proof } from './read-back.js';
import { actorName, type RevokeSessionInput } from './requests.js';
import type { FailedResult, RevokeResult, UnmatchedSessionResult } from './results.js';
import { runOperation } from './run.js';

export type RevokeSessionDeps = WriteDeps | 'directory' | 'inventory';

export function revokeSession(
  ctx: RevocationContext<RevokeSessionDeps>,
  input: RevokeSessionInput,
  limits: InvocationLimits = {},
): Promise<RevokeResult | UnmatchedSessionResult | FailedResult> {
  const actor = actorName(input.actor);
  const { reason } = input.actor;
  return runOperation(
    ctx,
    { operation: 'revokeSession', actor, reason, user: { requested: input.subject.user }, limits },
    async (signal) => {
      const user = await resolveUser(ctx, input.subject.user, signal);
      const { policy } = ctx.deps;
      const revokedAt = nowSeconds(ctx);
      let entry: RevocationEntry;
      let proof: Proof;
      let matched: boolean | undefined;
      if ('sessionId' in input.evidence) {
        const id = input.evidence.sessionId;
        const records = await wrapStore(() => ctx.deps.inventory.listByUser(user.sub, { signal }));
        const record: SessionRecord | undefined = records.find((s) => s.sessionId === id);
        matched = record !== undefined;
        if (!record && !input.force)
          return {
            ok: false,
            operation: 'revokeSession',
            user: { username: user.username, sub: user.sub },
            id,
            matched: false,
            written: false,
            error: {
              code: 'session_not_found',
              message: `no recorded session "${id}" for user "${user.username}" (${records.length} recorded): nothing written. Give the full id from list-sessions, or force it for an id taken from a token whose issuance was never recorded`,
            },
          };
        entry = {
          sub: user.sub,
          scope: 'session',
          id,
          revokedAt,
          // With the record, until its own expiry; without (forced), a full token lifetime from now.
          expiresAt: sessionRevocationExpiry(revokedAt, policy, record?.expiresAt),
          actor,
          reason,
        };
        const issuedAt = record?.issuedAt ?? revokedAt;
        const expiresAt = record ? record.expiresAt - 1 : revokedAt + policy.tokenLifetimeSeconds;
        // A token of that session authenticated after any watermark: only the session entry can refuse it.
        proof = {
          label: `session ${id}`,
          token: { sub: user.sub, sessionId: id, issuedAt, authTime: revokedAt + 1, expiresAt },
        };
      } else {
        const id = input.evidence.originJti;
        // The refresh-token family is not revoked at Cognito by this call (that needs the refresh token itself).
        entry = {
          sub: user.sub,
          scope: 'origin',
          id,
          revokedAt,
          expiresAt: originRevocationExpiry(revokedAt, policy, { refreshTokensRevoked: false }),
          actor,
          reason,
        };
        const lastIssuance = revokedAt + policy.refreshTokenLifetimeSeconds;
        proof = {
          label: `refresh-token family ${id}`,
          token: {
            sub: user.sub,
            originJti: id,
            issuedAt: lastIssuance,
            authTime: revokedAt + 1,
            expiresAt: lastIssuance + policy.tokenLifetimeSeconds,
          },
        };
      }
      const outcome = await writeOneEntry(ctx, user, entry, proof, signal);
      return {
        ok: outcome.error === undefined,
        operation: 'revokeSession',
        user: { username: user.username, sub: user.sub },
        revocation: { scope: entry.scope, id: entry.id, expiresAt: entry.expiresAt },
        ...(matched !== undefined ? { matched } : {}),
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
