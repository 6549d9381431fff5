/**
 * RFC 7662 token introspection for gateways (Kong's OAuth 2.0 introspection plugin, Envoy through an ext_authz
 * adapter, any RFC 7662 client): `POST` a form with `token` (and an optional `token_type_hint`, ignored as §2.1
 * allows) to this function's URL; the answer says whether the token is active — verified AND not revoked — with the
 * same check as the authorizer (the library's verifier: aws-jwt-verify, one `Query`, the core's `decide`).
 *
 * Callers authenticate with a Cognito M2M access token holding the dedicated scope (library/caller.ts); anyone
 * else gets 401. A store that cannot answer gets 503 (closed mode) — never `active: true` unchecked, unless the
 * operator chose fail-open. Never logs a token.
 */
import { createLogger } from '../adapters/observability.js';
import { callerCheck } from '../library/caller.js';
import {
  callerRefused,
  FormRequestError,
  type FunctionUrlResponse,
  oauthError,
  parseFormRequest,
} from '../library/function-url.js';
import { RevocationStoreUnavailableError } from '../library/errors.js';
import { buildRevocationVerifier, type RevocationVerifier } from '../library/verifier.js';
import { activeAnswer, inactiveAnswer } from './answer.js';
import { readIntrospectionConfig } from './config.js';
import { checkForEnvoy, extAuthzHeaders } from './ext-authz.js';

const SERVICE = 'introspection';
export type Handler = (event: unknown) => Promise<FunctionUrlResponse>;

/** Lambda's credentials are in its environment: no provider chain needed (and none loaded per request). */
const runtimeCredentials = (env: NodeJS.ProcessEnv) => async () => ({
  accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
  sessionToken: env.AWS_SESSION_TOKEN || undefined,
});

export function createHandler(env: NodeJS.ProcessEnv = process.env): Handler {
  let logger = createLogger({ service: SERVICE });
  let verifier: RevocationVerifier;
  let config: ReturnType<typeof readIntrospectionConfig>;
  let checkCaller: ReturnType<typeof callerCheck>;
  try {
    config = readIntrospectionConfig(env);
    logger = createLogger({ service: SERVICE, level: config.logLevel });
    verifier = buildRevocationVerifier({ ...config.verifier, credentials: runtimeCredentials(env) }, { env });
    checkCaller = callerCheck({
      userPoolId: config.userPoolId,
      clientIds: config.callerClientIds,
      scope: config.callerScope,
      jwksUri: config.verifier.jwksUri,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return async () => {
      logger.error(`introspection configuration error: ${message}`, { reason: 'config_error' });
      return oauthError(500, 'server_error', 'introspection is misconfigured');
    };
  }
  return async (event) => {
    // Envoy's ext_authz checks come under their own path prefix (ext-authz.ts); everything else is RFC 7662.
    const envoy = extAuthzHeaders(event);
    if (envoy) return checkForEnvoy(envoy, checkCaller, verifier);
    let request: ReturnType<typeof parseFormRequest>;
    try {
      request = parseFormRequest(event);
    } catch (error) {
      const status = error instanceof FormRequestError ? error.status : 400;
      return oauthError(status, 'invalid_request', error instanceof Error ? error.message : 'bad request');
    }
    const caller = await checkCaller(request.headers.authorization);
    if (!caller) {
      logger.info('introspection refused', { reason: 'caller_not_allowed' });
      return callerRefused('a Cognito M2M access token with the introspection scope is required');
    }
    const token = request.form.get('token');
    if (!token) return oauthError(400, 'invalid_request', 'the "token" parameter is required');
    const now = Math.floor(Date.now() / 1000);
    try {
      const verified = await verifier.verify(token);
      logger.info('introspection', {
        caller: caller.clientId,
        active: true,
        sub: verified.sub,
        failOpen: verified.failOpen,
      });
      return activeAnswer(verified, config.stalenessSeconds, now);
    } catch (error) {
      if (error instanceof RevocationStoreUnavailableError) {
        logger.warn('introspection: store unavailable', { caller: caller.clientId, errorKind: error.kind });
        return oauthError(503, 'temporarily_unavailable', 'token revocation could not be checked');
      }
      logger.info('introspection', {
        caller: caller.clientId,
        active: false,
        reason: error instanceof Error ? error.name : 'unknown',
      });
      return inactiveAnswer(config.stalenessSeconds, now);
    }
  };
}

let handlerInstance: Handler | undefined;
export async function handler(event: unknown): Promise<FunctionUrlResponse> {
  handlerInstance ??= createHandler(process.env);
  return handlerInstance(event);
}
