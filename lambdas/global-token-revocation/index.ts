/**
 * OAuth Global Token Revocation (draft-parecki-oauth-global-token-revocation-06): the configured identity provider
 * asks that every token of one user stop working. Thin handler: authenticate the caller's bearer token with
 * aws-jwt-verify's generic `JwtVerifier` (issuer, audience, keys, algorithm) and its scope, parse the subject, tie it
 * to exactly one user of the pool, revoke the user through the revocation service (the watermark as of now, every
 * recorded session, Cognito's own global sign-out — the refresh tokens the draft says MUST be revoked), answer.
 *
 * Answers as the draft says: 204 done (the read-back proved it in force); 400 a malformed request or unsupported
 * subject; 401 no or an invalid bearer token; 403 the token lacks the scope; 404 no such user; 422 the user could
 * not be logged out (the subject names several users, or the revocation is not proven). 503 when Cognito, the table
 * or the provider's keys could not be reached (nothing written; the caller may retry). A token never reaches a log.
 */
import { createLogger } from '../adapters/observability.js';
import { createDoor, type DoorOverrides, findUser, revokeEverywhere } from '../identity-provider/door.js';
import {
  HttpRequestError,
  type HttpResponse,
  mediaType,
  readHttpRequest,
  respond,
} from '../identity-provider/http.js';
import { describeSubject } from '../identity-provider/subject.js';
import {
  createUpstreamVerifier,
  type UpstreamVerifier,
  VerifyFailure,
} from '../identity-provider/verifier.js';
import { type GlobalTokenRevocationConfig, readGlobalTokenRevocationConfig } from './config.js';
import { bearerToken, GtrRequestError, parseRequestBody, scopesOf } from './request.js';

const SERVICE = 'global-token-revocation';
const REPORT_MARGIN_MS = 1000;

interface InvokeContext {
  getRemainingTimeInMillis?: () => number;
}

export type GlobalTokenRevocationHandler = (event: unknown, context?: InvokeContext) => Promise<HttpResponse>;

const problem = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
  respond(status, { error, error_description: description }, headers);

export interface GlobalTokenRevocationOverrides extends DoorOverrides {
  readonly verifier?: UpstreamVerifier;
}

export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: GlobalTokenRevocationOverrides = {},
): GlobalTokenRevocationHandler {
  let config: GlobalTokenRevocationConfig;
  let verifier: UpstreamVerifier;
  try {
    config = readGlobalTokenRevocationConfig(env);
    verifier =
      overrides.verifier ??
      createUpstreamVerifier({
        issuer: config.issuer,
        audience: config.audience,
        jwksUri: config.jwksUri,
        metadataUrl: config.metadataUrl,
        algorithms: config.algorithms,
      });
  } catch (error) {
    const logger = createLogger({ service: SERVICE });
    const message = error instanceof Error ? error.message : 'misconfigured';
    return async () => {
      logger.error('misconfigured', { error: message });
      return problem(500, 'server_error', 'the endpoint is misconfigured');
    };
  }
  const door = createDoor(SERVICE, env, config, overrides);
  const { logger, ctx } = door;
  const challenge = (error: string) => ({
    'www-authenticate': `Bearer error="${error}"${error === 'insufficient_scope' ? `, scope="${config.requiredScope}"` : ''}`,
  });

  return async (event, context) => {
    const started = ctx.clock();
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - REPORT_MARGIN_MS) : undefined;
    let request: ReturnType<typeof readHttpRequest>;
    try {
      request = readHttpRequest(event, config.maxBodyBytes);
    } catch (error) {
      const message = error instanceof HttpRequestError ? error.message : 'not an HTTP request';
      logger.info('revocation request refused', { status: 400, description: message });
      return problem(400, 'invalid_request', message);
    }
    if (request.method !== 'POST') return respond(405, undefined, { allow: 'POST' });
    // Authentication first: an unauthenticated caller learns nothing about the body or the users.
    const token = bearerToken(request.headers);
    if (!token) return respond(401, undefined, { 'www-authenticate': 'Bearer' });
    let claims: Awaited<ReturnType<UpstreamVerifier['verify']>>;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      const failure =
        error instanceof VerifyFailure ? error : new VerifyFailure('unavailable', 'verification failed');
      if (failure.kind === 'unavailable') {
        logger.warn('bearer token not verified: keys unavailable', { error: failure.message });
        return problem(503, 'temporarily_unavailable', 'the provider’s keys could not be fetched');
      }
      logger.info('revocation request refused', { status: 401, reason: failure.kind });
      return problem(401, 'invalid_token', failure.message, challenge('invalid_token'));
    }
    if (!scopesOf(claims).includes(config.requiredScope)) {
      logger.info('revocation request refused', { status: 403, reason: 'scope', caller: claims.sub });
      return problem(
        403,
        'insufficient_scope',
        'the token lacks the required scope',
        challenge('insufficient_scope'),
      );
    }
    if (mediaType(request.headers) !== 'application/json')
      return problem(400, 'invalid_request', 'the body must be application/json');
    let subject: ReturnType<typeof parseRequestBody>;
    try {
      subject = parseRequestBody(request.body);
    } catch (error) {
      const message = error instanceof GtrRequestError ? error.message : 'bad request';
      logger.info('revocation request refused', { status: 400, description: message });
      return problem(400, 'invalid_request', message);
    }
    const logged = { caller: claims.sub, subject: describeSubject(subject) };
    const found = await findUser(door, subject.user, deadlineAt);
    if (found.kind === 'unavailable') {
      logger.warn('revocation not done: user lookup unavailable', { ...logged, error: found.reason });
      return problem(503, 'temporarily_unavailable', 'the user directory could not be reached');
    }
    if (found.kind === 'unmatched') {
      const status = found.match.kind === 'none' ? 404 : found.match.kind === 'ambiguous' ? 422 : 400;
      logger.info('revocation request refused', { ...logged, status, match: found.match.kind });
      return problem(status, status === 404 ? 'user_not_found' : 'invalid_request', found.match.reason);
    }
    const result = await revokeEverywhere(
      door,
      found,
      { name: `gtr:${claims.iss}`, reason: 'global token revocation' },
      deadlineAt,
    );
    if (result.ok) {
      logger.info('revocation done', { ...logged, sub: found.sub, elapsedMs: ctx.clock() - started });
      return respond(204);
    }
    const transient = ['store_error', 'directory_error', 'internal'].includes(result.error?.code ?? '');
    logger.warn('revocation not proven', { ...logged, sub: found.sub, error: result.error });
    return transient
      ? problem(503, 'temporarily_unavailable', 'the revocation could not be stored')
      : problem(422, 'unable_to_log_out', result.error?.message ?? 'the revocation is not proven in force');
  };
}

export const handler: GlobalTokenRevocationHandler = createHandler();
