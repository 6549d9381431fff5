/**
 * The BUILT library's verifier against dynalite and a loopback JWKS: exact mode refuses a revoked token at once,
 * staleness mode within S, a store that does not answer gets the fail mode, aws-jwt-verify's refusals pass through,
 * and credentials come from the provider ONCE and are refreshed before they expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { closedPortEndpoint, startBlackhole } from '../fixtures/network.js';
import { nowSeconds, signAccessToken, signIdToken, OTHER_CLIENT_ID } from '../fixtures/tokens.js';
import {
  countingProvider,
  type LibraryModule,
  loadLibrary,
  revoke,
  TABLE,
  verifierOptions,
} from './support.js';

let lib: LibraryModule;
let dynamo: LocalDynamo;
let jwks: JwksServer;
let n = 0;
const freshSub = () => `11111111-2222-3333-4444-${String(++n).padStart(12, '0')}`;

beforeAll(async () => {
  lib = loadLibrary();
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  jwks = await startJwksServer();
});

afterAll(async () => {
  await dynamo.stop();
  await jwks.stop();
});

describe('exact mode', () => {
  it('accepts a valid token with the authorizer context, and refuses it at once after a revocation', async () => {
    // Arrange
    const sub = freshSub();
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri));
    const jti = 'jti-exact-1';
    const token = signAccessToken({ sub, jti });
    // Act
    const before = await verifier.verify(token);
    await revoke(dynamo, { sub, scope: 'token', id: jti });
    const after = await verifier.verify(token).catch((e: unknown) => e);
    // Assert
    expect(before.sub).toBe(sub);
    expect(before.context.jti).toBe(jti);
    expect(before.failOpen).toBeUndefined();
    expect(after).toBeInstanceOf(lib.TokenRevokedError);
    expect((after as InstanceType<LibraryModule['TokenRevokedError']>).scope).toBe('token');
    expect(verifier.stats().storeRoundTrips).toBe(2);
    verifier.close();
  });

  it('a user watermark refuses every token issued before it; the verdict is remembered (no further read)', async () => {
    // Arrange
    const sub = freshSub();
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri));
    const issued = nowSeconds() - 10;
    const token = signIdToken({ sub, iat: issued, auth_time: issued });
    await revoke(dynamo, { sub, scope: 'user', id: sub, notBefore: issued + 1 });
    // Act
    const first = await verifier.verify(token).catch((e: unknown) => e);
    const second = await verifier.verify(token).catch((e: unknown) => e);
    // Assert
    expect((first as { scope?: string }).scope).toBe('user');
    expect(second).toBeInstanceOf(lib.TokenRevokedError);
    expect(verifier.stats()).toMatchObject({ storeRoundTrips: 1, revokedFromMemory: 1 });
    verifier.close();
  });

  it("passes aws-jwt-verify's own refusals through unchanged, with no store read", async () => {
    // Arrange
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri));
    // Act
    const expired = await verifier
      .verify(signAccessToken({ exp: nowSeconds() - 60 }))
      .catch((e: unknown) => e);
    const otherClient = await verifier
      .verify(signAccessToken({ client_id: OTHER_CLIENT_ID }))
      .catch((e: unknown) => e);
    const garbage = await verifier.verify('not.a.jwt').catch((e: unknown) => e);
    // Assert
    expect(expired).toBeInstanceOf(lib.JwtExpiredError);
    expect((otherClient as Error).constructor.name).toBe('CognitoJwtInvalidClientIdError');
    expect(garbage).toBeInstanceOf(lib.JwtParseError);
    expect(verifier.stats().storeRoundTrips).toBe(0);
    verifier.close();
  });

  it('refuses options the authorizer would refuse, naming the options', () => {
    // Act
    const error = (() => {
      try {
        lib.createRevocationVerifier({
          ...verifierOptions(dynamo, jwks.uri),
          userPoolId: 'nope',
          storeTimeoutMs: 1,
        });
      } catch (e) {
        return e;
      }
    })();
    // Assert
    expect(error).toBeInstanceOf(lib.RevocationConfigError);
    expect((error as Error).message).toMatch(/userPoolId/);
    expect((error as Error).message).toMatch(/storeTimeoutMs/);
  });
});

describe('staleness mode', () => {
  it('serves cached answers within S and refuses the revoked token once S has passed', async () => {
    // Arrange: a clock the test moves (the hint poll happens at most once per S of this clock).
    let now = Date.now();
    const clock = () => now;
    const sub = freshSub();
    const verifier = lib.createRevocationVerifier(
      verifierOptions(dynamo, jwks.uri, { stalenessSeconds: 2, maxAgeSeconds: 60, clock }),
    );
    const token = signAccessToken({ sub, jti: 'jti-stale-1' });
    await verifier.verify(token);
    const readsAfterFirst = verifier.stats().storeRoundTrips;
    // Act
    const cached = await verifier.verify(token);
    await revoke(dynamo, { sub, scope: 'token', id: 'jti-stale-1' }, now);
    now += 2001;
    const afterS = await verifier.verify(token).catch((e: unknown) => e);
    // Assert
    expect(cached.sub).toBe(sub);
    expect(verifier.stats().cacheHits).toBeGreaterThanOrEqual(1);
    expect(readsAfterFirst).toBeGreaterThanOrEqual(1);
    expect(afterS).toBeInstanceOf(lib.TokenRevokedError);
    verifier.close();
  });
});

describe('store down: the fail mode', () => {
  it('closed: a store that hangs refuses with RevocationStoreUnavailableError after the deadline', async () => {
    // Arrange
    const hole = await startBlackhole();
    const verifier = lib.createRevocationVerifier(
      verifierOptions(dynamo, jwks.uri, {
        endpoint: hole.endpoint,
        storeTimeoutMs: 100,
        storeMaxAttempts: 1,
      }),
    );
    // Act
    const error = await verifier.verify(signAccessToken({ sub: freshSub() })).catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(lib.RevocationStoreUnavailableError);
    expect(error).toMatchObject({ kind: 'timeout', failMode: 'closed' });
    verifier.close();
    await hole.stop();
  });

  it('open: an unreachable store accepts the token and says so', async () => {
    // Arrange
    const verifier = lib.createRevocationVerifier(
      verifierOptions(dynamo, jwks.uri, {
        endpoint: await closedPortEndpoint(),
        failMode: 'open',
        storeTimeoutMs: 200,
      }),
    );
    const sub = freshSub();
    // Act
    const verified = await verifier.verify(signAccessToken({ sub }));
    // Assert
    expect(verified.sub).toBe(sub);
    expect(verified.failOpen).toBe('unavailable');
    verifier.close();
  });

  it('open: a credential chain that fails is a fault, not an outage — refused', async () => {
    // Arrange
    const failing = async () => {
      throw new Error('no credentials in this environment');
    };
    const verifier = lib.createRevocationVerifier(
      verifierOptions(dynamo, jwks.uri, { failMode: 'open', credentials: failing }),
    );
    // Act
    const error = await verifier.verify(signAccessToken({ sub: freshSub() })).catch((e: unknown) => e);
    // Assert
    expect(error).toMatchObject({
      name: 'RevocationStoreUnavailableError',
      kind: 'denied',
      failMode: 'open',
    });
    verifier.close();
  });
});

describe('credentials', () => {
  it('are resolved once for many decisions, and refreshed before they expire', async () => {
    // Arrange
    let now = Date.now();
    const clock = () => now;
    const provider = countingProvider(15 * 60_000, clock);
    const verifier = lib.createRevocationVerifier(
      verifierOptions(dynamo, jwks.uri, { credentials: provider, clock }),
    );
    const token = signAccessToken({ sub: freshSub() });
    // Act
    await Promise.all(Array.from({ length: 5 }, () => verifier.verify(token)));
    for (let i = 0; i < 5; i++) await verifier.verify(token);
    const callsBefore = provider.calls;
    now += 11 * 60_000; // within 5 minutes of the expiry: a background refresh starts, the held set still signs
    await verifier.verify(token);
    await new Promise((r) => setImmediate(r));
    // Assert
    expect(callsBefore).toBe(1);
    expect(provider.calls).toBe(2);
    verifier.close();
  });
});
