/**
 * The BUILT library's verifier with an in-process store handed as its second argument (`reader`, and `hints` in
 * staleness mode) — the seam bench/library.bench.ts measures the decision's CPU through, as the authorizer's
 * benchmark hands its in-process blocklist to the authorizer. The DynamoDB endpoint is a closed port: any answer
 * below came from the injected store, and every check (revocation scopes, the staleness bound) is the usual one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HintPage } from '../../lambdas/core/hints.js';
import { memoryBlocklist } from '../fixtures/authorizer-events.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { closedPortEndpoint } from '../fixtures/network.js';
import { nowSeconds, signAccessToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../fixtures/tokens.js';
import { countingProvider, type LibraryModule, loadLibrary, TABLE } from './support.js';

let lib: LibraryModule;
let jwks: JwksServer;
let endpoint: string;
const SUB = '22222222-3333-4444-5555-666666666666';

beforeAll(async () => {
  lib = loadLibrary();
  jwks = await startJwksServer();
  endpoint = await closedPortEndpoint();
});

afterAll(async () => {
  await jwks.stop();
});

const options = (overrides: Record<string, unknown> = {}) => ({
  userPoolId: TEST_USER_POOL_ID,
  clientId: TEST_CLIENT_ID,
  tableName: TABLE,
  endpoint,
  jwksUri: jwks.uri,
  credentials: countingProvider(),
  ...overrides,
});

describe('an injected in-process store', () => {
  it('exact mode: one read of the injected blocklist per decision, and its entry refuses the token', async () => {
    // Arrange
    const blocklist = memoryBlocklist();
    const verifier = lib.createRevocationVerifier(options(), { reader: blocklist });
    const token = signAccessToken({ sub: SUB, jti: 'jti-injected-1' });
    // Act
    const before = await verifier.verify(token);
    blocklist.put({
      sub: SUB,
      scope: 'token',
      id: 'jti-injected-1',
      revokedAt: nowSeconds(),
      expiresAt: nowSeconds() + 3600,
    });
    const after = await verifier.verify(token).catch((e: unknown) => e);
    // Assert
    expect(before.sub).toBe(SUB);
    expect('failOpen' in before).toBe(false);
    expect(after).toBeInstanceOf(lib.TokenRevokedError);
    expect(blocklist.calls).toEqual([SUB, SUB]);
    verifier.close();
  });

  it('staleness mode: cached within S, and a hinted user is read again once S has passed', async () => {
    // Arrange: a clock the test moves; hints answered from an array.
    let now = Date.now();
    const blocklist = memoryBlocklist();
    const published: { sub: string; at: number }[] = [];
    const polls: number[] = [];
    const hints = {
      async since(fromMs: number, untilMs: number): Promise<HintPage> {
        polls.push(now);
        return { hints: published.filter((h) => h.at >= fromMs && h.at <= untilMs), truncated: false };
      },
    };
    const verifier = lib.createRevocationVerifier(
      options({ stalenessSeconds: 2, maxAgeSeconds: 60, clock: () => now }),
      { reader: blocklist, hints },
    );
    const token = signAccessToken({ sub: SUB, jti: 'jti-injected-2' });
    await verifier.verify(token);
    // Act
    const cached = await verifier.verify(token);
    const readsWhileCached = blocklist.calls.length;
    blocklist.put({
      sub: SUB,
      scope: 'user',
      id: SUB,
      notBefore: nowSeconds() + 1,
      revokedAt: nowSeconds(),
      expiresAt: nowSeconds() + 3600,
    });
    published.push({ sub: SUB, at: now });
    const stillCached = await verifier.verify(token);
    now += 2001;
    const afterS = await verifier.verify(token).catch((e: unknown) => e);
    // Assert
    expect(cached.sub).toBe(SUB);
    expect(stillCached.sub).toBe(SUB);
    expect(readsWhileCached).toBe(1);
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(afterS).toBeInstanceOf(lib.TokenRevokedError);
    expect((afterS as InstanceType<LibraryModule['TokenRevokedError']>).scope).toBe('user');
    expect(blocklist.calls).toEqual([SUB, SUB]);
    expect(verifier.stats().cacheHits).toBe(2);
    verifier.close();
  });
});
