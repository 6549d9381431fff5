/**
 * RFC 7009 token revocation, beside the introspection endpoint: `POST` a form with `token` (and an optional
 * `token_type_hint`; `client_id` for a refresh token) to this function's URL. Access / ID token → that token's
 * entry through the revocation service (read back: 200 only when in force); refresh token → Cognito `RevokeToken`
 * (request.ts says what each does). Callers authenticate like the introspection's: a Cognito M2M access token with
 * the dedicated scope. 503 when the revocation could not be stored (the caller retries). Never logs a token.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createUserTokens } from '../adapters/cognito/user-tokens.js';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../adapters/observability.js';
import { propagationFromEnvironment } from '../admin-signout/propagation.js';
import { createCognitoVerifier } from '../authorizer/verifier.js';
import { callerCheck } from '../library/caller.js';
import {
  FormRequestError,
  type FunctionUrlResponse,
  json,
  oauthError,
  parseFormRequest,
} from '../library/function-url.js';
import type { RevocationContext, RevocationDeps } from '../revocation/context.js';
import { logout, type LogoutDeps } from '../revocation/logout.js';
import { readTokenRevocationConfig } from './config.js';
import { classify } from './request.js';

const SERVICE = 'token-revocation';
export type Handler = (event: unknown) => Promise<FunctionUrlResponse>;
export type TokenRevocationOverrides = Partial<Pick<RevocationDeps, LogoutDeps>> &
  Partial<Pick<RevocationContext, 'logger' | 'metrics' | 'clock'>>;

const done = () => json(200, {}, { 'cache-control': 'no-store' });

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
  const { logger: _l, metrics, clock, ...ports } = overrides;
  const ctx: RevocationContext<LogoutDeps> = {
    deps: {
      propagation,
      reader: store,
      writer: store,
      inventory: store,
      tokens: createUserTokens({
        client: new CognitoIdentityProviderClient({
          maxAttempts: 2,
          requestHandler: { connectionTimeout: 2000, requestTimeout: 3000 },
        }),
      }),
      policy: config.policy,
      ...ports,
    },
    clock: clock ?? Date.now,
    logger,
    metrics: metrics ?? createMetrics({ namespace: config.metricsNamespace, service: SERVICE }),
  };
  const verifier = createCognitoVerifier(config.tokens);
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
      return {
        ...oauthError(
          401,
          'invalid_client',
          'a Cognito M2M access token with the revocation scope is required',
        ),
        headers: {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          'www-authenticate': 'Bearer',
        },
      };
    }
    const now = Math.floor(ctx.clock() / 1000);
    const what = await classify(
      request.form,
      verifier,
      config.tokens.clientIds,
      config.tokens.sessionClaim,
      now,
    );
    switch (what.kind) {
      case 'invalid':
        return oauthError(400, what.error, what.message);
      case 'nothing':
        logger.info('token revocation: not a live token of this pool; nothing to do', {
          caller: caller.clientId,
        });
        return done();
      case 'refresh':
        try {
          await ctx.deps.tokens?.revokeRefreshToken(what.token, what.clientId);
          logger.info('token revocation: refresh token revoked at Cognito', { caller: caller.clientId });
          return done();
        } catch (error) {
          const name = error instanceof Error ? error.message.split(':')[0] : 'unknown';
          // An invalid or unknown refresh token is not an error (RFC 7009 §2.2); Cognito unreachable is.
          if (/unavailable|throttl|timeout/i.test(String((error as { kind?: string }).kind ?? ''))) {
            logger.warn('token revocation: Cognito unavailable', { caller: caller.clientId, error: name });
            return oauthError(503, 'temporarily_unavailable', 'Cognito could not be reached; retry');
          }
          logger.info('token revocation: Cognito refused the refresh token', {
            caller: caller.clientId,
            error: name,
          });
          return done();
        }
      case 'jwt': {
        const { facts } = what;
        const result = await logout(ctx, {
          actor: { kind: 'self-service', sub: facts.sub },
          evidence: { jti: facts.jti, exp: facts.expiresAt },
          everywhere: false,
          credentials: {},
        });
        logger.info('token revocation', { caller: caller.clientId, sub: facts.sub, ok: result.ok });
        if (result.ok) return done();
        return oauthError(503, 'temporarily_unavailable', 'the revocation could not be stored; retry');
      }
    }
  };
}

let instance: Handler | undefined;
export async function handler(event: unknown): Promise<FunctionUrlResponse> {
  instance ??= createHandler(process.env);
  return instance(event);
}
