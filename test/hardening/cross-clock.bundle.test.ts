/**
 * The real cross-clock margin, pinned on the BUILT bundles (token trigger, admin signout,
 * authorizer) against dynalite and cognito-local (patched: AdminUserGlobalSignOut is real; `../support/cognito-recorder.ts` records the calls).
 *
 * Cognito's clock running ahead of the admin Lambda's can stamp a sign-in that completed just before the signout
 * with an `auth_time` in the second after the watermark's `notBefore`. The signout's explicit session entry covers
 * the tokens that carry the session claim — the ID token always, the access token only under V2_0/V3_0 events.
 * Under V1_0 the access token carries no session claim: the watermark alone decides, and such a token passes.
 * docs/security.md states this margin; this test fails if the code and the page ever disagree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadAuthorizer, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { signAccessToken, signIdToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../fixtures/tokens.js';
import { type CognitoRecorder, startCognitoRecorder } from '../support/cognito-recorder.js';
import { invoke, METHOD_ARN } from './support/events.js';
import { startBlackhole } from '../fixtures/network.js';

const TABLE = 'blocklist-cross-clock';
let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let gap: CognitoRecorder;
let jwks: JwksServer;
let capture: Capture;
const loaded: { handler: Handler; restore: () => void }[] = [];

beforeAll(async () => {
  [dynamo, cognito, jwks] = await Promise.all([startDynalite(), startCognitoLocal(), startJwksServer()]);
  gap = await startCognitoRecorder(cognito.endpoint);
  await dynamo.createTable(TABLE);
  capture = captureOutput({ stderr: false });
  // cognito-local alone may take up to 60 s to listen on a loaded machine (local/cognito.ts).
}, 180_000);
afterAll(async () => {
  capture?.restore();
  for (const l of loaded) l.restore();
  await Promise.all([dynamo?.stop(), cognito?.stop(), jwks?.stop(), gap?.stop()]);
});

function v1Event(username: string, sub: string) {
  return {
    version: '1',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: cognito.userPoolId,
    userName: username,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: TEST_CLIENT_ID },
    request: { userAttributes: { sub }, groupConfiguration: {}, clientMetadata: {} },
    response: { claimsOverrideDetails: null },
  };
}

/** The authorizers must answer from the table here, never by their store deadline: the largest one allowed. */
const AUTHORIZER_STORE_TIMEOUT_MS = '5000';

const restToken = (token: string) => ({
  type: 'TOKEN',
  methodArn: METHOD_ARN,
  authorizationToken: `Bearer ${token}`,
});

describe('cross-clock edge with V1_0 trigger events', () => {
  it('a sign-in stamped in the second after the watermark: its ID token is refused through the time in its session id, its V1 access token (no session claim) passes', async () => {
    // Arrange: the user signs in (V1 trigger: claim in the ID token only), then is signed out everywhere.
    const user = await cognito.createUser('clock', 'Passw0rd!long');
    const env = {
      TABLE_NAME: TABLE,
      USER_POOL_ID: cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: gap.endpoint,
    };
    // The session must be recorded for this case: a generous store deadline, so a loaded machine cannot turn it into
    // the unrecorded-session case (that one has its own test below).
    const trigger = loadWithEnvironment('token-trigger', { ...env, STORE_TIMEOUT_MS: '3000' });
    const admin = loadWithEnvironment('admin-signout', env);
    loaded.push(trigger, admin);
    const issued = (await trigger.handler(v1Event('clock', user.sub))) as {
      response: { claimsOverrideDetails?: { claimsToAddOrOverride?: Record<string, string> } };
    };
    const sessionId = issued.response.claimsOverrideDetails?.claimsToAddOrOverride?.revocation_sid;
    expect(sessionId).toMatch(/^[0-9a-f]+$/);
    const listed = (await admin.handler({ operation: 'listSessions', user: 'clock' })) as {
      sessions: { sessionId: string }[];
    };
    expect(listed.sessions.map((s) => s.sessionId)).toContain(sessionId);
    const signout = (await admin.handler(
      { operation: 'signOutUser', user: 'clock', actor: 'ops', reason: 'cross-clock test' },
      { getRemainingTimeInMillis: () => 30_000 },
    )) as { ok: boolean; watermark: { notBefore: number } };
    expect(signout.ok).toBe(true);
    const notBefore = signout.watermark.notBefore;
    const authorizer = await loadAuthorizer({
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: TABLE,
      JWKS_URI: jwks.uri,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      STORE_TIMEOUT_MS: AUTHORIZER_STORE_TIMEOUT_MS,
    });
    // Cognito's clock one second ahead: the tokens of that sign-in say notBefore + 1.
    const ahead = { sub: user.sub, auth_time: notBefore + 1, iat: notBefore + 1, exp: notBefore + 3600 };
    const idToken = signIdToken({ ...ahead, revocation_sid: sessionId });
    const v1AccessToken = signAccessToken(ahead); // V1_0: Cognito cannot add the claim to access tokens
    const v2AccessToken = signAccessToken({ ...ahead, revocation_sid: sessionId }); // what V2_0/V3_0 issue
    const onTime = signAccessToken({ ...ahead, auth_time: notBefore, iat: notBefore });
    // Act
    const verdicts = {
      idToken: (await invoke(authorizer, restToken(idToken), true)).verdict,
      v1AccessToken: (await invoke(authorizer, restToken(v1AccessToken), true)).verdict,
      v2AccessToken: (await invoke(authorizer, restToken(v2AccessToken), true)).verdict,
      onTime: (await invoke(authorizer, restToken(onTime), true)).verdict,
    };
    // Assert: exactly the margin docs/security.md states.
    expect(verdicts).toEqual({
      idToken: 'deny',
      v1AccessToken: 'allow',
      v2AccessToken: 'deny',
      onTime: 'deny',
    });
  }, 120_000);
  it('a sign-in whose session the trigger could not record (the table hung): its tokens are refused by the time in their session id, with no entry for them', async () => {
    // Arrange: the table does not answer the trigger, so the sign-in proceeds with the claim but no session record;
    // the signout then knows nothing of this session and writes no entry for it.
    const user = await cognito.createUser('unrecorded', 'Passw0rd!long');
    const hung = await startBlackhole();
    const base = {
      TABLE_NAME: TABLE,
      USER_POOL_ID: cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: gap.endpoint,
    };
    const trigger = loadWithEnvironment('token-trigger', {
      ...base,
      AWS_ENDPOINT_URL_DYNAMODB: hung.endpoint,
      STORE_TIMEOUT_MS: '100',
    });
    let sessionId: string | undefined;
    try {
      const issued = (await trigger.handler(v1Event('unrecorded', user.sub))) as {
        response: { claimsOverrideDetails?: { claimsToAddOrOverride?: Record<string, string> } };
      };
      sessionId = issued.response.claimsOverrideDetails?.claimsToAddOrOverride?.revocation_sid;
    } finally {
      trigger.restore();
      await hung.stop();
    }
    expect(sessionId).toMatch(/^[0-9a-f]{44}$/);
    const admin = loadWithEnvironment('admin-signout', {
      ...base,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    });
    loaded.push(admin);
    const listed = (await admin.handler({ operation: 'listSessions', user: 'unrecorded' })) as {
      sessions: { sessionId: string }[];
    };
    expect(listed.sessions.map((s) => s.sessionId)).not.toContain(sessionId);
    const signout = (await admin.handler(
      { operation: 'signOutUser', user: 'unrecorded', actor: 'ops', reason: 'unrecorded session' },
      { getRemainingTimeInMillis: () => 30_000 },
    )) as { ok: boolean; watermark: { notBefore: number }; sessions: { window: number } };
    expect(signout.ok).toBe(true);
    expect(signout.sessions.window).toBe(0);
    const notBefore = signout.watermark.notBefore;
    const authorizer = await loadAuthorizer({
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: TABLE,
      JWKS_URI: jwks.uri,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      STORE_TIMEOUT_MS: AUTHORIZER_STORE_TIMEOUT_MS,
    });
    // Cognito's clock one second ahead, as above: auth_time and iat say notBefore + 1.
    const ahead = { sub: user.sub, auth_time: notBefore + 1, iat: notBefore + 1, exp: notBefore + 3600 };
    // Act
    const verdicts = {
      idToken: (
        await invoke(authorizer, restToken(signIdToken({ ...ahead, revocation_sid: sessionId })), true)
      ).verdict,
      v2AccessToken: (
        await invoke(authorizer, restToken(signAccessToken({ ...ahead, revocation_sid: sessionId })), true)
      ).verdict,
      v1AccessToken: (await invoke(authorizer, restToken(signAccessToken(ahead)), true)).verdict,
    };
    // Assert: what carries the claim is refused by the watermark through the id's time (the trigger's clock);
    // the claimless V1 access token keeps the documented cross-clock margin.
    expect(verdicts).toEqual({ idToken: 'deny', v2AccessToken: 'deny', v1AccessToken: 'allow' });
  }, 120_000);
});
