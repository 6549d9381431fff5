/**
 * The read-back's rule (lambdas/revocation/read-back.ts) on an in-memory reader: a revocation is proven only when the
 * core's `decide` revokes each token it must refuse now AND at that token's expiry; what is not proven says what is
 * missing and until when the exposure lasts. The built functions are covered by the *.bundle tests.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '../../lambdas/adapters/observability.js';
import type { RevocationReader } from '../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';
import { watermarkProofs } from '../../lambdas/revocation/everywhere.js';
import { type Proof, readBack } from '../../lambdas/revocation/read-back.js';

const NOW = 1_800_000_000;
const SUB = '11111111-2222-3333-4444-555555555555';
const POLICY = { tokenLifetimeSeconds: 3600, refreshTokenLifetimeSeconds: 86_400, clockSkewSeconds: 300 };
const quiet = () => undefined;

function context(read: () => Promise<RevocationEntry[]>) {
  const reader: RevocationReader = { readUser: read };
  return {
    deps: { reader },
    clock: () => NOW * 1000,
    logger: createLogger({ service: 'test', sink: quiet }),
    metrics: createMetrics({ namespace: 'Test', service: 'test', sink: quiet }),
  };
}
const watermark = (notBefore: number, expiresAt: number): RevocationEntry => ({
  sub: SUB,
  scope: 'user',
  id: SUB,
  notBefore,
  revokedAt: notBefore,
  expiresAt,
});
const sessionProof: Proof = {
  label: 'session s-1',
  token: { sub: SUB, sessionId: 's-1', issuedAt: NOW, authTime: NOW + 1, expiresAt: NOW + 3600 },
};

describe('readBack', () => {
  it('an absent entry: not in force, exposed until the token expires', async () => {
    const { report, proven } = await readBack(
      context(async () => []),
      SUB,
      [sessionProof],
    );
    expect(proven).toEqual([false]);
    expect(report).toEqual({
      inForce: false,
      readAt: NOW,
      missing: ['session s-1: no entry in force revokes it'],
      exposedUntil: NOW + 3600,
    });
  });

  it('an entry that expires before the token it must refuse: not in force', async () => {
    const short: RevocationEntry = {
      sub: SUB,
      scope: 'session',
      id: 's-1',
      revokedAt: NOW,
      expiresAt: NOW + 600,
    };
    const { report } = await readBack(
      context(async () => [short]),
      SUB,
      [sessionProof],
    );
    expect(report.inForce).toBe(false);
    expect(report.missing[0]).toMatch(/^session s-1: the entry expires at .*, before a token it must refuse/);
    expect(report.exposedUntil).toBe(NOW + 3600);
  });

  it('a watermark superseded by a later, longer one is in force; an earlier one is not', async () => {
    const proofs = watermarkProofs(SUB, NOW, { revoked: true, diedAt: NOW }, POLICY);
    const later = await readBack(
      context(async () => [watermark(NOW + 5, NOW + 5 + 3900)]),
      SUB,
      proofs,
    );
    const earlier = await readBack(
      context(async () => [watermark(NOW - 5, NOW - 5 + 3900)]),
      SUB,
      proofs,
    );
    expect(later.report).toMatchObject({ inForce: true, missing: [] });
    expect(earlier.report).toMatchObject({ inForce: false, exposedUntil: NOW + 3600 });
  });

  it('refresh tokens that died after the watermark: the horizon token outlives a watermark counted from it', async () => {
    // The event happened 20 minutes ago; the function signed the user out now.
    const notBefore = NOW - 1200;
    const proofs = watermarkProofs(SUB, notBefore, { revoked: true, diedAt: NOW }, POLICY);
    const { report, proven } = await readBack(
      context(async () => [watermark(notBefore, notBefore + 3900)]),
      SUB,
      proofs,
    );
    expect(proven).toEqual([true, false]);
    expect(report.exposedUntil).toBe(NOW + 3600);
  });

  it('a failed read proves nothing; a token already expired needs no proof', async () => {
    const failing = context(async () => {
      throw new Error('table unavailable');
    });
    const expired: Proof = {
      label: 'token old',
      token: { sub: SUB, jti: 'old', issuedAt: NOW - 7200, expiresAt: NOW - 1 },
    };
    const failed = await readBack(failing, SUB, [sessionProof, expired]);
    const nothingLive = await readBack(failing, SUB, [expired]);
    expect(failed.report).toMatchObject({ inForce: false, exposedUntil: NOW + 3600 });
    expect(failed.report.missing).toEqual(['could not read the revocations back: table unavailable']);
    expect(failed.proven).toEqual([false, true]);
    expect(nothingLive.report).toMatchObject({ inForce: true, missing: [] });
  });
});
