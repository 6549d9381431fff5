/**
 * "ok means in force" for self-service logout, on the BUILT function (dist/logout) against dynalite behind a test
 * proxy: a session-entry write that returned but is not in the table is not reported as revoked. The logout answers
 * 503 (nothing proven stored: the caller may retry) with `ok: false`, the entry under `unwritten`, and the read-back's
 * exposure. The event is a REST proxy event whose `requestContext.authorizer` holds what the authorizer puts there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../fixtures/dynamo-proxy.js';
import { type Handler, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { nowSeconds } from '../fixtures/tokens.js';

const TABLE = 'blocklist-logout-read-back';
const SUB = 'c0ffee00-0000-4000-8000-000000000003';
let dynamo: LocalDynamo;
let proxy: DynamoProxy;
let capture: Capture;
let logout: { handler: Handler; restore: () => void };

function event(sessionId: string, exp: number) {
  return {
    resource: '/logout',
    httpMethod: 'POST',
    headers: {},
    body: null,
    requestContext: {
      authorizer: { principalId: SUB, sub: SUB, sessionId, exp: String(exp), tokenUse: 'id' },
    },
  };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  proxy = await startDynamoProxy(dynamo.endpoint);
  capture = captureOutput({ stderr: false });
  logout = loadWithEnvironment('logout', {
    TABLE_NAME: TABLE,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  });
});
afterAll(async () => {
  capture?.restore();
  logout?.restore();
  await Promise.all([proxy?.stop(), dynamo?.stop()]);
});

describe('logout: ok means in force', () => {
  it('a session entry whose write returned but is not stored: 503, ok false, unwritten, exposure until when', async () => {
    // Arrange
    proxy.acknowledgeWithoutWriting('PutItem', 1, (r) =>
      String((r.Item as Record<string, { S?: string }>)?.sk?.S ?? '').startsWith('rev#session#'),
    );
    const exp = nowSeconds() + 900;
    // Act
    const response = (await logout.handler(event('lost-session-1', exp), {
      getRemainingTimeInMillis: () => 10_000,
    })) as { statusCode: number; body: string };
    // Assert
    const body = JSON.parse(response.body);
    expect(response.statusCode).toBe(503);
    expect(body).toMatchObject({
      ok: false,
      revoked: [],
      unwritten: [{ sub: SUB, scope: 'session', id: 'lost-session-1' }],
      readBack: { inForce: false },
    });
    expect(body.readBack.exposedUntil).toBeGreaterThanOrEqual(nowSeconds() + 3600 - 5);
    expect(body.error.message).toContain('not proven in force by the read-back');
  });

  it('the same logout with the write stored: 200, ok true, the entry proven', async () => {
    const response = (await logout.handler(event('kept-session-2', nowSeconds() + 900), {
      getRemainingTimeInMillis: () => 10_000,
    })) as { statusCode: number; body: string };
    const body = JSON.parse(response.body);
    expect(response.statusCode).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      revoked: [{ scope: 'session', id: 'kept-session-2' }],
      unwritten: [],
      readBack: { inForce: true, missing: [] },
    });
  });
});
