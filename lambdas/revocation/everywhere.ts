/**
 * The writes of "sign out everywhere" (signOutUser, revokeUser, logout everywhere), at the instant given (so an
 * event's redelivery writes identical entries), with `revokedAt = notBefore`:
 * - the user watermark at `notBefore`;
 * - the outstanding sessions, marked revoked in the inventory (the watermark revokes them at the authorizer), and
 *   an explicit `rev#session#` entry only for those issued within the cross-clock window before the watermark —
 *   the only ones whose tokens the watermark might miss if Cognito's clock is ahead. The partition the
 *   authorizer reads so stays small however many sessions the user had.
 * And what the read-back must prove for them (`proofs`), and the reports built from that read (`provenEverywhere`).
 */
import { type LifetimePolicy, sessionRevocationExpiry, userWatermarkExpiry } from '../core/lifetime.js';
import type { RevocationEntry, RevocationKey } from '../core/revocation.js';
import { sessionIssuedAtSeconds } from '../core/session-id.js';
import type { SessionRecord } from '../core/session.js';
import { describe } from './errors.js';
import { nowSeconds, type RevocationContext } from './context.js';
import type { Proof, ReadBackOutcome } from './read-back.js';
import type { SessionsReport, WatermarkReport } from './results.js';

/**
 * Seconds added to the clock skew for the cross-clock window of a signout: the token trigger records a session (its
 * `issuedAt`) before Cognito signs the tokens, within Cognito's 5 s trigger budget, and times are whole seconds.
 */
export const CROSS_CLOCK_MARGIN_SECONDS = 6;

/**
 * True when the watermark at `notBefore` revokes the session's tokens by their session id's issue time, whatever
 * their `iat`: the id is time-ordered and was minted at or before the watermark (the authorizer's rule,
 * `watermarkRevokes`, allows a further `SESSION_CLOCK_MARGIN_SECONDS`). Such a session needs no explicit entry.
 */
export function watermarkCoversSession(session: SessionRecord, notBefore: number): boolean {
  const at = sessionIssuedAtSeconds(session.sessionId);
  return at !== undefined && at <= notBefore;
}

/** How far before the watermark a session's record may have been issued and still need an explicit entry. */
export function crossClockWindowSeconds(policy: LifetimePolicy): number {
  return policy.clockSkewSeconds + CROSS_CLOCK_MARGIN_SECONDS;
}

/** What Cognito did to the user's refresh tokens, and when (they mint tokens with the old `auth_time` until then). */
export interface RefreshTokensState {
  readonly revoked: boolean;
  /** Epoch seconds at which they died (Cognito's sign-out returned, the event happened, the user was deleted). */
  readonly diedAt: number;
}

export interface EverywhereWrites {
  readonly watermark: RevocationEntry;
  readonly watermarkError?: string;
  readonly sessions: SessionsReport;
  readonly window: readonly SessionRecord[];
  /** The watermark proofs first (a token authenticated at it, one issued at the horizon), then one per window session. */
  readonly proofs: readonly Proof[];
}

/**
 * The tokens a watermark must refuse: one authenticated and issued at `notBefore`, and one authenticated then but
 * issued at the latest instant a surviving refresh token could mint it (the horizon the entry must cover).
 */
export function watermarkProofs(
  sub: string,
  notBefore: number,
  refresh: RefreshTokensState,
  policy: LifetimePolicy,
): Proof[] {
  const lastIssuance = refresh.revoked
    ? Math.max(notBefore, refresh.diedAt)
    : notBefore + policy.refreshTokenLifetimeSeconds;
  const token = (issuedAt: number) => ({
    sub,
    authTime: notBefore,
    issuedAt,
    expiresAt: issuedAt + policy.tokenLifetimeSeconds,
  });
  return [
    { label: 'the user watermark', token: token(notBefore) },
    { label: 'the user watermark, for a token refreshed at its horizon', token: token(lastIssuance) },
  ];
}

/** A token of a recorded session that the watermark does not cover (Cognito's clock ahead of ours). */
function windowProof(sub: string, notBefore: number, s: SessionRecord): Proof {
  return {
    label: `session ${s.sessionId}`,
    token: {
      sub,
      sessionId: s.sessionId,
      issuedAt: notBefore + 1,
      authTime: notBefore + 1,
      expiresAt: s.expiresAt - 1,
    },
  };
}

export async function writeEverywhere(
  ctx: RevocationContext<'writer' | 'inventory' | 'policy'>,
  sub: string,
  notBefore: number,
  refresh: RefreshTokensState,
  attribution: { actor: string; reason: string },
  signal: AbortSignal,
): Promise<EverywhereWrites> {
  const { policy, writer, inventory } = ctx.deps;
  const now = nowSeconds(ctx);
  const revokedAt = notBefore;
  const { actor, reason } = attribution;
  const watermark: RevocationEntry = {
    sub,
    scope: 'user',
    id: sub,
    notBefore,
    revokedAt,
    expiresAt: userWatermarkExpiry(notBefore, policy, { refreshTokensRevoked: refresh.revoked }),
    actor,
    reason,
  };
  let watermarkError: string | undefined;
  try {
    await writer.raiseWatermark(watermark, { signal });
  } catch (error) {
    watermarkError = describe(error);
  }
  let sessions: SessionsReport;
  let window: SessionRecord[] = [];
  try {
    const outstanding = (await inventory.listByUser(sub, { signal })).filter(
      (s) => s.expiresAt > now && s.issuedAt <= notBefore,
    );
    const windowStart = notBefore - crossClockWindowSeconds(policy);
    // Only sessions whose id carries no issue time need an explicit entry: the watermark revokes a time-ordered
    // session's tokens by that time (`watermarkCoversSession`), whatever Cognito's clock stamped on them.
    window = outstanding.filter((s) => s.issuedAt >= windowStart && !watermarkCoversSession(s, notBefore));
    const entries = window.map(
      (s): RevocationEntry => ({
        sub,
        scope: 'session',
        id: s.sessionId,
        revokedAt,
        expiresAt: sessionRevocationExpiry(revokedAt, policy, s.expiresAt),
        actor,
        reason,
      }),
    );
    const { unwritten } = entries.length
      ? await writer.revoke(entries, { signal })
      : { unwritten: [] as RevocationKey[] };
    // A record an earlier revocation already marked keeps that first mark.
    const unmarkable = outstanding.filter((s) => s.revokedAt === undefined);
    const { unwritten: unmarked } = unmarkable.length
      ? await inventory.markRevoked(unmarkable, { revokedAt, actor, reason }, { signal })
      : { unwritten: [] as string[] };
    sessions = {
      outstanding: outstanding.length,
      revoked: outstanding.length - unmarked.length,
      unmarked,
      window: window.length,
      unwritten,
    };
  } catch (error) {
    sessions = {
      outstanding: 0,
      revoked: 0,
      unmarked: [],
      window: 0,
      unwritten: [],
      error: `sessions not listed: ${describe(error)}`,
    };
  }
  ctx.metrics.add(
    'revocations_written',
    sessions.window - sessions.unwritten.length + (watermarkError ? 0 : 1),
  );
  ctx.metrics.add('revocations_unwritten', sessions.unwritten.length);
  const proofs = [
    ...watermarkProofs(sub, notBefore, refresh, policy),
    ...window.map((s) => windowProof(sub, notBefore, s)),
  ];
  return { watermark, ...(watermarkError ? { watermarkError } : {}), sessions, window, proofs };
}

/** The watermark and session reports as the read-back shows them (`proven`: this write's proofs, in order). */
export function provenEverywhere(
  writes: EverywhereWrites,
  outcome: ReadBackOutcome,
  proven: readonly boolean[],
): { watermark: WatermarkReport; sessions: SessionsReport } {
  const asked = writes.watermark;
  const now = outcome.report.readAt;
  const stored = outcome.entries.find((e) => e.scope === 'user' && e.id === asked.sub && now < e.expiresAt);
  // In force: a live stored watermark that refuses both proofs. An entry that expired before it could be read
  // (an event replayed after every token it revokes expired) revokes nothing and is not reported in force.
  const inForce = stored !== undefined && proven[0] === true && proven[1] === true;
  const watermark: WatermarkReport = {
    notBefore: asked.notBefore as number,
    written:
      stored !== undefined && stored.notBefore === asked.notBefore && stored.expiresAt === asked.expiresAt,
    inForce,
    ...(stored
      ? {
          stored: { notBefore: stored.notBefore ?? (asked.notBefore as number), expiresAt: stored.expiresAt },
        }
      : {}),
    ...(writes.watermarkError
      ? { error: writes.watermarkError }
      : !inForce
        ? {
            error: stored
              ? 'not in force at read-back'
              : 'no live watermark at read-back (expired or absent)',
          }
        : {}),
  };
  const unwritten: RevocationKey[] = writes.window
    .filter((_, i) => proven[2 + i] !== true)
    .map((s) => ({ sub: asked.sub, scope: 'session' as const, id: s.sessionId }));
  return { watermark, sessions: { ...writes.sessions, unwritten } };
}

export function everywhereProblems(watermark: WatermarkReport, sessions: SessionsReport): string[] {
  const missing: string[] = [];
  if (!watermark.inForce)
    missing.push(
      `the user watermark was not written or is not in force (${watermark.error ?? 'a stored watermark is earlier'})`,
    );
  if (sessions.error) missing.push(sessions.error);
  if (sessions.unwritten.length)
    missing.push(
      `${sessions.unwritten.length} of ${sessions.window} session revocations in the cross-clock window were not written or are not in force`,
    );
  if (sessions.unmarked.length)
    missing.push(
      `${sessions.unmarked.length} of ${sessions.outstanding} session records were not marked revoked (the watermark still revokes their tokens)`,
    );
  return missing;
}
