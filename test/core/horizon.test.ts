/**
 * The event-time rule (lambdas/core/horizon.ts), as properties over every policy Cognito allows and every delay:
 * the entry written for an event refuses every token issued until the refresh tokens died, until that token
 * expires, and nothing issued after.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkEventTime,
  eventWatermark,
  MAX_EVENT_AHEAD_SECONDS,
  nothingLeftToRevoke,
  type SignOutMode,
  watermarkPlan,
} from '../../lambdas/core/horizon.js';
import { lifetimePolicy, userWatermarkExpiry } from '../../lambdas/core/lifetime.js';
import { decide, type RevocationEntry } from '../../lambdas/core/revocation.js';
import type { TokenFacts } from '../../lambdas/core/token.js';
import { fuzz } from '../hardening/support/fuzz.js';

const SUB = '704b1e47-34fe-40e9-8c41-504997494531';
const T0 = 1_800_000_000;

const policies = fc
  .record({
    tokenLifetimeSeconds: fc.integer({ min: 300, max: 86_400 }),
    refreshTokenLifetimeSeconds: fc.integer({ min: 3600, max: 3650 * 86_400 }),
    clockSkewSeconds: fc.integer({ min: 1, max: 3600 }),
  })
  .map((p) => lifetimePolicy(p));
const modes = fc.constantFrom<SignOutMode>('call', 'done', 'gone');

function entryOf(plan: { notBefore: number; expiresAt: number }): RevocationEntry {
  return {
    sub: SUB,
    scope: 'user',
    id: SUB,
    notBefore: plan.notBefore,
    revokedAt: plan.notBefore,
    expiresAt: plan.expiresAt,
  };
}

/** A token with this `auth_time`, issued at `issuedAt`, living one token lifetime. */
function token(policy: { tokenLifetimeSeconds: number }, authTime: number, issuedAt: number): TokenFacts {
  return { sub: SUB, authTime, issuedAt, expiresAt: issuedAt + policy.tokenLifetimeSeconds };
}

describe('watermarkPlan', () => {
  it('every token issued until the refresh tokens died — refreshed or newly signed in — is refused until (and at) its expiry', () => {
    fc.assert(
      fc.property(
        policies,
        modes,
        fc.integer({ min: 0, max: 30 * 86_400 }), // how late this function's sign-out came
        fc.integer({ min: 0, max: 10 * 86_400 }), // how long before the event the session was authenticated
        fc.double({ min: 0, max: 1, noNaN: true }), // where between the event and the horizon it was issued
        fc.boolean(), // a refresh (old auth_time) or a sign-in at issuance
        (policy, mode, lateBy, authBefore, at, refreshed) => {
          const signedOutAt = T0 + lateBy;
          const plan = watermarkPlan(mode, T0, signedOutAt, policy);
          // The world, independently of the code under test: the refresh tokens died at the event when Cognito
          // ended them there, else when this function's sign-out returned.
          const diedAt = mode === 'call' ? signedOutAt : T0;
          const issuedAt = T0 + Math.floor((diedAt - T0) * at);
          const t = token(policy, refreshed ? T0 - authBefore : issuedAt, issuedAt);
          // Checked while the verifier still accepts the token (up to now == exp).
          for (const instant of [t.issuedAt, diedAt, t.expiresAt - 1, t.expiresAt].filter(
            (i) => i <= t.expiresAt,
          ))
            expect(decide(t, [entryOf(plan)], instant).revoked).toBe(true);
        },
      ),
      fuzz(2000),
    );
  });

  it('without a sign-out, a token refreshed at any time in the refresh lifetime is refused until its expiry', () => {
    fc.assert(
      fc.property(policies, fc.double({ min: 0, max: 1, noNaN: true }), (policy, at) => {
        const plan = watermarkPlan('call', T0, undefined, policy);
        const issuedAt = T0 + Math.floor(policy.refreshTokenLifetimeSeconds * at);
        const t = token(policy, T0 - 1, issuedAt);
        expect(plan.notBefore).toBe(T0);
        expect(decide(t, [entryOf(plan)], t.expiresAt).revoked).toBe(true);
      }),
      fuzz(500),
    );
  });

  it('a sign-in after the horizon is never refused by it', () => {
    fc.assert(
      fc.property(
        policies,
        modes,
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 1, max: 86_400 }),
        (policy, mode, lateBy, after) => {
          const plan = watermarkPlan(mode, T0, T0 + lateBy, policy);
          const t = token(policy, plan.notBefore + after, plan.notBefore + after);
          expect(decide(t, [entryOf(plan)], t.issuedAt).revoked).toBe(false);
        },
      ),
      fuzz(500),
    );
  });

  it('processed on time it is the rule counted from the event; late, never earlier nor shorter', () => {
    fc.assert(
      fc.property(
        policies,
        modes,
        fc.integer({ min: -3600, max: 86_400 }),
        fc.boolean(),
        (policy, mode, lateBy, signedOut) => {
          const signedOutAt = signedOut ? T0 + lateBy : undefined;
          const plan = watermarkPlan(mode, T0, signedOutAt, policy);
          const refresh = { refreshTokensRevoked: mode !== 'call' || signedOut };
          expect(plan.notBefore).toBe(eventWatermark(mode, T0, signedOutAt));
          expect(plan.notBefore).toBeGreaterThanOrEqual(T0);
          expect(plan.expiresAt).toBe(userWatermarkExpiry(plan.notBefore, policy, refresh));
          if (mode !== 'call' || !signedOut || lateBy <= 0) expect(plan.notBefore).toBe(T0);
        },
      ),
      fuzz(500),
    );
  });
});

describe('eventWatermark', () => {
  it('the event when Cognito ended the refresh tokens there; this function’s sign-out otherwise', () => {
    expect(eventWatermark('done', T0, T0 + 900)).toBe(T0);
    expect(eventWatermark('gone', T0, T0 + 900)).toBe(T0);
    expect(eventWatermark('call', T0, T0 + 900)).toBe(T0 + 900);
    expect(eventWatermark('call', T0, T0 - 5)).toBe(T0);
    expect(eventWatermark('call', T0, undefined)).toBe(T0);
  });
});

describe('nothingLeftToRevoke', () => {
  it('only when Cognito ended the refresh tokens at the event, and then every token issued by it has expired', () => {
    fc.assert(
      fc.property(policies, modes, fc.integer({ min: 0, max: 10 * 86_400 }), (policy, mode, age) => {
        const now = T0 + age;
        const nothing = nothingLeftToRevoke(mode, T0, now, policy);
        if (mode === 'call') expect(nothing).toBe(false);
        else expect(nothing).toBe(T0 + policy.tokenLifetimeSeconds + policy.clockSkewSeconds <= now);
        // The last token the event could revoke was issued at the event and is accepted up to its exp.
        if (nothing) expect(T0 + policy.tokenLifetimeSeconds).toBeLessThan(now);
      }),
      fuzz(500),
    );
  });
});

describe('checkEventTime', () => {
  it('taken at its own time up to the tolerance; beyond, refused as ahead (to be retried)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10 * 86_400, max: 86_400 }), (offset) => {
        const check = checkEventTime(T0 + offset, T0);
        if (offset <= MAX_EVENT_AHEAD_SECONDS) expect(check).toEqual({ kind: 'ok', eventTime: T0 + offset });
        else expect(check).toEqual({ kind: 'ahead', aheadSeconds: offset });
      }),
      fuzz(500),
    );
  });
});
