/**
 * Integration tests of the SHIPPED bundle dist/authorizer/index.js against dynalite (DynamoDB API emulator) and
 * a loopback JWKS, loaded the way Lambda loads it, configured only through the environment contract.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revocationToItem } from '../../lambdas/adapters/dynamodb/schema.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';
import { createSdkHintStore } from '../../lambdas/adapters/dynamodb/hint-publisher.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadBundle } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { startBlackhole } from '../fixtures/network.js';
import {
  createSigningKey,
  encodeUnsignedJwt,
  idTokenClaims,
  nowSeconds,
  OTHER_CLIENT_ID,
  signAccessToken,
  signIdToken,
  signJwt,
  TEST_CLIENT_ID,
  TEST_KID,
  TEST_SUB,
  TEST_USER_POOL_ID,
  testJwks,
  testSigningKey,
} from '../fixtures/tokens.js';
import {
  appSyncEvent,
  httpApiEvent,
  lastDecision,
  METHOD_ARN,
  restRequestEvent,
  restTokenEvent,
  STAGE_RESOURCE,
} from '../fixtures/authorizer-events.js';

const TABLE = 'blocklist-test';
let dynamo: LocalDynamo;
let jwks: JwksServer;
let output: Capture;
/** Every token issued in this file: none may ever appear in stdout. */
const issued: string[] = [];
const track = (token: string) => {
  issued.push(token);
  return token;
};

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: `${TEST_CLIENT_ID}, someotherclient123`,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: 'local-session-token',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    // Every allow logged and a metrics document after each decision, so a test reads its decision's own line and
    // figures (the defaults sample allows and aggregate metrics: test/authorizer/decision-record.test.ts).
    DECISION_LOG_SAMPLE_RATE: '1',
    METRICS_FLUSH_DECISIONS: '1',
    // The largest deadline the authorizer accepts: a store that answers must never look down because the box is
    // slow (a cold read on a loaded box can pass the default 800 ms). The store-failure tests set their own.
    STORE_TIMEOUT_MS: '5000',
    ...overrides,
  };
}

async function revoke(
  entry: Partial<RevocationEntry> & Pick<RevocationEntry, 'scope' | 'id'>,
  sub = entry.scope === 'user' ? entry.id : TEST_SUB,
) {
  const now = nowSeconds();
  await dynamo.client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: revocationToItem({ sub, revokedAt: now, expiresAt: now + 3600, ...entry }) as never,
    }),
  );
}

/** Runs the handler; REST denials come back as the thrown error. */
async function invoke(handler: Handler, event: unknown): Promise<{ response?: unknown; error?: unknown }> {
  try {
    return { response: await handler(event) };
  } catch (error) {
    return { error };
  }
}

function expectUnauthorized(result: { response?: unknown; error?: unknown }) {
  expect(result.response).toBeUndefined();
  expect(result.error).toBeInstanceOf(Error);
  expect((result.error as Error).message).toBe('Unauthorized');
  expect(Object.getPrototypeOf(result.error)).toBe(Error.prototype);
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  jwks = await startJwksServer();
  output = captureOutput({ stderr: false });
});

afterAll(async () => {
  output.restore();
  await dynamo.stop();
  await jwks.stop();
  // Assert: across the whole file, no token (nor anything token-shaped) reached stdout.
  const all = output.lines().join('\n');
  expect(output.lines().length).toBeGreaterThan(0);
  for (const token of issued) {
    expect(all.includes(token)).toBe(false);
    expect(all.includes(token.split('.')[2] ?? token)).toBe(false);
  }
  expect(all).not.toMatch(/eyJ[\w-]{10,}/);
  expect(all.toLowerCase()).not.toContain('bearer ');
});

describe('allow: every event shape answers in its own format', () => {
  it('REST TOKEN: stage-wide Allow policy, principalId = sub, string-only context', async () => {
    // Arrange
    const handler = loadBundle('authorizer', env()).handler;
    const token = track(signAccessToken({ revocation_sid: 'sess-1' }));
    // Act
    const response = (await handler(restTokenEvent(`Bearer ${token}`))) as Record<string, unknown>;
    // Assert
    expect(response).toEqual({
      principalId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: STAGE_RESOURCE }],
      },
      context: {
        sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        username: 'alice',
        groups: 'admins,readers',
        scopes: 'aws.cognito.signin.user.admin openid',
        clientId: TEST_CLIENT_ID,
        tokenUse: 'access',
        sessionId: 'sess-1',
        originJti: '',
        jti: expect.any(String),
        exp: expect.any(String),
      },
    });
  });

  it('REST TOKEN: a bare token and a lower-case "bearer" scheme are both accepted', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    const bare = (await handler(restTokenEvent(track(signIdToken())))) as {
      context: Record<string, unknown>;
    };
    const lower = (await handler(restTokenEvent(`bearer   ${track(signIdToken())}`))) as object;
    expect(bare.context.tokenUse).toBe('id');
    expect(bare.context.username).toBe('alice');
    expect(lower).toHaveProperty('principalId');
  });

  it('REST REQUEST: finds the Authorization header whatever its case', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    const token = track(signIdToken());
    const response = (await handler(restRequestEvent({ AUTHORIZATION: `Bearer ${token}`, Host: 'x' }))) as {
      policyDocument: { Statement: { Effect: string; Resource: string }[] };
    };
    expect(response.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: STAGE_RESOURCE });
  });

  it('HTTP API payload 2.0, simple mode: { isAuthorized: true, context }', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    const response = await handler(httpApiEvent({ authorization: `Bearer ${track(signAccessToken())}` }));
    expect(response).toMatchObject({
      isAuthorized: true,
      context: { sub: expect.any(String), tokenUse: 'access' },
    });
  });

  it('HTTP API payload 2.0, IAM mode: an Allow policy; a deny is a Deny policy', async () => {
    const handler = loadBundle('authorizer', env({ HTTP_API_RESPONSE_MODE: 'iam' })).handler;
    const allow = await handler(httpApiEvent({ authorization: `Bearer ${track(signAccessToken())}` }));
    const deny = await handler(httpApiEvent({ authorization: 'Bearer nope' }));
    expect(allow).toMatchObject({
      principalId: expect.any(String),
      policyDocument: { Statement: [{ Effect: 'Allow', Resource: STAGE_RESOURCE }] },
      context: { tokenUse: 'access' },
    });
    expect(deny).toMatchObject({
      policyDocument: { Statement: [{ Effect: 'Deny', Resource: STAGE_RESOURCE }] },
    });
  });

  it('AppSync: { isAuthorized: true, resolverContext, ttlOverride: 0 }', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    const response = await handler(appSyncEvent(track(signIdToken({ revocation_sid: 's-app' }))));
    expect(response).toMatchObject({
      isAuthorized: true,
      resolverContext: { sessionId: 's-app', tokenUse: 'id' },
      ttlOverride: 0,
    });
  });

  it('AppSync answers always carry ttlOverride: 0, so the API’s cache (300 s by default) never outlives a revocation', async () => {
    // Arrange
    const handler = loadBundle('authorizer', env()).handler;
    // Act
    const allowed = (await handler(appSyncEvent(track(signIdToken())))) as Record<string, unknown>;
    const denied = await invoke(handler, appSyncEvent('not-a-token'));
    // Assert: the key is present with value 0 (absent would let authorizerResultTtlInSeconds apply).
    expect(allowed.isAuthorized).toBe(true);
    expect(Object.hasOwn(allowed, 'ttlOverride')).toBe(true);
    expect(allowed.ttlOverride).toBe(0);
    expect(denied.response).toEqual({ isAuthorized: false, ttlOverride: 0 });
  });

  it('in staleness mode the AppSync allow carries ttlOverride = REVOCATION_STALENESS_SECONDS; a deny still 0', async () => {
    const handler = loadBundle('authorizer', env({ REVOCATION_STALENESS_SECONDS: '2' })).handler;
    const allowed = (await handler(appSyncEvent(track(signIdToken())))) as Record<string, unknown>;
    const denied = await invoke(handler, appSyncEvent('not-a-token'));
    expect(allowed).toMatchObject({ isAuthorized: true, ttlOverride: 2 });
    expect(denied.response).toEqual({ isAuthorized: false, ttlOverride: 0 });
  });
});

describe('revocation scopes, read from dynalite', () => {
  it('user watermark: tokens authenticated at or before notBefore are denied, later ones allowed', async () => {
    // Arrange
    const handler = loadBundle('authorizer', env()).handler;
    const sub = 'user-watermark-1';
    const now = nowSeconds();
    await revoke({ scope: 'user', id: sub, notBefore: now - 100 });
    const before = track(signAccessToken({ sub, auth_time: now - 200, iat: now - 50 }));
    const atWatermark = track(signAccessToken({ sub, auth_time: now - 100, iat: now - 10 }));
    const after = track(signAccessToken({ sub, auth_time: now - 99, iat: now - 99 }));
    // Act
    const denied = await invoke(handler, restTokenEvent(`Bearer ${before}`));
    const deniedAt = await invoke(handler, restTokenEvent(`Bearer ${atWatermark}`));
    const start = output.offset();
    const denyLog = lastDecision(output);
    const allowed = await invoke(handler, restTokenEvent(`Bearer ${after}`));
    // Assert
    expectUnauthorized(denied);
    expectUnauthorized(deniedAt);
    expect(denyLog.decision).toMatchObject({ decision: 'deny', reason: 'revoked', scope: 'user', sub });
    expect(allowed.response).toHaveProperty('principalId', sub);
    expect(lastDecision(output, start).decision).toMatchObject({ decision: 'allow', reason: 'valid' });
  });

  it('origin (refresh-token family): denied by origin_jti, other families allowed', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    await revoke({ scope: 'origin', id: 'family-revoked' });
    const revoked = await invoke(
      handler,
      httpApiEvent({ authorization: track(signIdToken({ origin_jti: 'family-revoked' })) }),
    );
    const other = await invoke(
      handler,
      httpApiEvent({ authorization: track(signIdToken({ origin_jti: 'family-ok' })) }),
    );
    expect(revoked.response).toEqual({ isAuthorized: false });
    expect(lastDecision(output).decision).toMatchObject({ decision: 'allow' });
    expect(other.response).toMatchObject({ isAuthorized: true });
  });

  it('issued session: denied by the session claim, honouring SESSION_CLAIM', async () => {
    const handler = loadBundle('authorizer', env({ SESSION_CLAIM: 'custom:sid' })).handler;
    await revoke({ scope: 'session', id: 'session-revoked' });
    const revoked = await invoke(
      handler,
      appSyncEvent(track(signAccessToken({ 'custom:sid': 'session-revoked' }))),
    );
    const denyLog = lastDecision(output).decision;
    // The default claim name is not read when SESSION_CLAIM says otherwise.
    const otherClaim = await invoke(
      handler,
      appSyncEvent(track(signAccessToken({ revocation_sid: 'session-revoked' }))),
    );
    expect(revoked.response).toEqual({ isAuthorized: false, ttlOverride: 0 });
    expect(denyLog).toMatchObject({ reason: 'revoked', scope: 'session' });
    expect(otherClaim.response).toMatchObject({ isAuthorized: true });
  });

  it('token: denied by jti', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    await revoke({ scope: 'token', id: 'jti-revoked' });
    const result = await invoke(
      handler,
      restRequestEvent({ authorization: `Bearer ${track(signIdToken({ jti: 'jti-revoked' }))}` }),
    );
    expectUnauthorized(result);
    expect(lastDecision(output).decision).toMatchObject({ reason: 'revoked', scope: 'token' });
  });

  it('an expired entry still present in the table (TTL deletes lazily) does not deny', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    const now = nowSeconds();
    await revoke({ scope: 'token', id: 'jti-expired-entry', expiresAt: now - 1 }, 'user-expired-entry');
    await revoke({ scope: 'user', id: 'user-expired-entry', notBefore: now, expiresAt: now });
    const result = await invoke(
      handler,
      restTokenEvent(
        track(signAccessToken({ sub: 'user-expired-entry', jti: 'jti-expired-entry', auth_time: now - 5 })),
      ),
    );
    expect(result.response).toHaveProperty('principalId', 'user-expired-entry');
  });

  it('a revocation written to the table is honoured by the very next decision', async () => {
    // Arrange
    const handler = loadBundle('authorizer', env()).handler;
    const token = track(signAccessToken({ origin_jti: 'family-next', revocation_sid: 'sid-next' }));
    const first = await invoke(handler, restTokenEvent(token));
    // Act
    await revoke({ scope: 'session', id: 'sid-next' });
    const next = await invoke(handler, restTokenEvent(token));
    // Assert
    expect(first.response).toHaveProperty('principalId');
    expectUnauthorized(next);
  });

  it('uses exactly one store round trip per decision, whatever the number of keys', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    const start = output.offset();
    await handler(restTokenEvent(track(signAccessToken({ origin_jti: 'o-rt', revocation_sid: 's-rt' }))));
    const four = lastDecision(output, start).metrics;
    const start2 = output.offset();
    await handler(restTokenEvent(track(signAccessToken({ jti: undefined }))));
    const one = lastDecision(output, start2).metrics;
    expect(four).toMatchObject({ StoreRoundTrips: 1, Allowed: 1, Reason_valid: 1 });
    expect(one).toMatchObject({ StoreRoundTrips: 1 });
  });

  it('with REVOCATION_STALENESS_SECONDS=1 a revocation is refused once its hint is polled (≤ 1 s), not before', async () => {
    const handler = loadBundle('authorizer', env({ REVOCATION_STALENESS_SECONDS: '1' })).handler;
    const token = track(signAccessToken({ jti: 'jti-cached' }));
    await handler(restTokenEvent(token));
    const cachedAt = Date.now();
    await revoke({ scope: 'token', id: 'jti-cached' });
    await createSdkHintStore({ client: dynamo.client, tableName: TABLE }).publish(TEST_SUB, Date.now());
    const start = output.offset();
    const stale = await invoke(handler, restTokenEvent(token));
    const staleMetrics = lastDecision(output, start).metrics;
    const withinS = Date.now() - cachedAt < 900; // a loaded machine may already have polled
    await new Promise((r) => setTimeout(r, 1100));
    const start2 = output.offset();
    const fresh = await invoke(handler, restTokenEvent(token));
    const freshMetrics = lastDecision(output, start2).metrics;
    if (withinS) {
      expect(stale.response).toHaveProperty('principalId');
      expect(staleMetrics).toMatchObject({ CacheHits: 1 }); // one cached answer per user, no read
      expect(staleMetrics).not.toHaveProperty('StoreRoundTrips');
    }
    expectUnauthorized(fresh);
    expect(freshMetrics).toMatchObject({ HintPolls: 1 });
    expect(freshMetrics).toHaveProperty('StoreRoundTrips'); // the poll (Query) and, unless polled before, the read
  });
});

describe('JWKS', () => {
  it('is not fetched at load, fetched once at first use, then served from the container cache', async () => {
    const before = jwks.requests;
    const handler = loadBundle('authorizer', env()).handler;
    const atLoad = jwks.requests;
    for (let i = 0; i < 5; i++) await handler(restTokenEvent(track(signAccessToken())));
    expect(atLoad).toBe(before);
    expect(jwks.requests).toBe(before + 1);
  });
});

describe('JWKS rotation and outages', () => {
  it('a token signed with a key added to the JWKS later is accepted after one refetch', async () => {
    // Arrange
    const rotated = createSigningKey('rotated-key-2');
    const server = await startJwksServer();
    try {
      const handler = loadBundle('authorizer', env({ JWKS_URI: server.uri })).handler;
      await handler(restTokenEvent(track(signAccessToken())));
      server.setJwks(testJwks(rotated));
      // Act
      const response = await handler(restTokenEvent(track(signAccessToken({}, { key: rotated }))));
      // Assert
      expect(response).toHaveProperty('principalId');
      expect(server.requests).toBe(2);
    } finally {
      await server.stop();
    }
  });

  it('a JWKS that cannot be fetched denies with jwks_unavailable (no allow, no crash)', async () => {
    const server = await startJwksServer();
    server.setStatus(500);
    try {
      const handler = loadBundle('authorizer', env({ JWKS_URI: server.uri })).handler;
      const result = await invoke(handler, restTokenEvent(track(signAccessToken())));
      expectUnauthorized(result);
      expect(lastDecision(output).decision).toMatchObject({ reason: 'jwks_unavailable' });
    } finally {
      await server.stop();
    }
  });
});

describe('store failures', () => {
  it('fails closed within the deadline when the table endpoint is down', async () => {
    // Arrange
    const down = await startDynalite();
    const endpoint = down.endpoint;
    await down.stop();
    const handler = loadBundle(
      'authorizer',
      env({ AWS_ENDPOINT_URL_DYNAMODB: endpoint, STORE_TIMEOUT_MS: '300' }),
    ).handler;
    // Act
    const started = performance.now();
    const result = await invoke(handler, restTokenEvent(track(signAccessToken())));
    const elapsed = performance.now() - started;
    // Assert
    expectUnauthorized(result);
    expect(elapsed).toBeLessThan(300 + 1000); // bounded: deadline plus a JWKS fetch
    expect(lastDecision(output).decision).toMatchObject({ reason: 'store_error', errorKind: 'unavailable' });
    expect(lastDecision(output).metrics).toMatchObject({ StoreErrors: 1, Denied: 1 });
  });

  it('fails closed within the deadline when the endpoint accepts connections and never answers', async () => {
    const hole = await startBlackhole();
    try {
      const handler = loadBundle(
        'authorizer',
        env({ AWS_ENDPOINT_URL_DYNAMODB: hole.endpoint, STORE_TIMEOUT_MS: '200', STORE_MAX_ATTEMPTS: '2' }),
      ).handler;
      await handler(appSyncEvent(track(signIdToken()))); // warm the JWKS so only the store is timed
      const started = performance.now();
      const result = await invoke(handler, httpApiEvent({ authorization: `Bearer ${track(signIdToken())}` }));
      const elapsed = performance.now() - started;
      expect(result.response).toEqual({ isAuthorized: false });
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(200 + 1000); // bounded (generous: the box is shared)
      expect(lastDecision(output).decision).toMatchObject({ reason: 'store_error', errorKind: 'timeout' });
    } finally {
      await hole.stop();
    }
  });

  it('FAIL_MODE=open allows but flags the decision in the log and the metrics', async () => {
    const hole = await startBlackhole();
    try {
      const handler = loadBundle(
        'authorizer',
        env({ AWS_ENDPOINT_URL_DYNAMODB: hole.endpoint, STORE_TIMEOUT_MS: '100', FAIL_MODE: 'open' }),
      ).handler;
      const result = await invoke(handler, restTokenEvent(track(signAccessToken())));
      const { decision, metrics } = lastDecision(output);
      expect(result.response).toHaveProperty('principalId');
      expect(decision).toMatchObject({ level: 'warn', decision: 'allow', reason: 'fail_open' });
      expect(metrics).toMatchObject({ FailOpen: 1, StoreErrors: 1, Allowed: 1 });
    } finally {
      await hole.stop();
    }
  });

  it('a malformed stored entry fails closed (never guessed)', async () => {
    const handler = loadBundle('authorizer', env()).handler;
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          pk: { S: 'user#user-malformed' },
          sk: { S: 'rev#token#jti-malformed' },
          expiresAt: { S: 'soon' },
        },
      }),
    );
    const result = await invoke(
      handler,
      restTokenEvent(track(signAccessToken({ sub: 'user-malformed', jti: 'jti-malformed' }))),
    );
    expectUnauthorized(result);
    expect(lastDecision(output).decision).toMatchObject({ reason: 'store_error', errorKind: 'malformed' });
  });
});

describe('malformed and unacceptable input is denied, REST only ever throws Unauthorized', () => {
  const otherKey = createSigningKey('attacker-key');
  const sameKidWrongKey = createSigningKey(TEST_KID);
  const now = nowSeconds();
  const cases: [string, string, () => unknown][] = [
    ['empty string', 'missing_token', () => ''],
    ['garbage', 'malformed_token', () => 'not-a-jwt'],
    ['three garbage segments', 'malformed_token', () => 'a.b.c'],
    ['Bearer with nothing', 'malformed_token', () => 'Bearer '],
    ['two tokens', 'malformed_token', () => `Bearer ${track(signAccessToken())} ${track(signAccessToken())}`],
    ['number instead of string', 'malformed_token', () => 42],
    ['object instead of string', 'malformed_token', () => ({ token: 'x' })],
    [
      'alg none, no signature',
      'malformed_token',
      () => encodeUnsignedJwt({ alg: 'none', kid: TEST_KID }, idTokenClaims()),
    ],
    [
      'alg HS256 header over an RS256 signature',
      'invalid_signature',
      () => track(signIdToken({}, { header: { alg: 'HS256' } })),
    ],
    [
      'alg RS512 header over an RS256 signature',
      'invalid_signature',
      () => track(signIdToken({}, { header: { alg: 'RS512' } })),
    ],
    ['no kid', 'unknown_kid', () => track(signIdToken({}, { header: { kid: undefined } }))],
    ['unknown kid', 'unknown_kid', () => track(signIdToken({}, { key: otherKey }))],
    ['known kid, wrong key', 'invalid_signature', () => track(signIdToken({}, { key: sameKidWrongKey }))],
    [
      'tampered payload',
      'invalid_signature',
      () => {
        const [h, , s] = track(signIdToken()).split('.');
        return `${h}.${Buffer.from(JSON.stringify(idTokenClaims({ sub: 'someone-else' }))).toString('base64url')}.${s}`;
      },
    ],
    [
      'wrong issuer',
      'wrong_issuer',
      () => track(signIdToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool' })),
    ],
    [
      'issuer of an emulator',
      'wrong_issuer',
      () => track(signIdToken({ iss: 'http://127.0.0.1:9229/us-east-1_TestPool1' })),
    ],
    ['wrong client (id token aud)', 'wrong_client', () => track(signIdToken({ aud: OTHER_CLIENT_ID }))],
    [
      'wrong client (access token client_id)',
      'wrong_client',
      () => track(signAccessToken({ client_id: OTHER_CLIENT_ID })),
    ],
    ['unknown token use', 'wrong_token_use', () => track(signIdToken({ token_use: 'refresh' }))],
    [
      'expired',
      'expired',
      () => track(signAccessToken({ exp: now - 10, iat: now - 3610, auth_time: now - 3610 })),
    ],
    ['not yet valid (nbf)', 'expired', () => track(signAccessToken({ nbf: now + 600 }))],
    ['no sub', 'invalid_claims', () => track(signAccessToken({ sub: undefined }))],
    ['no iat', 'invalid_claims', () => track(signAccessToken({ iat: undefined }))],
    [
      'oversized (20 KiB)',
      'malformed_token',
      () => `Bearer ${track(signAccessToken({ padding: 'x'.repeat(20 * 1024) }))}`,
    ],
    [
      'signed with the JWKS public key as an HMAC secret',
      'invalid_signature',
      () => {
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: TEST_KID })).toString('base64url');
        const payload = Buffer.from(JSON.stringify(idTokenClaims())).toString('base64url');
        const secret = testSigningKey().publicKey.export({ type: 'spki', format: 'pem' });
        const { createHmac } = require('node:crypto') as typeof import('node:crypto');
        const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
        return `${header}.${payload}.${sig}`;
      },
    ],
    [
      'a JWT signed for another pool with another key and kid',
      'wrong_issuer',
      () => signJwt({ alg: 'RS256', kid: 'x' }, idTokenClaims({ iss: 'https://example.com' }), otherKey),
    ],
  ];

  let handler: Handler;
  beforeAll(() => {
    handler = loadBundle('authorizer', env()).handler;
  });

  it.each(cases)('REST TOKEN: %s → %s', async (_name, reason, make) => {
    const value = make();
    const result = await invoke(handler, restTokenEvent(value));
    expectUnauthorized(result);
    expect(lastDecision(output).decision).toMatchObject({ decision: 'deny', reason });
  });

  it.each(cases)('REST REQUEST / HTTP API / AppSync: %s', async (_name, _reason, make) => {
    const value = make();
    const header = typeof value === 'string' ? value : undefined;
    const rest = await invoke(handler, restRequestEvent({ Authorization: value }));
    const http = await invoke(handler, httpApiEvent(header === undefined ? {} : { authorization: header }));
    const appsync = await invoke(handler, appSyncEvent(value));
    expectUnauthorized(rest);
    expect(http).toEqual({ response: { isAuthorized: false } });
    expect(appsync).toEqual({ response: { isAuthorized: false, ttlOverride: 0 } });
  });

  it('TOKEN_USE=access refuses ID tokens (and TOKEN_USE=id refuses access tokens)', async () => {
    const accessOnly = loadBundle('authorizer', env({ TOKEN_USE: 'access' })).handler;
    const idRefused = await invoke(accessOnly, restTokenEvent(track(signIdToken())));
    const accessOk = await invoke(accessOnly, restTokenEvent(track(signAccessToken())));
    const idOnly = loadBundle('authorizer', env({ TOKEN_USE: 'id' })).handler;
    const accessRefused = await invoke(idOnly, appSyncEvent(track(signAccessToken())));
    expectUnauthorized(idRefused);
    expect(accessOk.response).toHaveProperty('principalId');
    expect(accessRefused.response).toEqual({ isAuthorized: false, ttlOverride: 0 });
    expect(lastDecision(output).decision).toMatchObject({ reason: 'wrong_token_use' });
    handler = loadBundle('authorizer', env()).handler;
  });

  it('missing or ambiguous Authorization headers deny', async () => {
    const token = track(signAccessToken());
    const noHeaders = await invoke(handler, restRequestEvent(null));
    const twoSpellings = await invoke(
      handler,
      restRequestEvent({ authorization: `Bearer ${token}`, Authorization: 'Bearer x' }),
    );
    const httpNone = await invoke(handler, httpApiEvent(undefined));
    expectUnauthorized(noHeaders);
    expectUnauthorized(twoSpellings);
    expect(httpNone.response).toEqual({ isAuthorized: false });
  });

  it('unrecognised events deny without crashing (and throw Unauthorized only when they carry a methodArn)', async () => {
    const events: unknown[] = [
      null,
      undefined,
      0,
      'TOKEN',
      [],
      {},
      { type: 'TOKEN' },
      { version: '2.0' },
      { requestContext: {} },
    ];
    for (const event of events) {
      expect(await invoke(handler, event)).toEqual({ response: { isAuthorized: false } });
    }
    expectUnauthorized(await invoke(handler, { type: 'SOMETHING', methodArn: METHOD_ARN }));
    const badArn = await invoke(handler, restTokenEvent(track(signAccessToken()), 'not-an-arn'));
    expectUnauthorized(badArn);
    expect(lastDecision(output).decision).toMatchObject({ reason: 'unrecognised_event' });
  });
});

describe('configuration errors', () => {
  it('denies every request and says clearly what is wrong, at the first invocation', async () => {
    // Arrange
    const handler = loadBundle(
      'authorizer',
      env({ USER_POOL_ID: 'not a pool', CLIENT_IDS: '', STORE_TIMEOUT_MS: '10', FAIL_MODE: 'maybe' }),
    ).handler;
    const start = output.offset();
    // Act
    const rest = await invoke(handler, restTokenEvent(track(signAccessToken())));
    const http = await invoke(handler, httpApiEvent({ authorization: track(signAccessToken()) }));
    // Assert
    expectUnauthorized(rest);
    expect(http.response).toEqual({ isAuthorized: false });
    const records = output.json(start);
    const error = records.find((r) => r.level === 'error');
    expect(String(error?.message)).toContain('USER_POOL_ID must look like');
    expect(String(error?.message)).toContain('CLIENT_IDS is required');
    expect(String(error?.message)).toContain('STORE_TIMEOUT_MS must be an integer from 50 to 5000');
    expect(String(error?.message)).toContain('FAIL_MODE must be one of closed, open');
    expect(records.filter((r) => r.reason === 'config_error' && r.decision === 'deny')).toHaveLength(2);
    expect(records.filter((r) => r.level === 'error')).toHaveLength(1);
  });

  it('refuses a plain-http JWKS_URI that is not loopback', async () => {
    const handler = loadBundle('authorizer', env({ JWKS_URI: 'http://example.com/jwks.json' })).handler;
    const start = output.offset();
    const result = await invoke(handler, appSyncEvent(track(signAccessToken())));
    expect(result.response).toEqual({ isAuthorized: false, ttlOverride: 0 });
    expect(output.lines(start).join('\n')).toContain('JWKS_URI must be https');
  });
});
