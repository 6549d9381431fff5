/**
 * RFC 7009 on a refresh token, on the BUILT functions (dist/token-revocation, dist/authorizer) against dynalite and
 * the patched cognito-local (refresh tokens sealed as 5-segment JWE, GetTokensFromRefreshToken, refresh token
 * rotation, client secrets): the endpoint learns the refresh family from Cognito, writes the family entry, then
 * revokes the refresh token — so every access token of the family is refused by the authorizer at once and Cognito
 * refuses the refresh token. Invalid tokens answer 200 with nothing written; an outage answers 503 with nothing
 * revoked at Cognito (entry first); no token or secret reaches a log.
 *
 * The endpoint's callers authenticate with a Cognito M2M access token: cognito-local has no client-credentials
 * grant, so the caller token is signed by the test key, served beside cognito-local's key in one JWKS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CreateUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { closedPortEndpoint } from '../fixtures/network.js';
import { signAccessToken, testJwks } from '../fixtures/tokens.js';
import { CALLER_CLIENT_ID, formEvent, REVOKE_SCOPE, type UrlResponse } from '../introspection/support.js';
import { type Capture, captureOutput } from '../support/capture.js';

const TABLE = 'refresh-family';
const PASSWORD = 'Correct-Horse-1';
const ROUTE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/GET/items';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let jwks: JwksServer;
let capture: Capture;
let authorizer: Handler;
const clients: Record<'secret' | 'rotating' | 'untracked', { id: string; secret?: string }> = {
  secret: { id: '' },
  rotating: { id: '' },
  untracked: { id: '' },
};
const secrets: string[] = [];
const refreshTokens: string[] = [];

const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

function env(overrides: Record<string, string> = {}) {
  return {
    USER_POOL_ID: cognito.userPoolId,
    CLIENT_IDS: [cognito.clientId, clients.secret.id, clients.rotating.id, clients.untracked.id].join(','),
    TABLE_NAME: TABLE,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    CALLER_CLIENT_IDS: CALLER_CLIENT_ID,
    CALLER_SCOPE: REVOKE_SCOPE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    ...overrides,
  };
}

/** A client-credentials access token of an M2M caller of this pool. */
const caller = () =>
  signAccessToken({
    iss: cognito.issuer,
    sub: CALLER_CLIENT_ID,
    client_id: CALLER_CLIENT_ID,
    scope: REVOKE_SCOPE,
    username: undefined,
    'cognito:groups': undefined,
    auth_time: undefined,
  });

async function revoke(form: Record<string, string>, overrides: Record<string, string> = {}) {
  const fn = loadWithEnvironment('token-revocation', env(overrides));
  try {
    const answer = (await fn.handler(formEvent(form, `Bearer ${caller()}`))) as UrlResponse;
    return { status: answer.statusCode, body: JSON.parse(answer.body) as Record<string, unknown> };
  } finally {
    fn.restore();
  }
}

/** The built authorizer, HTTP API simple responses, as API Gateway calls it. */
async function allowed(token: string): Promise<boolean> {
  const answer = (await authorizer({
    version: '2.0',
    type: 'REQUEST',
    routeArn: ROUTE_ARN,
    identitySource: [`Bearer ${token}`],
    headers: { authorization: `Bearer ${token}` },
    requestContext: { http: { method: 'GET', path: '/items' } },
  })) as { isAuthorized?: boolean };
  return answer.isAuthorized === true;
}

async function signIn(username: string, client: { id: string; secret?: string } = { id: cognito.clientId }) {
  const out = await cognito.client.send(
    new InitiateAuthCommand({
      ClientId: client.id,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD },
    }),
  );
  const r = out.AuthenticationResult;
  if (!r?.AccessToken || !r.RefreshToken) throw new Error('no tokens');
  refreshTokens.push(r.RefreshToken);
  return { access: r.AccessToken, refresh: r.RefreshToken };
}

/** Cognito's own answer to the refresh token: new tokens, or the exception's name. */
async function refreshAtCognito(
  token: string,
  client: { id: string; secret?: string } = { id: cognito.clientId },
) {
  try {
    const out = await cognito.client.send(
      new GetTokensFromRefreshTokenCommand({
        RefreshToken: token,
        ClientId: client.id,
        ...(client.secret ? { ClientSecret: client.secret } : {}),
      }),
    );
    if (out.AuthenticationResult?.RefreshToken) refreshTokens.push(out.AuthenticationResult.RefreshToken);
    return {
      access: out.AuthenticationResult?.AccessToken ?? '',
      refresh: out.AuthenticationResult?.RefreshToken,
    };
  } catch (error) {
    return (error as Error).name;
  }
}

/** The refresh tokens cognito-local still honours for a user (its store, read from disk). */
function liveRefreshTokens(username: string): string[] {
  const db = JSON.parse(
    readFileSync(join(cognito.directory, '.cognito', 'db', `${cognito.userPoolId}.json`), 'utf8'),
  ) as { Users?: Record<string, { RefreshTokens?: string[] }> };
  return db.Users?.[username]?.RefreshTokens ?? [];
}

async function createClient(name: string, extra: Record<string, unknown>) {
  const out = await cognito.client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: cognito.userPoolId,
      ClientName: name,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 1,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      ...extra,
    }),
  );
  const c = out.UserPoolClient;
  if (!c?.ClientId) throw new Error('no client');
  if (c.ClientSecret) secrets.push(c.ClientSecret);
  return { id: c.ClientId, ...(c.ClientSecret ? { secret: c.ClientSecret } : {}) };
}

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  const local = (await (await fetch(cognito.jwksUri)).json()) as { keys: unknown[] };
  jwks = await startJwksServer({ jwks: { keys: [...local.keys, ...testJwks().keys] } });
  clients.secret = await createClient('with-secret', { GenerateSecret: true });
  clients.rotating = await createClient('rotating', {
    RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
  });
  clients.untracked = await createClient('no-token-revocation', { EnableTokenRevocation: false });
  for (const name of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ida'])
    await cognito.createUser(name, PASSWORD);
  capture = captureOutput({ stderr: false });
  authorizer = await loadAuthorizer({
    USER_POOL_ID: cognito.userPoolId,
    CLIENT_IDS: env().CLIENT_IDS,
    TABLE_NAME: TABLE,
    JWKS_URI: jwks.uri,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
}, 60_000);

afterAll(async () => {
  capture?.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop(), jwks?.stop()]);
  const all = capture?.lines().join('\n') ?? '';
  for (const secret of [...refreshTokens, ...secrets]) expect(all).not.toContain(secret);
  expect(all).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}/);
});

describe('RFC 7009 on a refresh token: the whole family', () => {
  it('refused at once: both access tokens of the family (sign-in and refresh), and the refresh token at Cognito', async () => {
    // Arrange
    const first = await signIn('ann');
    const refreshed = await refreshAtCognito(first.refresh);
    if (typeof refreshed === 'string') throw new Error(refreshed);
    const other = await signIn('ann'); // another sign-in of the same user: another family
    expect(claims(refreshed.access).origin_jti).toBe(claims(first.access).origin_jti);
    expect([await allowed(first.access), await allowed(refreshed.access)]).toEqual([true, true]);
    // Act
    const answer = await revoke({
      token: first.refresh,
      token_type_hint: 'refresh_token',
      client_id: cognito.clientId,
    });
    // Assert
    expect(answer).toEqual({ status: 200, body: { family_revoked: true } });
    expect([await allowed(first.access), await allowed(refreshed.access)]).toEqual([false, false]);
    expect(await refreshAtCognito(first.refresh)).toBe('NotAuthorizedException');
    expect(await allowed(other.access)).toBe(true);
    expect(await refreshAtCognito(other.refresh)).toMatchObject({ access: expect.any(String) });
  });

  it('already revoked, unknown or garbage refresh tokens: 200 and nothing written', async () => {
    // Arrange
    const tokens = await signIn('ben');
    await revoke({ token: tokens.refresh, client_id: cognito.clientId });
    const bystander = await signIn('ben');
    // Act
    const again = await revoke({ token: tokens.refresh, client_id: cognito.clientId });
    const fiveSegments = await revoke({ token: 'aaaa.bbbb.cccc.dddd.eeee', client_id: cognito.clientId });
    const garbage = await revoke({ token: 'not a token at all', client_id: cognito.clientId });
    // Assert
    expect([again, fiveSegments, garbage]).toEqual([
      { status: 200, body: {} },
      { status: 200, body: {} },
      { status: 200, body: {} },
    ]);
    expect(await allowed(bystander.access)).toBe(true);
    expect(capture.lines().join('\n')).toContain('the refresh family could not be learned from Cognito');
  });

  it('an app client with a secret: the secret in the form is required, and then the family is revoked', async () => {
    // Arrange
    const tokens = await signIn('cat', clients.secret);
    // Act
    const withoutSecret = await revoke({ token: tokens.refresh, client_id: clients.secret.id });
    const stillAllowed = await allowed(tokens.access);
    const wrongSecret = await revoke({
      token: tokens.refresh,
      client_id: clients.secret.id,
      client_secret: 'wrong0secret0wrong0secret0',
    });
    const withSecret = await revoke({
      token: tokens.refresh,
      client_id: clients.secret.id,
      client_secret: clients.secret.secret ?? '',
    });
    // Assert
    expect(withoutSecret.status).toBe(401);
    expect(withoutSecret.body.error).toBe('invalid_client');
    expect(wrongSecret.status).toBe(401);
    expect(stillAllowed).toBe(true);
    expect(withSecret).toEqual({ status: 200, body: { family_revoked: true } });
    expect(await allowed(tokens.access)).toBe(false);
    expect(await refreshAtCognito(tokens.refresh, clients.secret)).toBe('NotAuthorizedException');
  });

  it('refresh token rotation: the family is refused and no refresh token of the user is left alive', async () => {
    // Arrange
    const signedIn = await signIn('dan', clients.rotating);
    const rotated = await refreshAtCognito(signedIn.refresh, clients.rotating);
    if (typeof rotated === 'string' || !rotated.refresh) throw new Error('no rotation');
    expect(liveRefreshTokens('dan')).toEqual([rotated.refresh]);
    // Act
    const answer = await revoke({ token: rotated.refresh, client_id: clients.rotating.id });
    // Assert
    expect(answer).toEqual({ status: 200, body: { family_revoked: true } });
    expect([await allowed(signedIn.access), await allowed(rotated.access)]).toEqual([false, false]);
    expect(liveRefreshTokens('dan')).toEqual([]); // the probe's own rotated token was revoked too
  });

  it('an app client without token revocation: refresh token revoked, and the answer says the family was not', async () => {
    // Arrange
    const tokens = await signIn('eve', clients.untracked);
    expect(claims(tokens.access).origin_jti).toBeUndefined();
    // Act
    const answer = await revoke({ token: tokens.refresh, client_id: clients.untracked.id });
    // Assert
    expect(answer).toEqual({ status: 200, body: { family_revoked: false } });
    expect(await refreshAtCognito(tokens.refresh, clients.untracked)).toBe('NotAuthorizedException');
    expect(await allowed(tokens.access)).toBe(true); // nothing names it: documented in docs/introspection.md
  });

  it('a token Cognito will not mint from but still revokes (a disabled user): revoked, and the answer says the family was not named', async () => {
    // Arrange
    const tokens = await signIn('ida');
    await cognito.client.send(
      new AdminDisableUserCommand({ UserPoolId: cognito.userPoolId, Username: 'ida' }),
    );
    expect(await refreshAtCognito(tokens.refresh)).toBe('NotAuthorizedException');
    // Act
    const answer = await revoke({ token: tokens.refresh, client_id: cognito.clientId });
    // Assert: the refresh token is dead even once the user is enabled again
    expect(answer).toEqual({ status: 200, body: { family_revoked: false } });
    await cognito.client.send(
      new AdminEnableUserCommand({ UserPoolId: cognito.userPoolId, Username: 'ida' }),
    );
    expect(await refreshAtCognito(tokens.refresh)).toBe('NotAuthorizedException');
    expect(liveRefreshTokens('ida')).toEqual([]);
  });

  it('hostile inputs: another pool’s client id, a malformed secret, a JWS sent as a refresh token', async () => {
    // Arrange
    const tokens = await signIn('fay');
    const sibling = await refreshAtCognito(tokens.refresh);
    if (typeof sibling === 'string') throw new Error(sibling);
    // Act
    const foreignClient = await revoke({ token: tokens.refresh, client_id: '7foreign0pool0client0id000' });
    const badSecret = await revoke({
      token: tokens.refresh,
      client_id: cognito.clientId,
      client_secret: 'a b',
    });
    const jwsAsRefresh = await revoke({
      token: tokens.access,
      token_type_hint: 'refresh_token',
      client_id: cognito.clientId,
    });
    // Assert
    expect(foreignClient.status).toBe(400);
    expect(badSecret.status).toBe(400);
    // The hint is only a hint (RFC 7009 §2.1): the JWS is what it is, that one access token, revoked alone.
    expect(jwsAsRefresh.status).toBe(200);
    expect(await allowed(tokens.access)).toBe(false);
    expect(await allowed(sibling.access)).toBe(true);
    expect(await refreshAtCognito(tokens.refresh)).toMatchObject({ access: expect.any(String) });
  });

  it('Cognito unreachable: 503, nothing written, the refresh token untouched', async () => {
    // Arrange
    const tokens = await signIn('gus');
    const down = await closedPortEndpoint();
    // Act
    const answer = await revoke(
      { token: tokens.refresh, client_id: cognito.clientId },
      { AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: down },
    );
    // Assert
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('temporarily_unavailable');
    expect(await allowed(tokens.access)).toBe(true);
    expect(await refreshAtCognito(tokens.refresh)).toMatchObject({ access: expect.any(String) });
  });

  it('a store that cannot be written: 503, and the refresh token is not revoked at Cognito (entry first)', async () => {
    // Arrange
    const tokens = await signIn('hal');
    const down = await closedPortEndpoint();
    // Act
    const answer = await revoke(
      { token: tokens.refresh, client_id: cognito.clientId },
      { AWS_ENDPOINT_URL_DYNAMODB: down },
    );
    // Assert: the caller can retry — the refresh token still names its family at Cognito.
    expect(answer.status).toBe(503);
    expect(await refreshAtCognito(tokens.refresh)).toMatchObject({ access: expect.any(String) });
    const retry = await revoke({ token: tokens.refresh, client_id: cognito.clientId });
    expect(retry).toEqual({ status: 200, body: { family_revoked: true } });
    expect(await allowed(tokens.access)).toBe(false);
  });
});
