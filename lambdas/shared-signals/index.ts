/**
 * Shared Signals receiver, push delivery (RFC 8935): the configured transmitter POSTs one Security Event Token
 * (`application/secevent+jwt`). Thin handler: verify the SET (issuer, audience, keys, algorithm, type), read what
 * it asks (`events.ts`), tie its subject to exactly one user of the pool, remember its `jti`, revoke the user through
 * the revocation service, answer.
 *
 * Answers exactly as RFC 8935 says: `202` once the SET is accepted (the read-back proved the revocation in force, or
 * it was the SSF verification event); `400` with `{"err": …, "description": …}` for a SET refused — nothing is
 * written then. `503` when the keys or the table could not be reached, or the revocation is not proven: the claim on
 * the `jti` is released so the transmitter's retry is acted on. A token never reaches a log.
 */
import { createLogger, type Logger } from '../adapters/observability.js';
import { ConfigError } from '../identity-provider/config.js';
import { createDoor, type DoorOverrides, findUser, revokeEverywhere } from '../identity-provider/door.js';
import {
  HttpRequestError,
  type HttpResponse,
  mediaType,
  readHttpRequest,
  respond,
} from '../identity-provider/http.js';
import { createReplayGuard, type ReplayGuard } from '../identity-provider/replay.js';
import { describeSubject } from '../identity-provider/subject.js';
import {
  createUpstreamVerifier,
  type UpstreamVerifier,
  type VerifiedPayload,
  VerifyFailure,
  type VerifyFailureKind,
} from '../identity-provider/verifier.js';
import { readSharedSignalsConfig, type SharedSignalsConfig } from './config.js';
import { readSet, SetError, type SetRequest } from './events.js';

const SERVICE = 'shared-signals';
const REPORT_MARGIN_MS = 1000;
const SET_MEDIA_TYPE = 'application/secevent+jwt';

interface InvokeContext {
  getRemainingTimeInMillis?: () => number;
}

export type SharedSignalsHandler = (event: unknown, context?: InvokeContext) => Promise<HttpResponse>;

/** RFC 8935's error codes. */
type SetErrorCode = 'invalid_request' | 'invalid_key' | 'invalid_issuer' | 'invalid_audience';

const refuse = (err: SetErrorCode, description: string) => respond(400, { err, description });

const VERIFY_ERRORS: Record<Exclude<VerifyFailureKind, 'unavailable'>, SetErrorCode> = {
  malformed: 'invalid_request',
  signature: 'invalid_key',
  unknown_key: 'invalid_key',
  algorithm: 'invalid_key',
  type: 'invalid_request',
  issuer: 'invalid_issuer',
  audience: 'invalid_audience',
  expired: 'invalid_request',
};

/** Reads, verifies and parses the SET of one request; a refusal is the answer to send (nothing written yet). */
async function readVerifiedSet(
  event: unknown,
  config: SharedSignalsConfig,
  verifier: UpstreamVerifier,
  logger: Logger,
  now: number,
): Promise<HttpResponse | { payload: VerifiedPayload; set: SetRequest }> {
  let token: string;
  try {
    const request = readHttpRequest(event, config.maxBodyBytes);
    if (request.method !== 'POST') return respond(405, undefined, { allow: 'POST' });
    if (mediaType(request.headers) !== SET_MEDIA_TYPE)
      return refuse('invalid_request', `the body must be one SET as ${SET_MEDIA_TYPE}`);
    token = request.body.trim();
  } catch (error) {
    const message = error instanceof HttpRequestError ? error.message : 'not an HTTP request';
    logger.info('SET refused', { err: 'invalid_request', description: message });
    return refuse('invalid_request', message);
  }
  let payload: VerifiedPayload;
  try {
    payload = await verifier.verify(token);
  } catch (error) {
    const failure =
      error instanceof VerifyFailure ? error : new VerifyFailure('unavailable', 'verification failed');
    if (failure.kind === 'unavailable') {
      logger.warn('SET not verified: keys unavailable', { error: failure.message });
      return respond(503, {
        err: 'temporarily_unavailable',
        description: 'the transmitter’s keys could not be fetched',
      });
    }
    const err = VERIFY_ERRORS[failure.kind];
    logger.info('SET refused', { err, description: failure.message });
    return refuse(err, failure.message);
  }
  let set: SetRequest;
  try {
    set = readSet(payload, now, config.maxAgeSeconds);
  } catch (error) {
    const description = error instanceof SetError ? error.message : 'the SET cannot be read';
    logger.info('SET refused', { err: 'invalid_request', description, jti: payload.jti });
    return refuse('invalid_request', description);
  }
  return { payload, set };
}

export interface SharedSignalsOverrides extends DoorOverrides {
  readonly verifier?: UpstreamVerifier;
  readonly replay?: ReplayGuard;
}

export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: SharedSignalsOverrides = {},
): SharedSignalsHandler {
  let config: SharedSignalsConfig;
  let verifier: UpstreamVerifier;
  try {
    config = readSharedSignalsConfig(env);
    verifier =
      overrides.verifier ??
      createUpstreamVerifier({
        issuer: config.issuer,
        audience: config.audience,
        jwksUri: config.jwksUri,
        metadataUrl: config.metadataUrl,
        algorithms: config.algorithms,
        typ: 'secevent+jwt',
      });
  } catch (error) {
    const logger = createLogger({ service: SERVICE });
    const message = error instanceof ConfigError || error instanceof Error ? error.message : 'misconfigured';
    return async () => {
      logger.error('misconfigured', { error: message });
      return respond(500, { err: 'configuration', description: 'the receiver is misconfigured' });
    };
  }
  const door = createDoor(SERVICE, env, config, overrides);
  const replay = overrides.replay ?? createReplayGuard(door.dynamo, config.admin.tableName);
  const { logger, ctx } = door;

  return async (event, context) => {
    const started = ctx.clock();
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - REPORT_MARGIN_MS) : undefined;
    const now = Math.floor(ctx.clock() / 1000);
    const read = await readVerifiedSet(event, config, verifier, logger, now);
    if ('statusCode' in read) return read;
    const { payload, set } = read;
    if (set.kind === 'verification') {
      logger.info('SET accepted', { event: 'verification', jti: set.jti, iss: payload.iss });
      return respond(202);
    }
    const found = await findUser(door, set.subject.user, deadlineAt);
    const logged = { jti: set.jti, event: set.reason, subject: describeSubject(set.subject) };
    if (found.kind === 'unavailable') {
      logger.warn('SET not acted on: user lookup unavailable', { ...logged, error: found.reason });
      return respond(503, {
        err: 'temporarily_unavailable',
        description: 'the user directory could not be reached',
      });
    }
    if (found.kind === 'unmatched') {
      logger.info('SET refused', { ...logged, err: 'invalid_request', match: found.match.kind });
      return refuse('invalid_request', found.match.reason);
    }
    // Remember the jti before acting, so that a concurrent or later copy of this SET is refused.
    const expiresAt = set.iat + config.maxAgeSeconds + 60;
    let claimed: boolean;
    try {
      claimed = await replay.claim(payload.iss, set.jti, now, Math.max(expiresAt, now + 60));
    } catch (error) {
      logger.warn('SET not acted on: replay store unavailable', { ...logged, error });
      return respond(503, {
        err: 'temporarily_unavailable',
        description: 'the receiver’s store could not be reached',
      });
    }
    if (!claimed) {
      logger.info('SET refused', { ...logged, err: 'invalid_request', description: 'replayed jti' });
      return refuse('invalid_request', 'this SET (jti) was already received');
    }
    const result = await revokeEverywhere(
      door,
      found,
      { name: `ssf:${payload.iss}`, reason: set.reason },
      deadlineAt,
    );
    if (result.ok) {
      logger.info('SET accepted', { ...logged, sub: found.sub, elapsedMs: ctx.clock() - started });
      return respond(202);
    }
    await replay.release(payload.iss, set.jti);
    logger.warn('SET not acted on: revocation not proven', {
      ...logged,
      sub: found.sub,
      error: result.error,
    });
    return respond(503, {
      err: 'temporarily_unavailable',
      description: 'the revocation could not be proven in force',
    });
  };
}

export const handler: SharedSignalsHandler = createHandler();
