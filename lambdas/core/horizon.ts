/**
 * The event-time rule for a user watermark written from a recorded event (a CloudTrail record of a Cognito call,
 * delivered late, redelivered or replayed from a dead-letter queue). Pure: no clock, no AWS.
 *
 * Two instants matter, and they are not the same when the event is processed late:
 * - the WATERMARK (`notBefore`) is the event's own time: every token authenticated at or before it is revoked
 *   (the authorizer compares `min(auth_time, iat)`, and a refresh keeps the original `auth_time`). It stays the
 *   event's time, so a sign-in made after the event (with the new password, say) is not revoked, and a redelivered
 *   event names the same watermark.
 * - the HORIZON is when the user's refresh tokens actually stopped working. Until then a session authenticated
 *   before the event can still be refreshed, and each refresh yields a token that lives one token lifetime from its
 *   `iat`. So the entry must live one token lifetime (plus skew) past the horizon, not past the event.
 *   When Cognito itself ended the refresh tokens at the event (a recorded global sign-out, a deleted user), the
 *   horizon is the event's time; when this function signs the user out (a password reset, a group removal…), it is
 *   the moment that sign-out returned — the later of the two, since a sign-out cannot take effect before the event
 *   it answers. When no sign-out happened, the refresh tokens live out their own lifetime from the watermark.
 */
import type { LifetimePolicy } from './lifetime.js';

/** How far ahead of this function's clock an event's time may be and still be taken as it is (seconds). */
export const MAX_EVENT_AHEAD_SECONDS = 60;

export interface WatermarkPlan {
  /** Tokens authenticated at or before this instant are revoked. */
  readonly notBefore: number;
  /** When the refresh tokens of sessions authenticated by `notBefore` stopped working (at the latest). */
  readonly horizon: number;
  /** The entry's expiry: a token issued at the horizon is accepted up to `horizon + lifetime`; plus skew. */
  readonly expiresAt: number;
}

export interface WatermarkInput {
  /** The watermark: the event's time, or now for a revocation made now. */
  readonly notBefore: number;
  /**
   * When Cognito stopped accepting the refresh tokens: the event's time for a recorded sign-out or deletion, the
   * return of this function's own `AdminUserGlobalSignOut`; `undefined` when no sign-out happened (failed).
   */
  readonly refreshTokensRevokedAt?: number | undefined;
}

/** The watermark, its horizon and its expiry (see the file comment). */
export function watermarkPlan(input: WatermarkInput, policy: LifetimePolicy): WatermarkPlan {
  const { notBefore, refreshTokensRevokedAt } = input;
  // Without a sign-out, a refresh token issued by the watermark keeps minting tokens until it expires itself.
  const horizon =
    refreshTokensRevokedAt === undefined
      ? notBefore + policy.refreshTokenLifetimeSeconds
      : Math.max(notBefore, refreshTokensRevokedAt);
  return { notBefore, horizon, expiresAt: horizon + policy.tokenLifetimeSeconds + policy.clockSkewSeconds };
}

/** How the recorded call left Cognito's refresh tokens (auto-revocation/events.ts says which call is which). */
export type SignOutMode = 'call' | 'done' | 'gone';

/**
 * When the refresh tokens died, for the watermark plan.
 * - `done` (the event was a global sign-out) and `gone` (the event deleted the user): at the event.
 * - `call`: at `signedOutAt`, the instant this function's own sign-out returned; `undefined` when it failed. A user
 *   that no longer exists when this function looks was deleted at some instant up to now: `signedOutAt` is then
 *   the lookup's time, the latest that deletion can have happened.
 */
export function refreshTokensRevokedAt(
  mode: SignOutMode,
  eventTime: number,
  signedOutAt: number | undefined,
): number | undefined {
  return mode === 'call' ? signedOutAt : eventTime;
}

/**
 * For `done` and `gone` events only: true when every token the event could revoke has already expired (the refresh
 * tokens died at the event, so the last such token was issued by then). An entry written now would be expired at
 * once: there is nothing to revoke and nothing is written. A `call` event never qualifies: its horizon is the
 * sign-out this function is about to make.
 */
export function nothingLeftToRevoke(
  mode: SignOutMode,
  eventTime: number,
  nowSeconds: number,
  policy: LifetimePolicy,
): boolean {
  if (mode === 'call') return false;
  return watermarkPlan({ notBefore: eventTime, refreshTokensRevokedAt: eventTime }, policy).expiresAt <= nowSeconds;
}

export type EventTimeCheck =
  | { readonly kind: 'ok'; readonly notBefore: number }
  | { readonly kind: 'ahead'; readonly aheadSeconds: number };

/**
 * An event dated ahead of this function's clock. Up to `MAX_EVENT_AHEAD_SECONDS` it is taken at its own time: the
 * record's time comes from the Cognito endpoint's clock, the same clock that wrote the `auth_time` the watermark is
 * compared with, so moving the watermark back to this function's "now" would let through a token authenticated in
 * the gap just before the event. Further ahead, one of the clocks is wrong by more than a retry's delay: the event
 * is refused as retryable (Lambda retries it, then dead-letters it), never dropped.
 */
export function checkEventTime(eventTime: number, nowSeconds: number): EventTimeCheck {
  const ahead = eventTime - nowSeconds;
  return ahead > MAX_EVENT_AHEAD_SECONDS ? { kind: 'ahead', aheadSeconds: ahead } : { kind: 'ok', notBefore: eventTime };
}
