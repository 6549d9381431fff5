/**
 * The BUILT introspection function (dist/introspection) against dynalite and a loopback JWKS: RFC 7662 answers —
 * the RFC's fields for an active token, exactly `{"active": false}` for revoked, invalid or expired ones — only to
 * a caller holding the dedicated scope, `Cache-Control` bounded by S, 503 when the store cannot answer (closed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { startBlackhole } from '../fixtures/network.js';
import {
  nowSeconds,
  signAccessToken,
  signIdToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';
import { revoke, TABLE } from '../library/support.js';
import {
  CALLER_CLIENT_ID,
  callerToken,
  formEvent,
  INTROSPECT_SCOPE,
  REVOKE_SCOPE,
  type UrlResponse,
} from './support.js';

let dynamo: LocalDynamo;
let jwks: JwksServer;
let capture: Capture;
const issued: string[] = [];
const track = (t: string) => {
  issued.push(t);
  return t;
};

function env(overrides: Record<string, string> = {}) {
  return {
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    CALLER_CLIENT_IDS: CALLER_CLIENT_ID,
    CALLER_SCOPE: INTROSPECT_SCOPE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    // The largest deadline the function accepts: a store that answers must never look down because the box is
    // slow. The store-down test sets its own short one (a black hole never answers, however long we wait).
    STORE_TIMEOUT_MS: '5000',
    ...overrides,
  };
}

/** A fresh container of the built function with `overrides`; the environment stays set while it is used. */
async function withFunction<T>(
  overrides: Record<string, string>,
  run: (h: Handler) => Promise<T>,
): Promise<T> {
  const fn = loadWithEnvironment('introspection', env(overrides));
  try {
    return await run(fn.handler);
  } finally {
    fn.restore();
  }
}

const introspect = async (handler: Handler, token: string, caller = callerToken(INTROSPECT_SCOPE)) =>
  (await handler(formEvent({ token, token_type_hint: 'access_token' }, `Bearer ${caller}`))) as UrlResponse;

beforeAll(async () => {
  [dynamo, jwks] = await Promise.all([startDynalite(), startJwksServer()]);
  await dynamo.createTable(TABLE);
  capture = captureOutput({ stderr: false });
});
afterAll(async () => {
  capture.restore();
  await Promise.all([dynamo.stop(), jwks.stop()]);
  const all = capture.lines().join('\n');
  for (const t of issued) expect(all.includes(t.split('.')[2] ?? t)).toBe(false);
});

describe('RFC 7662 introspection', () => {
  it('active with the RFC fields; after a revocation exactly {"active": false}, at once (exact reads)', async () => {
    // Arrange
    const sub = 'c0c0c0c0-0000-4000-8000-000000000001';
    const token = track(signAccessToken({ sub, jti: 'intro-jti-1' }));
    await withFunction({}, async (handler) => {
      // Act
      const before = await introspect(handler, token);
      await revoke(dynamo, { sub, scope: 'token', id: 'intro-jti-1' });
      const after = await introspect(handler, token);
      // Assert
      expect(before.statusCode).toBe(200);
      expect(JSON.parse(before.body)).toMatchObject({
        active: true,
        sub,
        client_id: TEST_CLIENT_ID,
        token_type: 'Bearer',
        token_use: 'access',
        jti: 'intro-jti-1',
        scope: 'aws.cognito.signin.user.admin openid',
      });
      expect(before.headers['cache-control']).toBe('no-store');
      expect(after.statusCode).toBe(200);
      expect(JSON.parse(after.body)).toEqual({ active: false });
    });
  });

  it('expired, forged and foreign-client tokens are inactive; an ID token is introspected too', async () => {
    await withFunction({}, async (handler) => {
      // Act
      const expired = await introspect(handler, track(signAccessToken({ exp: nowSeconds() - 5 })));
      const forged = await introspect(handler, 'eyJhbGciOiJub25lIn0.e30.');
      const foreign = await introspect(handler, track(signAccessToken({ client_id: 'someoneelse12345' })));
      const id = await introspect(
        handler,
        track(signIdToken({ sub: 'c0c0c0c0-0000-4000-8000-000000000002' })),
      );
      // Assert
      for (const r of [expired, forged, foreign]) expect(JSON.parse(r.body)).toEqual({ active: false });
      expect(JSON.parse(id.body)).toMatchObject({ active: true, token_use: 'id' });
    });
  });

  it('refuses callers without the dedicated scope, without a token, or of another client', async () => {
    await withFunction({}, async (handler) => {
      const token = track(signAccessToken());
      // Act
      const wrongScope = await introspect(handler, token, callerToken(REVOKE_SCOPE));
      const otherClient = await introspect(
        handler,
        token,
        callerToken(INTROSPECT_SCOPE, 'notallowed0123456789'),
      );
      const userToken = await introspect(handler, token, token);
      const none = (await handler(formEvent({ token }))) as UrlResponse;
      const get = (await handler(
        formEvent({ token }, `Bearer ${callerToken(INTROSPECT_SCOPE)}`, 'GET'),
      )) as UrlResponse;
      // Assert
      for (const r of [wrongScope, otherClient, userToken, none]) {
        expect(r.statusCode).toBe(401);
        expect(JSON.parse(r.body).error).toBe('invalid_client');
      }
      expect(get.statusCode).toBe(405);
    });
  });

  it('Cache-Control max-age is the bound S, and never past the token’s expiry', async () => {
    await withFunction({ REVOCATION_STALENESS_SECONDS: '10' }, async (handler) => {
      // Act: the ending token must still be alive when it is introspected, on a loaded box too (6 s of margin);
      // any max-age from 1 to 6 is bounded by its expiry, the bound S (10) would not be.
      const active = await introspect(handler, track(signAccessToken()));
      const ending = await introspect(handler, track(signAccessToken({ exp: nowSeconds() + 6 })));
      const inactive = await introspect(handler, 'x.y.z');
      // Assert
      expect(active.headers['cache-control']).toBe('private, max-age=10');
      expect(JSON.parse(ending.body)).toMatchObject({ active: true });
      expect(ending.headers['cache-control']).toMatch(/^private, max-age=[1-6]$|^no-store$/);
      expect(inactive.headers['cache-control']).toBe('private, max-age=10');
    });
  });

  it('store down: 503 in closed mode (never active unchecked); open mode answers by the JWT', async () => {
    const hole = await startBlackhole();
    const token = track(signAccessToken({ sub: 'c0c0c0c0-0000-4000-8000-000000000003' }));
    // Act
    const down = { AWS_ENDPOINT_URL_DYNAMODB: hole.endpoint, STORE_TIMEOUT_MS: '150' };
    const closed = await withFunction(down, (h) => introspect(h, token));
    const open = await withFunction({ ...down, FAIL_MODE: 'open' }, (h) => introspect(h, token));
    await hole.stop();
    // Assert
    expect(closed.statusCode).toBe(503);
    expect(closed.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(open.body)).toMatchObject({ active: true });
  });
});

describe("Envoy's ext_authz (HTTP service) under /ext-authz", () => {
  const check = (handler: Handler, headers: Record<string, string>) =>
    handler({
      version: '2.0',
      rawPath: '/ext-authz/orders/42',
      headers,
      requestContext: { http: { method: 'GET', path: '/ext-authz/orders/42' } },
    }) as Promise<UrlResponse>;

  it('200 with the identity headers; 401 once revoked; 403 without the caller header', async () => {
    // Arrange
    const sub = 'c0c0c0c0-0000-4000-8000-000000000004';
    const token = track(signAccessToken({ sub, jti: 'envoy-jti' }));
    const caller = `Bearer ${callerToken(INTROSPECT_SCOPE)}`;
    await withFunction({}, async (handler) => {
      // Act
      const ok = await check(handler, { authorization: `Bearer ${token}`, 'x-revocation-caller': caller });
      await revoke(dynamo, { sub, scope: 'token', id: 'envoy-jti' });
      const revoked = await check(handler, {
        authorization: `Bearer ${token}`,
        'x-revocation-caller': caller,
      });
      const noCaller = await check(handler, { authorization: `Bearer ${token}` });
      // Assert
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-auth-sub']).toBe(sub);
      expect(revoked.statusCode).toBe(401);
      expect(revoked.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(noCaller.statusCode).toBe(403);
    });
  });
});
