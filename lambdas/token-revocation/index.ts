/**
 * RFC 7009 token revocation, beside the introspection endpoint: `POST` a form with `token` (and an optional
 * `token_type_hint`; `client_id` and, for an app client with a secret, `client_secret` for a refresh token) to this
 * function's URL. Access / ID token → that token's entry through the revocation service (read back: 200 only when in
 * force); refresh token → its whole refresh family, learned from Cognito, then Cognito's `RevokeToken` (request.ts
 * and refresh.ts say what each does). Callers authenticate like the introspection's: a Cognito M2M access token with
 * the dedicated scope. 503 when the revocation could not be stored (the caller retries). Never logs a token.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRefreshTokens, type RefreshTokens } from '../adapters/cognito/refresh-tokens.js';
import { createUserTokens } from '../adapters/cognito/user-tokens.js';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../adapters/observability.js';
import { propagationFromEnvironment } from '../revocation/propagation.js';
import { createCognitoVerifier } from '../verification/verifier.js';
import { callerCheck } from '../library/caller.js';
import {
  callerRefused,
  FormRequestError,
  type FunctionUrlResponse,
  oauthError,
  parseFormRequest,
} from '../library/function-url.js';
import type { RevocationContext, RevocationDeps } from '../revocation/context.js';
import type { LogoutDeps } from '../revocation/logout.js';
import { readTokenRevocationConfig } from './config.js';
import { act } from './act.js';
import { classify } from './request.js';
import { boundedRequests } from '../adapters/aws/request-timeouts.js';

const SERVICE = 'token-revocation';
export type Handler = (event: unknown) => Promise<FunctionUrlResponse>;
export type TokenRevocationOverrides = Partial<Pick<RevocationDeps, LogoutDeps>> &
  Partial<Pick<RevocationContext, 'logger' | 'metrics' | 'clock'>> & { refreshTokens?: RefreshTokens };

export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: TokenRevocationOverrides = {},
): Handler {
  let logger = overrides.logger ?? createLogger({ service: SERVICE });
  const dynamo = new DynamoDBClient({});
  let config: ReturnType<typeof readTokenRevocationConfig>;
  let propagation: ReturnType<typeof propagationFromEnvironment>;
  try {
    config = readTokenRevocationConfig(env);
    logger = overrides.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
    propagation = propagationFromEnvironment(env, dynamo, config.tableName, config.flushTargets);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return async () => {
      logger.error(`token revocation configuration error: ${message}`, { reason: 'config_error' });
      return oauthError(500, 'server_error', 'token revocation is misconfigured');
    };
  }
  const store = createSdkStore({ client: dynamo, tableName: config.tableName });
  const cognito = new CognitoIdentityProviderClient({
    maxAttempts: 2,
    requestHandler: boundedRequests(2000, 3000),
  });
  const { logger: _l, metrics, clock, refreshTokens: _r, ...ports } = overrides;
  const ctx: RevocationContext<LogoutDeps> = {
    deps: {
      propagation,
      reader: store,
      writer: store,
      inventory: store,
      tokens: createUserTokens({ client: cognito }),
      policy: config.policy,
      ...ports,
    },
    clock: clock ?? Date.now,
    logger,
    metrics: metrics ?? createMetrics({ namespace: config.metricsNamespace, service: SERVICE }),
  };
  const verifier = createCognitoVerifier(config.tokens);
  const door = {
    refreshTokens: overrides.refreshTokens ?? createRefreshTokens({ client: cognito }),
    verifier,
    sessionClaim: config.tokens.sessionClaim,
  };
  const checkCaller = callerCheck({
    userPoolId: config.tokens.userPoolId,
    clientIds: config.callerClientIds,
    scope: config.callerScope,
    jwksUri: config.tokens.jwksUri || undefined,
  });

  return async (event) => {
    let request: ReturnType<typeof parseFormRequest>;
    try {
      request = parseFormRequest(event);
    } catch (error) {
      const status = error instanceof FormRequestError ? error.status : 400;
      return oauthError(status, 'invalid_request', error instanceof Error ? error.message : 'bad request');
    }
    const caller = await checkCaller(request.headers.authorization);
    if (!caller) {
      logger.info('token revocation refused', { reason: 'caller_not_allowed' });
      return callerRefused('a Cognito M2M access token with the revocation scope is required');
    }
    const now = Math.floor(ctx.clock() / 1000);
    const what = await classify(
      request.form,
      verifier,
      config.tokens.clientIds,
      config.tokens.sessionClaim,
      now,
    );
    return act(ctx, door, what, caller.clientId, now);
  };
}

let instance: Handler | undefined;
export async function handler(event: unknown): Promise<FunctionUrlResponse> {
  instance ??= createHandler(process.env);
  return instance(event);
}
