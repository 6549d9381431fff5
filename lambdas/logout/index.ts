/**
 * Self-service logout: an API route behind this project's authorizer. Ends the caller's own session —
 * its issuance (session claim), its refresh family (`origin_jti`) and the presented token (`jti`) — or, with
 * `{"everywhere": true}`, all of the caller's sessions (user watermark), through the revocation service (`lambdas/revocation/logout.ts`).
 * Calls Cognito's RevokeToken / GlobalSignOut when the caller hands over the refresh / access token.
 *
 * Answers API Gateway proxy responses: 200 with what was revoked (ids only, never a token), 400 for a bad body,
 * 401 without an authorizer identity, 503 when the revocation could not be stored (the caller may retry).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createUserTokens } from '../adapters/cognito/user-tokens.js';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../adapters/observability.js';
import { propagationFromEnvironment } from '../revocation/propagation.js';
import type { RevocationContext, RevocationDeps } from '../revocation/context.js';
import { logout, type LogoutDeps } from '../revocation/logout.js';
import { readLogoutConfig } from './config.js';
import { LogoutRequestError, logoutInput, parseLogoutEvent } from './request.js';
import { boundedRequests } from '../adapters/aws/request-timeouts.js';

const SERVICE = 'logout';
const REPORT_MARGIN_MS = 1000;

interface InvokeContext {
  getRemainingTimeInMillis?: () => number;
}

export interface ProxyResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type LogoutHandler = (event: unknown, context?: InvokeContext) => Promise<ProxyResponse>;

function respond(statusCode: number, body: unknown): ProxyResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** What tests may replace: the ports of the logout (never a user directory) and the observability. */
export type LogoutOverrides = Partial<Pick<RevocationDeps, LogoutDeps>> &
  Partial<Pick<RevocationContext, 'logger' | 'metrics' | 'clock'>>;

export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: LogoutOverrides = {},
): LogoutHandler {
  const dynamo = new DynamoDBClient({});
  let config: ReturnType<typeof readLogoutConfig>;
  let propagation: ReturnType<typeof propagationFromEnvironment>;
  try {
    config = readLogoutConfig(env);
    propagation = propagationFromEnvironment(env, dynamo, config.tableName, config.flushTargets);
  } catch (error) {
    const logger = createLogger({ service: SERVICE });
    return async () => {
      logger.error('misconfigured', { error });
      return respond(500, {
        ok: false,
        error: { code: 'configuration', message: 'logout is misconfigured' },
      });
    };
  }
  const store = createSdkStore({ client: dynamo, tableName: config.tableName });
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const { logger: loggerOverride, metrics, clock, ...ports } = overrides;
  const ctx: RevocationContext<LogoutDeps> = {
    deps: {
      propagation,
      reader: store,
      writer: store,
      inventory: store,
      tokens: createUserTokens({
        client: new CognitoIdentityProviderClient({
          maxAttempts: 2,
          requestHandler: boundedRequests(2000, 3000),
        }),
      }),
      policy: config.policy,
      ...ports,
    },
    clock: clock ?? Date.now,
    logger: loggerOverride ?? logger,
    metrics: metrics ?? createMetrics({ namespace: config.metricsNamespace, service: SERVICE }),
  };
  return async (event, context) => {
    let request: ReturnType<typeof parseLogoutEvent>;
    try {
      request = parseLogoutEvent(event, { allowEverywhere: config.allowEverywhere });
    } catch (error) {
      const status = error instanceof LogoutRequestError ? error.status : 400;
      const message = error instanceof Error ? error.message : 'bad request';
      logger.info('logout refused', { status, message });
      return respond(status, { ok: false, error: { code: 'invalid_request', message } });
    }
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - REPORT_MARGIN_MS) : undefined;
    const result = await logout(ctx, logoutInput(request), { deadlineAt });
    if (result.ok) return respond(200, result);
    // Nothing stored at all: tell the caller to retry; partly done: 200 with `ok: false` and what is missing.
    const stored = 'revoked' in result && (result.revoked.length > 0 || result.watermark?.inForce === true);
    return respond(stored ? 200 : 503, result);
  };
}

export const handler: LogoutHandler = createHandler();
