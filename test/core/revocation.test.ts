import { describe, expect, it } from 'vitest';
import { decide, revocationKeysFor, type RevocationEntry } from '../../lambdas/core/revocation.js';
import type { TokenFacts } from '../../lambdas/core/token.js';

const NOW = 1_800_000_000;
const token: TokenFacts = {
  sub: '11111111-2222-3333-4444-555555555555',
  issuedAt: NOW - 100,
  authTime: NOW - 600,
  expiresAt: NOW + 3000,
  jti: 'jti-1',
  originJti: 'origin-1',
  sessionId: 'sid-1',
};
const entry = (e: Partial<RevocationEntry> & Pick<RevocationEntry, 'scope' | 'id'>): RevocationEntry => ({
  sub: token.sub,
  revokedAt: NOW - 10,
  expiresAt: NOW + 1000,
  ...e,
});

describe('revocationKeysFor', () => {
  it('yields user, origin, session and token keys in order', () => {
    expect(revocationKeysFor(token)).toEqual([
      { sub: token.sub, scope: 'user', id: token.sub },
      { sub: token.sub, scope: 'origin', id: 'origin-1' },
      { sub: token.sub, scope: 'session', id: 'sid-1' },
      { sub: token.sub, scope: 'token', id: 'jti-1' },
    ]);
  });

  it('skips absent and invalid ids', () => {
    // Arrange
    const bare: TokenFacts = { ...token, jti: undefined, originJti: '', sessionId: 'has space' };
    // Act / Assert
    expect(revocationKeysFor(bare)).toEqual([{ sub: token.sub, scope: 'user', id: token.sub }]);
  });
});

describe('decide', () => {
  it('allows with no entries', () => {
    expect(decide(token, [], NOW).revoked).toBe(false);
  });

  it.each([
    ['origin', 'origin-1'],
    ['session', 'sid-1'],
    ['token', 'jti-1'],
  ] as const)('revokes on a live %s entry', (scope, id) => {
    const d = decide(token, [entry({ scope, id })], NOW);
    expect(d).toMatchObject({ revoked: true, scope });
  });

  it('ignores entries for other ids', () => {
    expect(
      decide(token, [entry({ scope: 'token', id: 'other' }), entry({ scope: 'session', id: 'x' })], NOW)
        .revoked,
    ).toBe(false);
  });

  it('ignores entries at or past their expiry even though the store still returns them', () => {
    expect(decide(token, [entry({ scope: 'token', id: 'jti-1', expiresAt: NOW })], NOW).revoked).toBe(false);
    expect(decide(token, [entry({ scope: 'token', id: 'jti-1', expiresAt: NOW + 1 })], NOW).revoked).toBe(
      true,
    );
  });

  it('revokes on the user watermark using min(auth_time, iat), inclusive', () => {
    const atAuth = entry({ scope: 'user', id: token.sub, notBefore: NOW - 600 });
    const beforeAuth = entry({ scope: 'user', id: token.sub, notBefore: NOW - 601 });
    expect(decide(token, [atAuth], NOW).revoked).toBe(true);
    expect(decide(token, [beforeAuth], NOW).revoked).toBe(false);
    // A refreshed token (new iat, old auth_time) is still revoked by a watermark between the two.
    expect(decide(token, [entry({ scope: 'user', id: token.sub, notBefore: NOW - 300 })], NOW).revoked).toBe(
      true,
    );
  });

  it('uses iat when auth_time is absent', () => {
    const noAuth: TokenFacts = { ...token, authTime: undefined };
    expect(decide(noAuth, [entry({ scope: 'user', id: token.sub, notBefore: NOW - 100 })], NOW).revoked).toBe(
      true,
    );
    expect(decide(noAuth, [entry({ scope: 'user', id: token.sub, notBefore: NOW - 101 })], NOW).revoked).toBe(
      false,
    );
  });

  it('fails closed on a user entry without a usable watermark', () => {
    expect(decide(token, [entry({ scope: 'user', id: token.sub, notBefore: Number.NaN })], NOW).revoked).toBe(
      true,
    );
  });
});
