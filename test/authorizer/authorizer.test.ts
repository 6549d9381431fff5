/**
 * The authorizer built with injected dependencies (createAuthorizer): the real Cognito verifier on a loopback
 * JWKS, an in-memory blocklist, a controlled clock, and log/metric sinks we can read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '../../lambdas/adapters/observability.js';
import { createAuthorizer } from '../../lambdas/authorizer/authorizer.js';
import { parseAuthorizerConfig } from '../../lambdas/authorizer/config.js';
import { cachingReader } from '../../lambdas/authorizer/revocation-cache.js';
import { createCognitoVerifier } from '../../lambdas/authorizer/verifier.js';
import { StoreError } from '../../lambdas/core/ports.js';
import { type JwksServer, startJwksServer } from '../support/jwks.js';
import {
  nowSeconds,
  signAccessToken,
  signIdToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from '../support/tokens.js';
import { appSyncEvent, httpApiEvent, memoryBlocklist, restTokenEvent } from './support.js';

let jwks: JwksServer;
beforeAll(async () => {
  jwks = await startJwksServer();
});
afterAll(async () => {
  await jwks.stop();
});

function build(env: Record<string, string> = {}, options: { clockMs?: () => number } = {}) {
  const config = parseAuthorizerConfig({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: 'blocklist',
    JWKS_URI: jwks.uri,
    ...env,
  });
  const lines: Record<string, unknown>[] = [];
  const sink = (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>);
  const blocklist = memoryBlocklist();
  const clock = options.clockMs ?? Date.now;
  const reader =
    config.revocationCacheTtlSeconds > 0
      ? cachingReader(blocklist, { ttlSeconds: config.revocationCacheTtlSeconds, clock })
      : blocklist;
  const authorize = createAuthorizer({
    config,
    reader,
    verifier: createCognitoVerifier(config),
    logger: createLogger({ service: 'authorizer', sink }),
    metrics: createMetrics({ namespace: 'Test', service: 'authorizer', sink }),
    clock,
  });
  return { authorize, blocklist, lines };
}

describe('createAuthorizer', () => {
  it('looks up all of a token’s keys in one call, in the core’s order', async () => {
    // Arrange
    const { authorize, blocklist } = build();
    const token = signAccessToken({ jti: 'j1', origin_jti: 'o1', revocation_sid: 's1' });
    // Act
    await authorize(httpApiEvent({ authorization: `Bearer ${token}` }));
    // Assert
    expect(blocklist.calls).toEqual([
      [
        { scope: 'user', id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' },
        { scope: 'origin', id: 'o1' },
        { scope: 'session', id: 's1' },
        { scope: 'token', id: 'j1' },
      ],
    ]);
  });

  it('never consults the store for a token that fails verification', async () => {
    const { authorize, blocklist } = build();
    await authorize(httpApiEvent({ authorization: signAccessToken({ exp: nowSeconds() - 1 }) }));
    expect(blocklist.calls).toHaveLength(0);
  });

  it('writes one decision line and one EMF line per invocation, without the token', async () => {
    const { authorize, blocklist, lines } = build();
    blocklist.put({ scope: 'token', id: 'j-rev', revokedAt: 1, expiresAt: nowSeconds() + 60 });
    const token = signIdToken({ jti: 'j-rev' });
    await authorize(appSyncEvent(token));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'authorizer',
      message: 'authorizer decision',
      decision: 'deny',
      reason: 'revoked',
      scope: 'token',
      eventKind: 'appsync',
      tokenUse: 'id',
      sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      latencyMs: expect.any(Number),
      storeMs: expect.any(Number),
    });
    expect(lines[1]).toMatchObject({
      Denied: 1,
      Reason_revoked: 1,
      Revoked_token: 1,
      StoreLatency: expect.any(Number),
    });
    expect(
      (lines[1]!._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace,
    ).toBe('Test');
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
  });

  it('fails closed on a store error, or allows and flags it with FAIL_MODE=open', async () => {
    const closed = build();
    closed.blocklist.failWith(new StoreError('throttled', 'slow down'));
    const open = build({ FAIL_MODE: 'open' });
    open.blocklist.failWith(new StoreError('unavailable', 'down'));
    await expect(closed.authorize(restTokenEvent(signAccessToken()))).rejects.toThrow(
      new Error('Unauthorized'),
    );
    const allowed = await open.authorize(restTokenEvent(signAccessToken()));
    expect(closed.lines[0]).toMatchObject({ level: 'warn', reason: 'store_error', errorKind: 'throttled' });
    expect(allowed).toHaveProperty('principalId');
    expect(open.lines[0]).toMatchObject({
      level: 'warn',
      decision: 'allow',
      reason: 'fail_open',
      errorKind: 'unavailable',
    });
    expect(open.lines[1]).toMatchObject({ FailOpen: 1, StoreErrors: 1 });
  });

  it('an unexpected exception inside the pipeline denies instead of crashing', async () => {
    const { authorize, blocklist, lines } = build();
    (blocklist as { find: unknown }).find = () => {
      throw new TypeError('synchronous boom');
    };
    const response = await authorize(httpApiEvent({ authorization: signAccessToken() }));
    expect(response).toEqual({ isAuthorized: false });
    expect(lines[0]).toMatchObject({ decision: 'deny' });
  });
});

describe('in-memory revocation cache (REVOCATION_CACHE_TTL_SECONDS)', () => {
  it('honours a revocation no later than TTL seconds after the cached read', async () => {
    // Arrange
    let now = Date.now();
    const { authorize, blocklist } = build({ REVOCATION_CACHE_TTL_SECONDS: '30' }, { clockMs: () => now });
    const token = signAccessToken({ jti: 'cached-jti' });
    await authorize(httpApiEvent({ authorization: token }));
    blocklist.put({ scope: 'token', id: 'cached-jti', revokedAt: 1, expiresAt: nowSeconds() + 3600 });
    // Act
    now += 29_999;
    const withinTtl = await authorize(httpApiEvent({ authorization: token }));
    now += 1;
    const atTtl = await authorize(httpApiEvent({ authorization: token }));
    // Assert
    expect(withinTtl).toMatchObject({ isAuthorized: true });
    expect(atTtl).toEqual({ isAuthorized: false });
    expect(blocklist.calls).toHaveLength(2);
  });

  it('reads only the keys it has no fresh answer for, still in one call', async () => {
    const now = Date.now();
    const { authorize, blocklist } = build({ REVOCATION_CACHE_TTL_SECONDS: '60' }, { clockMs: () => now });
    await authorize(httpApiEvent({ authorization: signAccessToken({ jti: 'a' }) }));
    await authorize(httpApiEvent({ authorization: signAccessToken({ jti: 'b' }) }));
    expect(blocklist.calls[1]).toEqual([{ scope: 'token', id: 'b' }]);
  });

  it('a cached user watermark still revokes other tokens of the same user', async () => {
    const now = Date.now();
    const { authorize, blocklist } = build({ REVOCATION_CACHE_TTL_SECONDS: '60' }, { clockMs: () => now });
    blocklist.put({
      scope: 'user',
      id: 'u-cached',
      notBefore: nowSeconds(),
      revokedAt: 1,
      expiresAt: nowSeconds() + 60,
    });
    const first = await authorize(
      httpApiEvent({ authorization: signAccessToken({ sub: 'u-cached', jti: 'x1' }) }),
    );
    const second = await authorize(
      httpApiEvent({ authorization: signAccessToken({ sub: 'u-cached', jti: 'x2' }) }),
    );
    expect(first).toEqual({ isAuthorized: false });
    expect(second).toEqual({ isAuthorized: false });
    expect(blocklist.calls[1]).toEqual([{ scope: 'token', id: 'x2' }]);
  });
});
