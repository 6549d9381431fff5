/**
 * TTL invariant: over random token lifetimes, clocks and scopes, no revocation entry or session
 * record produced by `lambdas/core/lifetime.ts` expires while a token it covers could still be accepted.
 *
 * The model (times in integer milliseconds of true time; the authorizer's clock is the reference):
 * - Cognito, the token trigger, the admin writer and DynamoDB's TTL sweeper each read a clock offset from the
 *   authorizer's by at most `h`; the token trigger runs at most `latency` before Cognito mints the tokens.
 *   The policy's skew must cover them: `3h + latency + 1 s <= clockSkewSeconds` (the 1 s is second granularity).
 * - Every party rounds its clock down to the epoch second (as `Math.floor(Date.now() / 1000)` does).
 * - Cognito mints a token at `m` with `iat = floor(cognitoClock(m))`, `exp = iat + L`, `L <= tokenLifetimeSeconds`.
 * - The authorizer accepts a token while its clock `a` satisfies `a <= exp` (aws-jwt-verify, no grace) and counts an
 *   entry while `floor(a) < expiresAt` (`isLive`). DynamoDB may delete an entry once its own clock passes expiresAt.
 * - A refresh-token family mints tokens until the refresh token expires (<= refresh lifetime after sign-in), or,
 *   when Cognito revoked it, until the revocation; the writer reads its clock after Cognito's revocation returned.
 * The invariant is checked at the last instant each token is accepted (`a = exp`, the worst case) and at a random
 * instant between the revocation write and `exp`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LifetimePolicy,
  lifetimePolicy,
  LifetimePolicyError,
  originRevocationExpiry,
  sessionRecordExpiry,
  sessionRevocationExpiry,
  tokenRevocationExpiry,
  userWatermarkExpiry,
} from '../../lambdas/core/lifetime.js';
import { crossClockWindowSeconds } from '../../lambdas/revocation/everywhere.js';
import { decide, type RevocationEntry, SESSION_CLOCK_MARGIN_SECONDS } from '../../lambdas/core/revocation.js';
import { mintTimedSessionId } from '../../lambdas/core/session-id.js';
import type { TokenFacts } from '../../lambdas/core/token.js';
import { fuzz } from './support/fuzz.js';

const T0 = 1_800_000_000_000; // true time origin, ms
const SUB = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const seconds = (ms: number) => Math.floor(ms / 1000);

interface World {
  readonly policy: LifetimePolicy;
  /** Clock offsets (ms) relative to the authorizer: Cognito, token trigger, admin writer, TTL sweeper. */
  readonly cognito: number;
  readonly trigger: number;
  readonly writer: number;
  readonly sweeper: number;
  /** Trigger-to-mint latency, ms. */
  readonly latency: number;
}

const policyArb = fc
  .record({
    tokenLifetimeSeconds: fc.integer({ min: 300, max: 86_400 }),
    refreshTokenLifetimeSeconds: fc.integer({ min: 3600, max: 3650 * 86_400 }),
    clockSkewSeconds: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3600 })),
  })
  .map((p) => lifetimePolicy(p));

const worldArb: fc.Arbitrary<World> = policyArb.chain((policy) => {
  const budget = (policy.clockSkewSeconds - 1) * 1000;
  return fc
    .oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: Math.floor(budget / 3) }),
      fc.constant(Math.floor(budget / 3)),
    )
    .chain((h) => {
      const offset = fc.oneof(fc.integer({ min: -h, max: h }), fc.constantFrom(-h, h));
      return fc.record({
        policy: fc.constant(policy),
        cognito: offset,
        trigger: offset,
        writer: offset,
        sweeper: offset,
        latency: fc.oneof(fc.constant(budget - 3 * h), fc.integer({ min: 0, max: budget - 3 * h })),
      });
    });
});

/** Cognito mints a token at true time `m` (ms). */
function mint(world: World, m: number, lifetime: number, authTime?: number): TokenFacts {
  const iat = seconds(m + world.cognito);
  return {
    sub: SUB,
    issuedAt: iat,
    authTime: authTime ?? iat,
    expiresAt: iat + lifetime,
    jti: 'jti-1',
    originJti: 'origin-1',
    sessionId: 'sid-1',
  };
}

/**
 * Asserts the entry revokes the token at every checked instant it is still accepted after the write at `writtenAt`
 * (true ms), and that DynamoDB's sweeper has not deleted it by then. Returns how many instants were checked.
 */
function assertCovers(
  world: World,
  token: TokenFacts,
  entry: RevocationEntry,
  writtenAt: number,
  u: number,
): number {
  const last = token.expiresAt * 1000; // the last accepted instant: a <= exp
  if (last < writtenAt) return 0; // the token died before the revocation was written
  let checked = 0;
  for (const a of [last, writtenAt + Math.floor(u * (last - writtenAt))]) {
    expect(a / 1000 <= token.expiresAt).toBe(true); // accepted by the verifier's exp check
    const decision = decide(token, [entry], seconds(a));
    expect(decision.revoked, `entry expiring at ${entry.expiresAt} dead at ${a / 1000}`).toBe(true);
    // The sweeper deletes once its clock reaches expiresAt; it must not have at true time a.
    expect(seconds(a + world.sweeper) < entry.expiresAt, 'TTL sweeper deleted a needed entry').toBe(true);
    checked++;
  }
  return checked;
}

const lifetimeFor = (policy: LifetimePolicy) => fc.integer({ min: 1, max: policy.tokenLifetimeSeconds });
const unit = fc.double({ min: 0, max: 1, noNaN: true });

describe('TTL invariant: no entry expires while a token it covers could still be accepted', () => {
  it('token scope (jti), with and without the token exp known to the writer', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        worldArb.chain((w) =>
          fc.tuple(
            fc.constant(w),
            lifetimeFor(w.policy),
            fc.integer({ min: 0, max: 90_000_000 }),
            fc.boolean(),
            unit,
          ),
        ),
        ([world, lifetime, revokeAfterMs, expKnown, u]) => {
          // Arrange: minted at T0, revoked later (possibly after it expired)
          const token = mint(world, T0, lifetime);
          const writtenAt = T0 + revokeAfterMs;
          const now = seconds(writtenAt + world.writer);
          // Act
          const expiresAt = tokenRevocationExpiry(now, world.policy, expKnown ? token.expiresAt : undefined);
          // Assert
          checked += assertCovers(
            world,
            token,
            { sub: SUB, scope: 'token', id: 'jti-1', revokedAt: now, expiresAt },
            writtenAt,
            u,
          );
        },
      ),
      fuzz(3000),
    );
    expect(checked).toBeGreaterThan(1000);
  });

  it('issued session: the session record and its revocation entry', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        worldArb.chain((w) =>
          fc.tuple(
            fc.constant(w),
            lifetimeFor(w.policy),
            unit,
            fc.integer({ min: 0, max: 90_000_000 }),
            fc.boolean(),
            unit,
          ),
        ),
        ([world, lifetime, latencyShare, revokeAfterMs, recordFound, u]) => {
          // Arrange: the trigger records the session at T0, Cognito mints up to `latency` later
          const issuedAt = seconds(T0 + world.trigger);
          const recordExpiresAt = sessionRecordExpiry(issuedAt, world.policy);
          const mintedAt = T0 + Math.floor(latencyShare * world.latency);
          const token = mint(world, mintedAt, lifetime);
          // The record must outlive the token: for the authorizer's clock, the admin's and the sweeper's.
          const last = token.expiresAt * 1000;
          expect(seconds(last) < recordExpiresAt).toBe(true);
          expect(seconds(last + world.writer) < recordExpiresAt).toBe(true);
          expect(seconds(last + world.sweeper) < recordExpiresAt).toBe(true);
          // Act: the admin revokes the session (it knows the id once the record exists, maybe before the mint)
          const writtenAt = T0 + revokeAfterMs;
          const now = seconds(writtenAt + world.writer);
          const expiresAt = sessionRevocationExpiry(
            now,
            world.policy,
            recordFound ? recordExpiresAt : undefined,
          );
          // Assert
          checked += assertCovers(
            world,
            token,
            { sub: SUB, scope: 'session', id: 'sid-1', revokedAt: now, expiresAt },
            writtenAt,
            u,
          );
        },
      ),
      fuzz(3000),
    );
    expect(checked).toBeGreaterThan(1000);
  });

  it('user watermark, refresh tokens revoked by Cognito or not', () => {
    let checked = 0;
    let uncovered = 0;
    fc.assert(
      fc.property(
        worldArb.chain((w) =>
          fc.tuple(
            fc.constant(w),
            lifetimeFor(w.policy),
            fc.integer({ min: 3600, max: w.policy.refreshTokenLifetimeSeconds }),
            fc.boolean(),
            unit,
            unit,
            unit,
          ),
        ),
        ([world, lifetime, refreshLifetime, refreshRevoked, signoutShare, mintShare, u]) => {
          // Arrange: sign-in at T0 (auth_time), sign-out somewhere within the refresh token's life
          const signInAt = T0;
          const authTime = seconds(signInAt + world.cognito);
          const refreshEnd = signInAt + refreshLifetime * 1000;
          const signOutAt = signInAt + Math.floor(signoutShare * (refreshEnd - signInAt));
          // Tokens are minted by refreshes until the refresh token dies, or until Cognito revoked it.
          const lastMint = refreshRevoked ? signOutAt : refreshEnd;
          const token = mint(
            world,
            signInAt + Math.floor(mintShare * (lastMint - signInAt)),
            lifetime,
            authTime,
          );
          const notBefore = seconds(signOutAt + world.writer);
          // Act
          const expiresAt = userWatermarkExpiry(notBefore, world.policy, {
            refreshTokensRevoked: refreshRevoked,
          });
          const entry: RevocationEntry = {
            sub: SUB,
            scope: 'user',
            id: SUB,
            notBefore,
            revokedAt: notBefore,
            expiresAt,
          };
          // Assert: only tokens the watermark covers (authenticated at or before it) are its business
          if (Math.min(token.authTime!, token.issuedAt) > notBefore) {
            uncovered++;
            return;
          }
          checked += assertCovers(world, token, entry, signOutAt, u);
        },
      ),
      fuzz(3000),
    );
    expect(checked).toBeGreaterThan(1000);
    // Covered or not is decided by clocks only when sign-in and sign-out fall within the skew of each other.
    expect(uncovered).toBeLessThan(checked);
  });

  it('refresh-token family (origin_jti), refresh token revoked by Cognito or not', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        worldArb.chain((w) =>
          fc.tuple(
            fc.constant(w),
            lifetimeFor(w.policy),
            fc.integer({ min: 3600, max: w.policy.refreshTokenLifetimeSeconds }),
            fc.boolean(),
            unit,
            unit,
            unit,
          ),
        ),
        ([world, lifetime, refreshLifetime, refreshRevoked, revokeShare, mintShare, u]) => {
          // Arrange: the family starts at T0; it is revoked while its refresh token lives
          const refreshEnd = T0 + refreshLifetime * 1000;
          const revokedAt = T0 + Math.floor(revokeShare * (refreshEnd - T0));
          const lastMint = refreshRevoked ? revokedAt : refreshEnd;
          const token = mint(
            world,
            T0 + Math.floor(mintShare * (lastMint - T0)),
            lifetime,
            seconds(T0 + world.cognito),
          );
          const now = seconds(revokedAt + world.writer);
          // Act
          const expiresAt = originRevocationExpiry(now, world.policy, {
            refreshTokensRevoked: refreshRevoked,
          });
          // Assert
          checked += assertCovers(
            world,
            token,
            { sub: SUB, scope: 'origin', id: 'origin-1', revokedAt: now, expiresAt },
            revokedAt,
            u,
          );
        },
      ),
      fuzz(3000),
    );
    expect(checked).toBeGreaterThan(1000);
  });

  it('signout: every listed session whose tokens the watermark misses (Cognito ahead) is in the cross-clock window, and its explicit entry covers them', () => {
    let checked = 0;
    let missed = 0;
    fc.assert(
      fc.property(
        worldArb.chain((w) =>
          fc.tuple(
            fc.constant(w),
            lifetimeFor(w.policy),
            unit,
            fc.integer({
              min: -2 * (w.policy.clockSkewSeconds + 10) * 1000,
              max: 2 * (w.policy.clockSkewSeconds + 10) * 1000,
            }),
            unit,
          ),
        ),
        ([world, lifetime, latencyShare, signoutAfterMs, u]) => {
          // Arrange: the trigger records a session at T0, Cognito mints up to `latency` later; the signout writes
          // its watermark around then (before or after, within twice the window).
          const issuedAt = seconds(T0 + world.trigger);
          const recordExpiresAt = sessionRecordExpiry(issuedAt, world.policy);
          const mintedAt = T0 + Math.floor(latencyShare * world.latency);
          const token = mint(world, mintedAt, lifetime);
          const signOutAt = T0 + signoutAfterMs;
          const notBefore = seconds(signOutAt + world.writer);
          const watermark: RevocationEntry = {
            sub: SUB,
            scope: 'user',
            id: SUB,
            notBefore,
            revokedAt: notBefore,
            expiresAt: userWatermarkExpiry(notBefore, world.policy, { refreshTokensRevoked: true }),
          };
          // The signout lists the records issued by the watermark (`issuedAt <= notBefore`) as outstanding.
          if (issuedAt > notBefore || mintedAt > signOutAt) return; // a session begun after the signout
          if (decide(token, [watermark], seconds(Math.max(mintedAt, signOutAt))).revoked) return;
          missed++;
          // Assert: the watermark misses this token only if the record falls in the window…
          expect(issuedAt >= notBefore - crossClockWindowSeconds(world.policy)).toBe(true);
          // …and the explicit entry written for it lives as long as the token.
          const now = seconds(signOutAt + world.writer);
          const entry: RevocationEntry = {
            sub: SUB,
            scope: 'session',
            id: 'sid-1',
            revokedAt: now,
            expiresAt: sessionRevocationExpiry(now, world.policy, recordExpiresAt),
          };
          checked += assertCovers(world, token, entry, signOutAt, u);
        },
      ),
      fuzz(4000),
    );
    // The case is real: Cognito's clock ahead of the writer's makes the watermark miss fresh tokens.
    expect(missed).toBeGreaterThan(20);
    expect(checked).toBeGreaterThan(20);
  });

  it('signout with time-ordered session ids: no token issued before the signout is accepted after it, with no per-session entry', () => {
    let checked = 0;
    let savedByTime = 0;
    fc.assert(
      fc.property(
        worldArb.chain((w) =>
          fc.tuple(
            fc.constant(w),
            lifetimeFor(w.policy),
            unit,
            fc.integer({ min: 0, max: 2 * (w.policy.clockSkewSeconds + 10) * 1000 }),
            // The admin function's clock against the trigger's: both Lambda clocks, apart by at most the margin.
            fc.oneof(
              fc.integer({
                min: -SESSION_CLOCK_MARGIN_SECONDS * 1000,
                max: SESSION_CLOCK_MARGIN_SECONDS * 1000,
              }),
              fc.constantFrom(-SESSION_CLOCK_MARGIN_SECONDS * 1000, SESSION_CLOCK_MARGIN_SECONDS * 1000),
            ),
            fc.boolean(),
            unit,
          ),
        ),
        ([world, lifetime, latencyShare, signoutAfterMs, lambdaSync, refreshed, u]) => {
          // Arrange: the trigger runs at T0 by its clock and puts that reading in the session id; Cognito mints up
          // to `latency` later by its own clock (possibly after the signout began); the signout writes its
          // watermark at or after T0 by the admin function's clock, and writes NO per-session entry.
          const triggerMs = T0 + world.trigger;
          const token: TokenFacts = {
            ...mint(world, T0 + Math.floor(latencyShare * world.latency), lifetime),
            // A refresh keeps the first sign-in's auth_time; a fresh sign-in has auth_time = iat.
            ...(refreshed ? { authTime: seconds(T0 + world.cognito) - lifetime } : {}),
            sessionId: mintTimedSessionId(triggerMs),
          };
          const signOutAt = T0 + signoutAfterMs;
          const notBefore = seconds(signOutAt + world.trigger + lambdaSync);
          const watermark: RevocationEntry = {
            sub: SUB,
            scope: 'user',
            id: SUB,
            notBefore,
            revokedAt: notBefore,
            expiresAt: userWatermarkExpiry(notBefore, world.policy, { refreshTokensRevoked: true }),
          };
          // Assert: the watermark alone revokes the token for as long as it is accepted
          if (Math.min(token.authTime ?? token.issuedAt, token.issuedAt) > notBefore) savedByTime++;
          const last = token.expiresAt * 1000;
          const from = Math.max(signOutAt, T0 + Math.floor(latencyShare * world.latency));
          if (last < from) return;
          for (const a of [last, from + Math.floor(u * (last - from))]) {
            expect(decide(token, [watermark], seconds(a)).revoked, `at ${a}`).toBe(true);
            expect(
              seconds(a + world.sweeper) < watermark.expiresAt,
              'TTL sweeper deleted the watermark',
            ).toBe(true);
            checked++;
          }
        },
      ),
      fuzz(4000),
    );
    expect(checked).toBeGreaterThan(1000);
    // The case the per-session entries used to cover: Cognito's clock ahead, the watermark misses by `iat`.
    expect(savedByTime).toBeGreaterThan(20);
  });

  it('a skew of 0 s cannot keep the invariant (a token is accepted at the instant a = exp), so the policy refuses it', () => {
    // Arrange: perfectly synchronised clocks, no margin
    const token: TokenFacts = { sub: SUB, issuedAt: 1_800_000_000, expiresAt: 1_800_003_600, jti: 'jti-1' };
    const unguarded = { tokenLifetimeSeconds: 3600, refreshTokenLifetimeSeconds: 3600, clockSkewSeconds: 0 };
    const expiresAt = tokenRevocationExpiry(1_800_000_100, unguarded, token.expiresAt);
    // Act: the last instant aws-jwt-verify still accepts the token (exp >= now)
    const decision = decide(
      token,
      [{ sub: SUB, scope: 'token', id: 'jti-1', revokedAt: 0, expiresAt }],
      token.expiresAt,
    );
    // Assert
    expect(decision.revoked).toBe(false);
    expect(() => lifetimePolicy(unguarded)).toThrow(LifetimePolicyError);
  });
});
