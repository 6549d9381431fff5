/**
 * The event-time rule for a user watermark written from a recorded event (a CloudTrail record of a Cognito call,
 * delivered late, redelivered or replayed from a dead-letter queue). Pure: no clock, no AWS.
 *
 * The HORIZON is when the user's refresh tokens actually stopped working. Until then a session authenticated before
 * the event can still be refreshed, and each refresh yields a token that lives one token lifetime from its `iat`.
 * - When Cognito itself ended the refresh tokens at the event (a recorded global sign-out, a deleted user), the
 *   horizon is the event's time (`eventTime`: "the date and time the request was completed", CloudTrail record
 *   contents).
 * - When this function signs the user out (a password reset, a group removal, a disabled user…), the refresh tokens
 *   die only when its `AdminUserGlobalSignOut` returns ("Amazon Cognito no longer accepts a signed-out user's
 *   refresh tokens in refresh requests", API reference): the horizon is that instant — the later of the two, since
 *   a sign-out cannot take effect before the event it answers. An event delivered 15 minutes late leaves 15
 *   minutes in which the refresh tokens still worked.
 * - When no sign-out happened (it failed), nothing died: the refresh tokens live out their own lifetime.
 *
 * The watermark is put AT the horizon: every token issued until the refresh tokens died is revoked, whichever way
 * it was obtained (a refresh keeps the old `auth_time`; a new sign-in in between does not) — the same "signed out
 * everywhere at the moment Cognito's sign-out returned" that an admin's sign-out writes, and what Cognito's sign-out
 * does to every refresh token anyway. The entry then lives one token lifetime (plus skew) past the horizon, so a
 * token issued at the horizon is refused until it expires (`userWatermarkExpiry` of the watermark).
 */
import { type LifetimePolicy, userWatermarkExpiry } from './lifetime.js';

/** How far ahead of this function's clock an event's time may be and still be taken as it is (seconds). */
export const MAX_EVENT_AHEAD_SECONDS = 60;

/** How the recorded call left Cognito's refresh tokens (auto-revocation/events.ts says which call is which). */
export type SignOutMode = 'call' | 'done' | 'gone';

/**
 * The watermark for an event at `eventTime` (see the file comment).
 * - `done` (the event was a global sign-out) and `gone` (the event deleted the user): the event's time.
 * - `call`: the later of the event's time and `signedOutAt`, the instant this function's own sign-out returned
 *   (for a user that no longer exists when this function looks: the lookup's time, the latest the deletion can
 *   have happened); the event's time when no sign-out happened (`signedOutAt` undefined).
 */
export function eventWatermark(
  mode: SignOutMode,
  eventTime: number,
  signedOutAt: number | undefined,
): number {
  return mode === 'call' && signedOutAt !== undefined ? Math.max(eventTime, signedOutAt) : eventTime;
}

export interface WatermarkPlan {
  /** Tokens authenticated or issued at or before this instant are revoked (`min(auth_time, iat) <= notBefore`). */
  readonly notBefore: number;
  /** When the refresh tokens of sessions authenticated by `notBefore` stopped working (at the latest). */
  readonly horizon: number;
  /** The entry's expiry: a token issued at the horizon is accepted up to `horizon + lifetime`; plus skew. */
  readonly expiresAt: number;
}

/** The watermark, its horizon and the entry's expiry for an event; `signedOutAt` as in `eventWatermark`. */
export function watermarkPlan(
  mode: SignOutMode,
  eventTime: number,
  signedOutAt: number | undefined,
  policy: LifetimePolicy,
): WatermarkPlan {
  const refreshTokensRevoked = mode !== 'call' || signedOutAt !== undefined;
  const notBefore = eventWatermark(mode, eventTime, signedOutAt);
  return {
    notBefore,
    // Without a sign-out, a refresh token issued by the watermark keeps minting tokens until it expires itself.
    horizon: refreshTokensRevoked ? notBefore : notBefore + policy.refreshTokenLifetimeSeconds,
    expiresAt: userWatermarkExpiry(notBefore, policy, { refreshTokensRevoked }),
  };
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
  return watermarkPlan(mode, eventTime, undefined, policy).expiresAt <= nowSeconds;
}

export type EventTimeCheck =
  | { readonly kind: 'ok'; readonly eventTime: number }
  | { readonly kind: 'ahead'; readonly aheadSeconds: number };

/**
 * An event dated ahead of this function's clock. Up to `MAX_EVENT_AHEAD_SECONDS` it is taken at its own time, not
 * moved back to this function's "now": the record's time comes from the Cognito endpoint's clock, the clock that
 * also wrote the `auth_time` the watermark is compared with, so an earlier watermark would let through a token
 * authenticated in the gap just before the event. (The operation accepts a watermark up to 60 s ahead.) Further
 * ahead, one of the clocks is wrong by more than a retry's delay: the event is refused as retryable (Lambda retries
 * it — this clock may have caught up by then — and then dead-letters it), never dropped.
 */
export function checkEventTime(eventTime: number, nowSeconds: number): EventTimeCheck {
  const ahead = eventTime - nowSeconds;
  return ahead > MAX_EVENT_AHEAD_SECONDS ? { kind: 'ahead', aheadSeconds: ahead } : { kind: 'ok', eventTime };
}
