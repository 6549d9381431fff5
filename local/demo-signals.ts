/**
 * The identity-provider doors on the local stack: a transmitter stand-in (`local/transmitter.ts`, signing with
 * `jose`) and the built Shared Signals receiver (`dist/shared-signals`) deployed on the stack's Lambda endpoint, as
 * a route without authorizer would invoke it. Used by the demo scenario "the identity provider says the session is
 * revoked" (local/demo.ts) and by bench/signals.bench.ts.
 */
import { randomUUID } from 'node:crypto';
import { assertBundlesBuilt, bundlePath } from './lambda-endpoint.js';
import type { LocalStack } from './stack.js';
import { startTransmitter, type Transmitter } from './transmitter.js';

export const SIGNALS_FUNCTION = 'cognito-revocation-shared-signals';
export const SIGNALS_AUDIENCE = 'https://api.example.com/ssf';
export const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';

export interface SignalDoor {
  readonly transmitter: Transmitter;
  /** Signs a CAEP session-revoked SET about `email` and delivers it as RFC 8935 push; the receiver's answer. */
  sessionRevoked(email: string): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/**
 * Starts a transmitter and deploys the receiver configured for it (same table, pool and cache flushes as the admin),
 * reaching the emulators as the stack's other functions do (through the IAM proof's recorders when it records).
 */
export async function deploySignalDoor(stack: LocalStack): Promise<SignalDoor> {
  assertBundlesBuilt(['shared-signals']);
  const transmitter = await startTransmitter();
  stack.lambda.deploy({
    name: SIGNALS_FUNCTION,
    bundle: bundlePath('shared-signals'),
    env: {
      TABLE_NAME: stack.tableName,
      USER_POOL_ID: stack.cognito.userPoolId,
      TOKEN_LIFETIME_SECONDS: '3600',
      REFRESH_TOKEN_LIFETIME_SECONDS: String(30 * 86400),
      UPSTREAM_ISSUER: transmitter.issuer,
      UPSTREAM_AUDIENCE: SIGNALS_AUDIENCE,
      AWS_ENDPOINT_URL_DYNAMODB: stack.functionEndpoints.dynamodb,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.functionEndpoints.cognito,
      AWS_ENDPOINT_URL_API_GATEWAY: stack.functionEndpoints.apiGateway,
      CACHE_FLUSH_TARGETS: JSON.stringify([
        { api: 'rest', apiId: stack.api.apiIds['rest-token'], stage: stack.api.stage },
        { api: 'rest', apiId: stack.api.apiIds['rest-request'], stage: stack.api.stage },
        { api: 'http', apiId: stack.api.apiIds.http, stage: stack.api.stage },
      ]),
      LOG_LEVEL: 'info',
    },
    timeoutMs: 20_000,
  });
  return {
    transmitter,
    async sessionRevoked(email) {
      const now = Math.floor(Date.now() / 1000);
      const set = await transmitter.signSet({
        iss: transmitter.issuer,
        aud: SIGNALS_AUDIENCE,
        iat: now,
        jti: randomUUID(),
        sub_id: { format: 'email', email },
        events: { [SESSION_REVOKED]: { event_timestamp: now, initiating_entity: 'admin' } },
      });
      // A Lambda function URL / HTTP API payload 2.0 event, as the route without authorizer delivers it.
      const result = await stack.lambda.invoke(SIGNALS_FUNCTION, {
        version: '2.0',
        requestContext: { http: { method: 'POST', path: '/ssf/events' } },
        headers: { 'content-type': 'application/secevent+jwt' },
        body: set,
        isBase64Encoded: false,
      });
      const payload = result.payload as { statusCode?: number; body?: string } | null;
      return { status: payload?.statusCode ?? 0, body: payload?.body ?? '' };
    },
    stop: () => transmitter.stop(),
  };
}
