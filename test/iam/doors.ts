/**
 * The four opt-in doors in the IAM proof's run: each BUILT bundle (dist/introspection, dist/token-revocation,
 * dist/shared-signals, dist/global-token-revocation) is deployed on the local stack's Lambda endpoint under its
 * deployed name — so its container signs with its own dummy key — reaching dynalite, cognito-local and the API
 * Gateway stand-in through the stack's recorders, and is driven through the paths that make AWS calls:
 * - introspection: an active token, the same token once revoked, Envoy's ext_authz check (the one `Query`);
 * - token revocation: an access token and an ID token (the entry, its hint, the read-back, the flush lease and the
 *   stages' cache flushes), a refresh token (Cognito's RevokeToken, which is unsigned: Cognito authorizes it by
 *   the token);
 * - Shared Signals: a SET about a user found by email and one about a federated user found by its provider
 *   subject (ListUsers, AdminGetUser, AdminUserGlobalSignOut, the replay claim, the watermark, the session marks),
 *   a replayed SET (the claim refused), and a SET whose revocation cannot be proven because API Gateway is
 *   unreachable: 503 and the claim released (DeleteItem) — then the transmitter's retry is accepted;
 * - Global Token Revocation: a user by email and a federated user by provider subject.
 *
 * The two OAuth endpoints verify Cognito M2M caller tokens, which cognito-local cannot issue (no client-credentials
 * grant): they run against the test pool of test/fixtures/tokens.ts and its loopback JWKS, as their bundle tests do.
 * Their AWS calls — the table, the stages' caches — are the same either way.
 */
import { randomUUID } from 'node:crypto';
import { bundlePath } from '../../local/lambda-endpoint.js';
import type { LocalStack } from '../../local/stack.js';
import { startTransmitter, type Transmitter } from '../../local/transmitter.js';
import { startJwksServer } from '../fixtures/jwks.js';
import { closedPortEndpoint } from '../fixtures/network.js';
import { signAccessToken, signIdToken, TEST_CLIENT_ID, testJwks } from '../fixtures/tokens.js';
import {
  CALLER_CLIENT_ID,
  callerToken,
  formEvent,
  INTROSPECT_SCOPE,
  REVOKE_SCOPE,
} from '../introspection/support.js';

/** Each door's deployed function name → its key in the Terraform outputs (`introspection`, …). */
export const DOOR_FUNCTIONS = {
  'cognito-revocation-introspection': 'introspection',
  'cognito-revocation-token-revocation': 'token_revocation',
  'cognito-revocation-shared-signals': 'shared_signals',
  'cognito-revocation-global-token-revocation': 'global_token_revocation',
} as const;

const INTROSPECTION = 'cognito-revocation-introspection';
const TOKEN_REVOCATION = 'cognito-revocation-token-revocation';
const SHARED_SIGNALS = 'cognito-revocation-shared-signals';
const GLOBAL_TOKEN_REVOCATION = 'cognito-revocation-global-token-revocation';

const PROVIDER = 'IdP';
const SSF_AUDIENCE = 'https://api.example.com/ssf';
const GTR_AUDIENCE = 'https://api.example.com/gtr';
const GTR_SCOPE = 'okta.globalTokenRevocation';
const PASSWORD = 'Door-Passw0rd!long-enough';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const CREDENTIAL_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';

interface Answer {
  readonly statusCode: number;
  readonly body: string;
}

/** What the doors answered, in order: a deviation from the expected answer stops the proof with this list. */
type Log = string[];

async function call(stack: LocalStack, fn: string, event: unknown, log: Log): Promise<Answer> {
  const result = await stack.lambda.invoke(fn, event);
  if (result.functionError) throw new Error(`${fn} failed: ${JSON.stringify(result.payload)}`);
  const answer = result.payload as Answer;
  log.push(`${fn}: ${answer.statusCode}`);
  return answer;
}

function expectStatus(answer: Answer, status: number, what: string, log: Log): void {
  if (answer.statusCode !== status)
    throw new Error(
      `${what}: expected ${status}, got ${answer.statusCode} ${answer.body} (${log.join('; ')})`,
    );
}

/** The stages a deployment lists for its revoking functions to flush (CACHE_FLUSH_TARGETS), as the stack's own. */
function flushTargets(stack: LocalStack): string {
  return JSON.stringify([
    { api: 'rest', apiId: stack.api.apiIds['rest-token'], stage: stack.api.stage },
    { api: 'rest', apiId: stack.api.apiIds['rest-request'], stage: stack.api.stage },
    { api: 'http', apiId: stack.api.apiIds.http, stage: stack.api.stage },
  ]);
}

/** The RFC 7662 and RFC 7009 endpoints, as function URLs; the access token revoked by one is then inactive at the other. */
async function driveOAuthEndpoints(stack: LocalStack, log: Log): Promise<void> {
  // One pool for both endpoints: cognito-local's, whose refresh token the RFC 7009 endpoint resolves to its family
  // (the endpoint verifies the access token Cognito hands back). cognito-local has no client-credentials grant, so
  // the M2M callers' tokens and the revoked access / ID tokens are signed by the test key, served beside
  // cognito-local's key in one JWKS, under cognito-local's issuer.
  const local = (await (await fetch(stack.cognito.jwksUri)).json()) as { keys: unknown[] };
  const jwks = await startJwksServer({ jwks: { keys: [...local.keys, ...testJwks().keys] } });
  const iss = stack.cognito.issuer;
  try {
    const common = {
      USER_POOL_ID: stack.cognito.userPoolId,
      TABLE_NAME: stack.tableName,
      CALLER_CLIENT_IDS: CALLER_CLIENT_ID,
      JWKS_URI: jwks.uri,
      AWS_ENDPOINT_URL_DYNAMODB: stack.functionEndpoints.dynamodb,
      LOG_LEVEL: 'info',
    };
    stack.lambda.deploy({
      name: INTROSPECTION,
      bundle: bundlePath('introspection'),
      env: { ...common, CLIENT_IDS: TEST_CLIENT_ID, CALLER_SCOPE: INTROSPECT_SCOPE },
      timeoutMs: 10_000,
    });
    stack.lambda.deploy({
      name: TOKEN_REVOCATION,
      bundle: bundlePath('token-revocation'),
      env: {
        ...common,
        // The refresh token below is cognito-local's, issued to the stack's app client.
        CLIENT_IDS: `${TEST_CLIENT_ID},${stack.cognito.clientId}`,
        CALLER_SCOPE: REVOKE_SCOPE,
        TOKEN_LIFETIME_SECONDS: '3600',
        REFRESH_TOKEN_LIFETIME_SECONDS: String(30 * 86400),
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.functionEndpoints.cognito,
        AWS_ENDPOINT_URL_API_GATEWAY: stack.functionEndpoints.apiGateway,
        CACHE_FLUSH_TARGETS: flushTargets(stack),
      },
      timeoutMs: 20_000,
    });
    const introspector = `Bearer ${callerToken(INTROSPECT_SCOPE, CALLER_CLIENT_ID, iss)}`;
    const revoker = `Bearer ${callerToken(REVOKE_SCOPE, CALLER_CLIENT_ID, iss)}`;
    const sub = randomUUID();
    const access = signAccessToken({ iss, sub, jti: `iam-proof-${randomUUID()}` });
    const introspect = () =>
      call(
        stack,
        INTROSPECTION,
        formEvent({ token: access, token_type_hint: 'access_token' }, introspector),
        log,
      );

    const active = await introspect();
    expectStatus(active, 200, 'introspection of a live token', log);
    if (JSON.parse(active.body).active !== true) throw new Error(`a live token is inactive: ${active.body}`);
    const envoy = await call(
      stack,
      INTROSPECTION,
      {
        version: '2.0',
        rawPath: '/ext-authz/orders/42',
        headers: { authorization: `Bearer ${access}`, 'x-revocation-caller': introspector },
        requestContext: { http: { method: 'GET', path: '/ext-authz/orders/42' } },
      },
      log,
    );
    expectStatus(envoy, 200, 'ext_authz check of a live token', log);

    const revokeAccess = await call(stack, TOKEN_REVOCATION, formEvent({ token: access }, revoker), log);
    expectStatus(revokeAccess, 200, 'RFC 7009 revocation of an access token', log);
    const inactive = await introspect();
    if (JSON.stringify(JSON.parse(inactive.body)) !== '{"active":false}')
      throw new Error(`a revoked token is still active: ${inactive.body}`);
    const id = signIdToken({ iss, sub: randomUUID(), jti: `iam-proof-${randomUUID()}` });
    expectStatus(
      await call(stack, TOKEN_REVOCATION, formEvent({ token: id }, revoker), log),
      200,
      'RFC 7009 revocation of an ID token',
      log,
    );
    await stack.cognito.createUser('iam-proof-refresh', PASSWORD);
    const { refreshToken } = await stack.cognito.signIn('iam-proof-refresh', PASSWORD);
    const form = { token: refreshToken, token_type_hint: 'refresh_token', client_id: stack.cognito.clientId };
    expectStatus(
      await call(stack, TOKEN_REVOCATION, formEvent(form, revoker), log),
      200,
      'RFC 7009 revocation of a refresh token',
      log,
    );
  } finally {
    await jwks.stop();
  }
}

/** A payload 2.0 event as the route without authorizer delivers it. */
function routeEvent(path: string, contentType: string, body: string, authorization?: string) {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    requestContext: { http: { method: 'POST', path } },
    headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
    body,
    isBase64Encoded: false,
  };
}

/** A signed-in user (so that its session records exist) found by email, and a federated user of the provider. */
async function usersToRevoke(stack: LocalStack, label: string) {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const native = await stack.cognito.createUser(`${label}-${randomUUID().slice(0, 8)}`, PASSWORD, { email });
  await stack.cognito.signIn(native.username, PASSWORD);
  const upstreamSub = `${label}-${randomUUID()}`;
  // As Cognito creates a federated user at its first sign-in through the provider.
  const identities = JSON.stringify([
    { userId: upstreamSub, providerName: PROVIDER, providerType: 'OIDC', issuer: null, primary: 'true' },
  ]);
  const federated = await stack.cognito.createUser(`${PROVIDER}_${upstreamSub}`, PASSWORD, { identities });
  await stack.cognito.signIn(federated.username, PASSWORD);
  return { email, upstreamSub };
}

function deploySignals(
  stack: LocalStack,
  transmitter: Transmitter,
  apiGateway: string,
  timeoutMs = 20_000,
): void {
  stack.lambda.deploy({
    name: SHARED_SIGNALS,
    bundle: bundlePath('shared-signals'),
    env: {
      TABLE_NAME: stack.tableName,
      USER_POOL_ID: stack.cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      REFRESH_TOKEN_LIFETIME_SECONDS: String(30 * 86400),
      UPSTREAM_ISSUER: transmitter.issuer,
      UPSTREAM_AUDIENCE: SSF_AUDIENCE,
      UPSTREAM_PROVIDER_NAME: PROVIDER,
      AWS_ENDPOINT_URL_DYNAMODB: stack.functionEndpoints.dynamodb,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.functionEndpoints.cognito,
      AWS_ENDPOINT_URL_API_GATEWAY: apiGateway,
      CACHE_FLUSH_TARGETS: flushTargets(stack),
      LOG_LEVEL: 'info',
    },
    timeoutMs,
  });
}

async function driveSharedSignals(stack: LocalStack, transmitter: Transmitter, log: Log): Promise<void> {
  const { email, upstreamSub } = await usersToRevoke(stack, 'ssf');
  const now = () => Math.floor(Date.now() / 1000);
  const set = (subject: unknown, event: string) =>
    transmitter.signSet({
      iss: transmitter.issuer,
      aud: SSF_AUDIENCE,
      iat: now(),
      jti: randomUUID(),
      sub_id: subject,
      events: { [event]: { event_timestamp: now(), initiating_entity: 'policy' } },
    });
  const push = async (token: string) =>
    call(stack, SHARED_SIGNALS, routeEvent('/ssf/events', 'application/secevent+jwt', token), log);

  deploySignals(stack, transmitter, stack.functionEndpoints.apiGateway);
  const byEmail = await set({ format: 'email', email }, SESSION_REVOKED);
  expectStatus(await push(byEmail), 202, 'SET about a user by email', log);
  const federated = { format: 'iss_sub', iss: transmitter.issuer, sub: upstreamSub };
  expectStatus(await push(await set(federated, CREDENTIAL_CHANGE)), 202, 'SET about a federated user', log);
  expectStatus(await push(byEmail), 400, 'replayed SET', log);

  // API Gateway unreachable: the revocation is not proven (its caches were not flushed), so 503 and the claim on
  // the SET's jti is released; the transmitter's retry of the same SET is then accepted.
  // A user not revoked yet: a revocation that changes nothing would need no flush and succeed.
  const retryUser = await usersToRevoke(stack, 'ssf-retry');
  const retried = await set({ format: 'email', email: retryUser.email }, CREDENTIAL_CHANGE);
  // The function retries the flush until its deadline: a short timeout makes that wait short, the calls the same.
  deploySignals(stack, transmitter, await closedPortEndpoint(), 5_000);
  expectStatus(await push(retried), 503, 'SET while API Gateway is unreachable', log);
  deploySignals(stack, transmitter, stack.functionEndpoints.apiGateway);
  expectStatus(await push(retried), 202, 'the retry of a SET whose revocation failed', log);
}

async function driveGlobalTokenRevocation(stack: LocalStack, transmitter: Transmitter, log: Log) {
  const { email, upstreamSub } = await usersToRevoke(stack, 'gtr');
  stack.lambda.deploy({
    name: GLOBAL_TOKEN_REVOCATION,
    bundle: bundlePath('global-token-revocation'),
    env: {
      TABLE_NAME: stack.tableName,
      USER_POOL_ID: stack.cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      REFRESH_TOKEN_LIFETIME_SECONDS: String(30 * 86400),
      UPSTREAM_ISSUER: transmitter.issuer,
      UPSTREAM_AUDIENCE: GTR_AUDIENCE,
      UPSTREAM_PROVIDER_NAME: PROVIDER,
      REQUIRED_SCOPE: GTR_SCOPE,
      AWS_ENDPOINT_URL_DYNAMODB: stack.functionEndpoints.dynamodb,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.functionEndpoints.cognito,
      AWS_ENDPOINT_URL_API_GATEWAY: stack.functionEndpoints.apiGateway,
      CACHE_FLUSH_TARGETS: flushTargets(stack),
      LOG_LEVEL: 'info',
    },
    timeoutMs: 20_000,
  });
  const now = Math.floor(Date.now() / 1000);
  const bearer = `Bearer ${await transmitter.signBearer({
    iss: transmitter.issuer,
    aud: GTR_AUDIENCE,
    sub: 'provider-client',
    scope: GTR_SCOPE,
    iat: now,
    exp: now + 300,
  })}`;
  const revoke = (subject: unknown) =>
    call(
      stack,
      GLOBAL_TOKEN_REVOCATION,
      routeEvent('/global-token-revocation', 'application/json', JSON.stringify({ sub_id: subject }), bearer),
      log,
    );
  expectStatus(await revoke({ format: 'email', email }), 204, 'Global Token Revocation by email', log);
  expectStatus(
    await revoke({ format: 'iss_sub', iss: transmitter.issuer, sub: upstreamSub }),
    204,
    'Global Token Revocation of a federated user',
    log,
  );
}

/** Deploys and drives the four doors on `stack`; throws when one answers other than its specification says. */
export async function driveDoors(stack: LocalStack): Promise<readonly string[]> {
  const log: Log = [];
  await driveOAuthEndpoints(stack, log);
  const transmitter = await startTransmitter();
  try {
    await driveSharedSignals(stack, transmitter, log);
    await driveGlobalTokenRevocation(stack, transmitter, log);
  } finally {
    await transmitter.stop();
  }
  return log;
}
