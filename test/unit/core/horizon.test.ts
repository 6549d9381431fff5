/**
 * The event-time rule (lambdas/core/horizon.ts), as properties over every policy Cognito allows and every delay:
 * the entry written for an event refuses every token it is meant to refuse until that token expires, and nothing
 * else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkEventTime,
  MAX_EVENT_AHEAD_SECONDS,
  nothingLeftToRevoke,
  refreshTokensRevokedAt,
  watermarkPlan,
} from '../../../lambdas/core/horizon.js';
import { lifetimePolicy, userWatermarkExpiry } from '../../../lambdas/core/lifetime.js';
import { decide, type RevocationEntry } from '../../../lambdas/core/revocation.js';

const SUB = '704b1e47-34fe-40e9-8c41-504997494531';
const T0 = 1_800_000_000;

const policies = fc
  .record({
    tokenLifetimeSeconds: fc.integer({ min: 300, max: 86_400 }),
    refreshTokenLifetimeSeconds: fc.integer({ min: 3600, max: 3650 * 86_400 }),
    clockSkewSeconds: fc.integer({ min: 1, max: 3600 }),
  })
  .map((p) => lifetimePolicy(p));

function watermarkEntry(notBefore: number, expiresAt: number): RevocationEntry {
  return { sub: SUB, scope: 'user', id: SUB, notBefore, revokedAt: notBefore, expiresAt };
}

describe('watermarkPlan', () => {
  it('a token refreshed between the event and the sign-out is refused until (and at) its expiry', () => {
    fc.assert(
      fc.property(
        policies,
        fc.integer({ min: 0, max: 30 * 86_400 }), // how late the sign-out came
        fc.integer({ min: 1, max: 10 * 86_400 }), // how long before the event the session was authenticated
        fc.double({ min: 0, max: 1, noNaN: true }), // where between the event and the sign-out it was refreshed
        (policy, lateBy, authBefore, at) => {
          const eventTime = T0;
          const signedOutAt = eventTime + lateBy;
          const plan = watermarkPlan({ notBefore: eventTime, refreshTokensRevokedAt: signedOutAt }, policy);
          const issuedAt = eventTime + Math.floor(lateBy * at);
          const token = {
            sub: SUB,
            authTime: eventTime - authBefore,
            issuedAt,
            expiresAt: issuedAt + policy.tokenLifetimeSeconds,
          };
          const entries = [watermarkEntry(plan.notBefore, plan.expiresAt)];
          for (const t of [signedOutAt, token.expiresAt - 1, token.expiresAt])
            expect(decide(token, entries, t).revoked).toBe(true);
        },
      ),
    );
  });

  it('the watermark stays the event’s time: a sign-in after the event is never refused by it', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: 0, max: 86_400 }), fc.integer({ min: 1, max: 86_400 }), (policy, lateBy, after) => {
        const plan = watermarkPlan({ notBefore: T0, refreshTokensRevokedAt: T0 + lateBy }, policy);
        const token = { sub: SUB, authTime: T0 + after, issuedAt: T0 + after, expiresAt: T0 + after + 300 };
        expect(plan.notBefore).toBe(T0);
        expect(decide(token, [watermarkEntry(plan.notBefore, plan.expiresAt)], T0 + after).revoked).toBe(false);
      }),
    );
  });

  it('never shorter than the rule counted from the event; the same when processed on time', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: -3600, max: 86_400 }), fc.boolean(), (policy, lateBy, revoked) => {
        const refresh = { refreshTokensRevoked: revoked };
        const plan = watermarkPlan(
          { notBefore: T0, refreshTokensRevokedAt: revoked ? T0 + lateBy : undefined },
          policy,
        );
        expect(plan.expiresAt).toBeGreaterThanOrEqual(userWatermarkExpiry(T0, policy, refresh));
        if (!revoked || lateBy <= 0) expect(plan.expiresAt).toBe(userWatermarkExpiry(T0, policy, refresh));
      }),
    );
  });
});

describe('refreshTokensRevokedAt', () => {
  it('at the event when Cognito ended them there; at this function’s sign-out otherwise', () => {
    expect(refreshTokensRevokedAt('done', T0, T0 + 900)).toBe(T0);
    expect(refreshTokensRevokedAt('gone', T0, T0 + 900)).toBe(T0);
    expect(refreshTokensRevokedAt('call', T0, T0 + 900)).toBe(T0 + 900);
    expect(refreshTokensRevokedAt('call', T0, undefined)).toBeUndefined();
  });
});

describe('nothingLeftToRevoke', () => {
  it('only when Cognito ended the refresh tokens at the event, and then every token issued by it has expired', () => {
    fc.assert(
      fc.property(
        policies,
        fc.constantFrom('call' as const, 'done' as const, 'gone' as const),
        fc.integer({ min: 0, max: 10 * 86_400 }),
        (policy, mode, age) => {
          const now = T0 + age;
          const nothing = nothingLeftToRevoke(mode, T0, now, policy);
          if (mode === 'call') expect(nothing).toBe(false);
          else expect(nothing).toBe(T0 + policy.tokenLifetimeSeconds + policy.clockSkewSeconds <= now);
          // The last token the event could revoke was issued at the event and is accepted up to its exp.
          if (nothing) expect(T0 + policy.tokenLifetimeSeconds).toBeLessThan(now);
        },
      ),
    );
  });
});

describe('checkEventTime', () => {
  it('taken at its own time up to the tolerance; beyond, refused as ahead (to be retried)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10 * 86_400, max: 86_400 }), (offset) => {
        const check = checkEventTime(T0 + offset, T0);
        if (offset <= MAX_EVENT_AHEAD_SECONDS) expect(check).toEqual({ kind: 'ok', notBefore: T0 + offset });
        else expect(check).toEqual({ kind: 'ahead', aheadSeconds: offset });
      }),
    );
  });
});
