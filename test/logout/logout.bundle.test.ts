/**
 * Self-service logout end to end, on the BUILT functions (dist/logout behind dist/authorizer)
 * against dynalite: the authorizer's answer becomes the logout event's `requestContext.authorizer` exactly as API
 * Gateway passes it (REST proxy: the context keys; HTTP API 2.0: under `lambda`). The logout revokes only the
 * caller's own session — another session of the same user and another user keep working — and, asked for
 * `everywhere`, all of the caller's sessions and still nobody else's. The identity is the authorizer context: a
 * body naming someone else changes nothing.
 *
 * Cognito's RevokeToken / GlobalSignOut: not implemented by cognito-local 5.3.0; the calls are answered by a
 * loopback stub here (recorded, so the test sees they were made with the caller's own tokens) — the tokens never
 * appear in any log line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import {
  nowSeconds,
  signAccessToken,
  signIdToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';

const TABLE = 'blocklist-logout';
const ROUTE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/POST/logout';
const ALICE = 'a11ce000-0000-4000-8000-000000000001';
const BOB = 'b0b00000-0000-4000-8000-000000000002';
let dynamo: LocalDynamo;
let jwks: JwksServer;
let capture: Capture;
let authorizer: Handler;
let logout: { handler: Handler; restore: () => void };
let cognitoStub: Server;
const cognitoCalls: { target: string; body: Record<string, unknown> }[] = [];

/** A user's session: its tokens carry the session claim and the refresh family. */
function session(sub: string, sid: string, family: string) {
  const authTime = nowSeconds() - 30;
  const claims = { sub, auth_time: authTime, iat: authTime, revocation_sid: sid, origin_jti: family };
  return { access: signAccessToken(claims), id: signIdToken(claims) };
}

function httpEvent(token: string, body?: unknown) {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: ROUTE_ARN,
    identitySource: [`Bearer ${token}`],
    headers: { authorization: `Bearer ${token}` },
    requestContext: { http: { method: 'POST', path: '/logout' } },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

async function allowed(token: string): Promise<boolean> {
  const answer = (await authorizer(httpEvent(token))) as { isAuthorized?: boolean };
  return answer.isAuthorized === true;
}

/** API Gateway (HTTP API, simple responses): authorize, then call the integration with the context. */
async function callLogout(token: string, body?: unknown, shape: 'http' | 'rest' = 'http') {
  const auth = (await authorizer(httpEvent(token))) as {
    isAuthorized: boolean;
    context?: Record<string, unknown>;
  };
  if (!auth.isAuthorized) return { statusCode: 401, body: '{}' };
  const base = httpEvent(token, body);
  const event =
    shape === 'http'
      ? { ...base, requestContext: { ...base.requestContext, authorizer: { lambda: auth.context } } }
      : {
          resource: '/logout',
          httpMethod: 'POST',
          headers: { Authorization: `Bearer ${token}` },
          body: body === undefined ? null : JSON.stringify(body),
          requestContext: { authorizer: { ...auth.context, principalId: auth.context?.sub } },
        };
  return (await logout.handler(event, { getRemainingTimeInMillis: () => 10_000 })) as {
    statusCode: number;
    body: string;
  };
}

beforeAll(async () => {
  [dynamo, jwks] = await Promise.all([startDynalite(), startJwksServer()]);
  await dynamo.createTable(TABLE);
  cognitoStub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      cognitoCalls.push({
        target: String(req.headers['x-amz-target']).split('.').pop() ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => cognitoStub.listen(0, '127.0.0.1', resolve));
  capture = captureOutput({ stderr: false });
  authorizer = await loadAuthorizer({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  logout = loadWithEnvironment('logout', {
    TABLE_NAME: TABLE,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: `http://127.0.0.1:${(cognitoStub.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  capture?.restore();
  logout?.restore();
  await new Promise<void>((resolve) => cognitoStub?.close(() => resolve()));
  await Promise.all([dynamo?.stop(), jwks?.stop()]);
});

describe('self-service logout behind the authorizer', () => {
  it('revokes only the calling session: the same user’s other session and another user keep working', async () => {
    // Arrange
    const laptop = session(ALICE, 'aa01', 'family-laptop');
    const phone = session(ALICE, 'aa02', 'family-phone');
    const bob = session(BOB, 'bb01', 'family-bob');
    // Act
    const answer = await callLogout(laptop.access);
    // Assert
    expect(answer.statusCode).toBe(200);
    const result = JSON.parse(answer.body);
    expect(result).toMatchObject({ ok: true, operation: 'logout', user: { sub: ALICE }, everywhere: false });
    const revoked = result.revoked.map((r: { scope: string; id: string }) => `${r.scope}:${r.id}`);
    expect(revoked).toHaveLength(3);
    expect(revoked).toEqual(
      expect.arrayContaining(['origin:family-laptop', 'session:aa01', expect.stringMatching(/^token:/)]),
    );
    expect(await allowed(laptop.access)).toBe(false);
    expect(await allowed(laptop.id)).toBe(false); // the same session's ID token (session claim and family)
    expect(await allowed(phone.access)).toBe(true);
    expect(await allowed(bob.access)).toBe(true);
  });

  it('the body cannot name another user or session', async () => {
    const mine = session(ALICE, 'aa03', 'family-tablet');
    const bob = session(BOB, 'bb02', 'family-bob-2');
    const answer = await callLogout(mine.access, { sub: BOB, sessionId: 'bb02' });
    expect(answer.statusCode).toBe(400);
    expect(await allowed(bob.access)).toBe(true);
    expect(await allowed(mine.access)).toBe(true);
  });

  it('REST proxy shape; the refresh token goes to Cognito RevokeToken with the caller’s client id, never to a log', async () => {
    // Arrange
    const mine = session(ALICE, 'aa04', 'family-desktop');
    const refreshToken = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.cmVmcmVzaA.aXY.Y2lwaGVy.dGFn';
    const start = capture.offset();
    cognitoCalls.length = 0;
    // Act
    const answer = await callLogout(mine.access, { refreshToken }, 'rest');
    // Assert
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, cognito: { revokeToken: { done: true } } });
    expect(cognitoCalls).toEqual([
      { target: 'RevokeToken', body: { Token: refreshToken, ClientId: TEST_CLIENT_ID } },
    ]);
    const logged = capture.lines(start).join('\n');
    expect(logged).not.toContain(refreshToken);
    expect(logged).not.toContain(mine.access);
    expect(answer.body).not.toContain(refreshToken);
    expect(await allowed(mine.access)).toBe(false);
  });

  it('everywhere: every session of the caller ends (GlobalSignOut with the caller’s access token); other users keep working', async () => {
    // Arrange
    const one = session(ALICE, 'aa05', 'family-5');
    const two = session(ALICE, 'aa06', 'family-6');
    const bob = session(BOB, 'bb03', 'family-bob-3');
    cognitoCalls.length = 0;
    // Act
    const answer = await callLogout(one.access, { everywhere: true });
    // Assert
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      ok: true,
      everywhere: true,
      cognito: { globalSignOut: { done: true } },
      watermark: { inForce: true },
    });
    expect(cognitoCalls).toEqual([{ target: 'GlobalSignOut', body: { AccessToken: one.access } }]);
    expect(await allowed(two.access)).toBe(false);
    expect(await allowed(bob.access)).toBe(true);
  });

  it('no authorizer identity: 401, nothing written', async () => {
    const answer = (await logout.handler({ headers: {}, requestContext: {} })) as { statusCode: number };
    expect(answer.statusCode).toBe(401);
  });
});
