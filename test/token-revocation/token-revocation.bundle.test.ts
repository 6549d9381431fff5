/**
 * The BUILT RFC 7009 function (dist/token-revocation) against dynalite and a loopback JWKS: an access or ID token is
 * revoked through the revocation service (200 only once read back; the library's verifier then refuses it), a
 * refresh token needs the client id of one of the pool's app clients, invalid tokens answer 200 with nothing
 * done, callers need the dedicated scope, and a store that cannot be written answers 503. Refresh tokens against
 * cognito-local, the whole family: refresh-family.bundle.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { closedPortEndpoint } from '../fixtures/network.js';
import {
  nowSeconds,
  signAccessToken,
  signIdToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from '../fixtures/tokens.js';
import {
  CALLER_CLIENT_ID,
  callerToken,
  formEvent,
  INTROSPECT_SCOPE,
  REVOKE_SCOPE,
  type UrlResponse,
} from '../introspection/support.js';
import { type LibraryModule, loadLibrary, TABLE, verifierOptions } from '../library/support.js';

let dynamo: LocalDynamo;
let jwks: JwksServer;
let capture: Capture;
let lib: LibraryModule;
let cognitoDown: string;
const REFRESH = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.aaaa.bbbb.cccc.dddd';

function env(overrides: Record<string, string> = {}) {
  return {
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    CALLER_CLIENT_IDS: CALLER_CLIENT_ID,
    CALLER_SCOPE: REVOKE_SCOPE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    // No test here reaches Cognito: an access or ID token never goes there.
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoDown,
    ...overrides,
  };
}

async function withFunction<T>(
  overrides: Record<string, string>,
  run: (h: Handler) => Promise<T>,
): Promise<T> {
  const fn = loadWithEnvironment('token-revocation', env(overrides));
  try {
    return await run(fn.handler);
  } finally {
    fn.restore();
  }
}

const post = async (handler: Handler, form: Record<string, string>, caller = callerToken(REVOKE_SCOPE)) =>
  (await handler(formEvent(form, `Bearer ${caller}`))) as UrlResponse;

beforeAll(async () => {
  [dynamo, jwks] = await Promise.all([startDynalite(), startJwksServer()]);
  await dynamo.createTable(TABLE);
  lib = loadLibrary();
  cognitoDown = await closedPortEndpoint();
  capture = captureOutput({ stderr: false });
});
afterAll(async () => {
  capture.restore();
  await Promise.all([dynamo.stop(), jwks.stop()]);
  const all = capture.lines().join('\n');
  expect(all).not.toContain(REFRESH);
  expect(all).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}/);
});

describe('RFC 7009 token revocation', () => {
  it('an access token: 200 once in force, and the library refuses it at once', async () => {
    // Arrange
    const sub = 'd0d0d0d0-0000-4000-8000-000000000001';
    const token = signAccessToken({ sub, jti: 'rfc7009-access' });
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri));
    await verifier.verify(token);
    // Act
    const answer = await withFunction({}, (h) => post(h, { token, token_type_hint: 'access_token' }));
    const after = await verifier.verify(token).catch((e: unknown) => e);
    // Assert
    expect(answer.statusCode).toBe(200);
    expect(after).toMatchObject({ name: 'TokenRevokedError', scope: 'token' });
    verifier.close();
  });

  it('an ID token: only that token — another token of the same user still passes', async () => {
    // Arrange
    const sub = 'd0d0d0d0-0000-4000-8000-000000000002';
    const id = signIdToken({ sub, jti: 'rfc7009-id' });
    const other = signAccessToken({ sub, jti: 'rfc7009-other' });
    const verifier = lib.createRevocationVerifier(verifierOptions(dynamo, jwks.uri));
    // Act
    const answer = await withFunction({}, (h) => post(h, { token: id }));
    // Assert
    expect(answer.statusCode).toBe(200);
    await expect(verifier.verify(id)).rejects.toMatchObject({ name: 'TokenRevokedError' });
    await expect(verifier.verify(other)).resolves.toMatchObject({ sub });
    verifier.close();
  });

  it('a refresh token without one of the pool’s app client ids: 400, nothing sent anywhere', async () => {
    // Act
    const noClient = await withFunction({}, (h) => post(h, { token: REFRESH }));
    const otherClient = await withFunction({}, (h) =>
      post(h, { token: REFRESH, client_id: 'someoneelse0000' }),
    );
    // Assert
    expect([noClient.statusCode, otherClient.statusCode]).toEqual([400, 400]);
  });

  it('invalid or expired tokens: 200, nothing written; callers need the revocation scope', async () => {
    await withFunction({}, async (h) => {
      // Act
      const expired = await post(h, { token: signAccessToken({ exp: nowSeconds() - 5 }) });
      const junk = await post(h, { token: 'a.b.c' });
      const wrongScope = await post(h, { token: 'a.b.c' }, callerToken(INTROSPECT_SCOPE));
      const badHint = await post(h, { token: 'a.b.c', token_type_hint: 'saml' });
      // Assert
      expect(expired.statusCode).toBe(200);
      expect(junk.statusCode).toBe(200);
      expect(wrongScope.statusCode).toBe(401);
      expect(badHint.statusCode).toBe(400);
      expect(JSON.parse(badHint.body).error).toBe('unsupported_token_type');
    });
  });

  it('a store that cannot be written: 503 (the caller retries), never 200', async () => {
    // Arrange
    const down = await closedPortEndpoint();
    // Act
    const answer = await withFunction({ AWS_ENDPOINT_URL_DYNAMODB: down }, (h) =>
      post(h, {
        token: signAccessToken({ sub: 'd0d0d0d0-0000-4000-8000-000000000003', jti: 'rfc7009-down' }),
      }),
    );
    // Assert
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body).error).toBe('temporarily_unavailable');
  });
});
