/**
 * The full loop, every part real and bundled (dist/): cognito-local signs a user in and calls the token-trigger
 * bundle through the local Lambda Invoke endpoint; the session is recorded in dynalite; the admin-signout bundle
 * signs the user out; the authorizer bundle then denies both the ID and the access token; a new sign-in is allowed.
 *
 * cognito-local runs with the project's patch: V2 trigger events put the session claim in both tokens, both carry the
 * same origin_jti, and AdminUserGlobalSignOut really revokes the refresh tokens (the result says Cognito's sign-out
 * happened).
 */
import { SESSION_CLOCK_MARGIN_SECONDS } from '../../lambdas/core/revocation.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import type { SignOutResult } from '../../lambdas/revocation/results.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type LambdaEndpoint, startLambdaEndpoint } from '../../local/lambda-endpoint.js';
import { bundleFile } from '../fixtures/bundles.js';

const TABLE = 'blocklist-full-loop';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets/42';
const PASSWORD = 'Passw0rd!long-enough';

let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let lambda: LambdaEndpoint;

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** Calls the authorizer as API Gateway does for a REST TOKEN authorizer; 'allow' | 'deny'. */
async function authorize(token: string): Promise<'allow' | 'deny'> {
  const result = await lambda.invoke('authorizer', {
    type: 'TOKEN',
    authorizationToken: `Bearer ${token}`,
    methodArn: METHOD_ARN,
  });
  if (result.functionError) {
    // REST authorizers deny by throwing exactly "Unauthorized" (API Gateway answers 401).
    expect((result.payload as { errorMessage?: string }).errorMessage).toBe('Unauthorized');
    return 'deny';
  }
  const effect = (result.payload as { policyDocument?: { Statement?: { Effect?: string }[] } }).policyDocument
    ?.Statement?.[0]?.Effect;
  return effect === 'Allow' ? 'allow' : 'deny';
}

/** Waits until the wall clock is past the whole second `epochSeconds`. */
const afterSecond = (epochSeconds: number) =>
  new Promise((r) => setTimeout(r, Math.max(0, (epochSeconds + 1) * 1000 + 50 - Date.now())));

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  lambda = await startLambdaEndpoint({
    functions: [
      {
        name: 'token-trigger',
        bundle: bundleFile('token-trigger'),
        env: {
          TABLE_NAME: TABLE,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          TOKEN_LIFETIME_SECONDS: '3600',
        },
      },
    ],
  });
  cognito = await startCognitoLocal({
    lambdaEndpoint: lambda.endpoint,
    triggers: { PreTokenGeneration: 'token-trigger', PostAuthentication: 'token-trigger' },
    tokenValidity: { idTokenMinutes: 60, accessTokenMinutes: 60, refreshTokenDays: 1 },
  });
  lambda.deploy({
    name: 'admin-signout',
    bundle: bundleFile('admin-signout'),
    env: {
      TABLE_NAME: TABLE,
      USER_POOL_ID: cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    },
  });
  lambda.deploy({
    name: 'authorizer',
    bundle: bundleFile('authorizer'),
    env: {
      USER_POOL_ID: cognito.userPoolId,
      CLIENT_IDS: cognito.clientId,
      TOKEN_USE: 'any',
      TABLE_NAME: TABLE,
      JWKS_URI: cognito.jwksUri,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    },
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([cognito?.stop(), lambda?.stop(), dynamo?.stop()]);
});

describe('full loop: sign in → session recorded → admin signout → denied → new sign-in allowed', () => {
  it('runs end to end on the bundles', async () => {
    // Arrange: a user signs in through cognito-local, which calls the token trigger.
    const user = await cognito.createUser('hana', PASSWORD);
    const first = await cognito.signIn('hana', PASSWORD);
    const idClaims = claims(first.idToken);
    const accessClaims = claims(first.accessToken);
    const sessionId = idClaims.revocation_sid;

    // Both tokens carry the session claim (V2 trigger event) and the same origin_jti (patched cognito-local).
    expect(sessionId).toMatch(/^[0-9a-f]{44}$/);
    expect(accessClaims.revocation_sid).toBe(sessionId);
    expect(accessClaims.origin_jti).toBe(idClaims.origin_jti);
    expect(idClaims.sub).toBe(user.sub);
    // The session is recorded; the sign-in is in the audit log.
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const recorded = await store.listByUser(user.sub);
    expect(recorded.map((s) => s.sessionId)).toEqual([sessionId]);
    expect(recorded[0]).toMatchObject({
      username: 'hana',
      clientId: cognito.clientId,
      triggerSource: 'TokenGeneration_Authentication',
    });
    expect(lambda.logs('token-trigger').some((l) => l.includes('"message":"sign-in"'))).toBe(true);
    // Both tokens pass the authorizer before the signout.
    expect(await authorize(first.idToken)).toBe('allow');
    expect(await authorize(first.accessToken)).toBe('allow');

    // Act: the admin signs the user out everywhere.
    const signout = await lambda.invoke('admin-signout', {
      operation: 'signOutUser',
      user: 'hana',
      actor: 'e2e',
      reason: 'full loop',
    });
    const result = signout.payload as SignOutResult;

    // Assert: Cognito's global sign-out and the table writes happened; the refresh token is refused now.
    expect(signout.functionError).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.cognitoSignOut.done).toBe(true);
    await expect(cognito.refresh(first.refreshToken)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    expect(result.watermark).toMatchObject({ written: true, inForce: true });
    // The one session was issued seconds ago, inside the cross-clock window, but its id carries its issue time: the
    // watermark alone revokes its tokens, so it is marked and gets no explicit entry.
    expect(result.sessions).toEqual({ outstanding: 1, revoked: 1, unmarked: [], window: 0, unwritten: [] });
    // The authorizer now denies both tokens, by the watermark.
    expect(await authorize(first.idToken)).toBe('deny');
    expect(await authorize(first.accessToken)).toBe('deny');
    const why = await lambda.invoke('admin-signout', {
      operation: 'inspect',
      token: {
        sub: user.sub,
        iat: accessClaims.iat,
        authTime: accessClaims.auth_time,
        jti: accessClaims.jti,
      },
    });
    expect(why.payload).toMatchObject({ revoked: true, scope: 'user' });

    // A new sign-in after the watermark's second plus the Lambda clock margin is allowed, with a fresh session.
    await afterSecond(result.watermark.notBefore + SESSION_CLOCK_MARGIN_SECONDS);
    const second = await cognito.signIn('hana', PASSWORD);
    expect(claims(second.idToken).revocation_sid).not.toBe(sessionId);
    expect(await authorize(second.idToken)).toBe('allow');
    expect(await authorize(second.accessToken)).toBe('allow');
    // ... and the old tokens stay denied.
    expect(await authorize(first.idToken)).toBe('deny');
    const sessions = await lambda.invoke('admin-signout', { operation: 'listSessions', user: user.sub });
    expect(sessions.payload).toMatchObject({ ok: true, counts: { active: 1, revoked: 1, expired: 0 } });
  });
});
