/**
 * The logout request, from an API Gateway proxy event behind this project's authorizer (REST proxy integration:
 * `requestContext.authorizer.<key>`; HTTP API payload 2.0: `requestContext.authorizer.lambda.<key>`).
 *
 * The identity — whose sessions end — is the authorizer context ONLY (`sub`, `sessionId`, `originJti`, `jti`,
 * `exp`, `clientId`, `tokenUse`): the authorizer verified the token and checked the blocklist. Nothing in the body
 * can name another user or session. The body may ask for `everywhere` and may carry the caller's refresh token
 * (`refreshToken`, for Cognito's RevokeToken); the caller's access token is read from the Authorization header for
 * Cognito's GlobalSignOut. Tokens stay in memory and are never logged or echoed.
 */
import { isValidId } from '../core/token.js';
import type { LogoutInput } from '../revocation/requests.js';

/** The caller's own identity (authorizer context only) and what the body asks. */
export interface LogoutRequest {
  readonly sub: string;
  readonly username?: string;
  readonly sessionId?: string;
  readonly originJti?: string;
  readonly jti?: string;
  readonly exp?: number;
  readonly clientId?: string;
  readonly everywhere: boolean;
  /** In memory only, never logged: RevokeToken at Cognito. */
  readonly refreshToken?: string;
  /** In memory only, never logged: GlobalSignOut at Cognito (with `everywhere`). */
  readonly accessToken?: string;
}

/** The service's input: a self-service actor whose evidence is its own verified token. */
export function logoutInput(request: LogoutRequest): LogoutInput {
  const { sub, everywhere, refreshToken, accessToken, ...evidence } = request;
  return {
    actor: { kind: 'self-service', sub },
    evidence,
    everywhere,
    credentials: { refreshToken, accessToken },
  };
}

export class LogoutRequestError extends Error {
  override readonly name = 'LogoutRequestError';
  constructor(
    readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const JWT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){2,4}$/;
const MAX_BODY = 16 * 1024;

function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  const values = Object.entries(headers).filter(([k]) => k.toLowerCase() === name);
  if (values.length !== 1 || typeof values[0]?.[1] !== 'string') return undefined;
  return values[0][1];
}

function context(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const rc = event.requestContext;
  if (!isObject(rc) || !isObject(rc.authorizer)) return undefined;
  const authorizer = rc.authorizer;
  return isObject(authorizer.lambda) ? authorizer.lambda : authorizer;
}

function body(event: Record<string, unknown>): Record<string, unknown> {
  let raw = event.body;
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'string' || raw.length > MAX_BODY * 2)
    throw new LogoutRequestError(400, 'the body must be a JSON object of at most 16 KiB');
  if (event.isBase64Encoded === true) raw = Buffer.from(raw, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw as string);
  } catch {
    throw new LogoutRequestError(400, 'the body is not JSON');
  }
  if (!isObject(parsed)) throw new LogoutRequestError(400, 'the body must be a JSON object');
  return parsed;
}

const optionalId = (v: unknown) => (typeof v === 'string' && v !== '' && isValidId(v) ? v : undefined);

/** Builds the operation's request; throws `LogoutRequestError` (400 bad body, 401 no authorizer identity). */
export function parseLogoutEvent(event: unknown, options: { allowEverywhere: boolean }): LogoutRequest {
  if (!isObject(event)) throw new LogoutRequestError(400, 'not an API Gateway event');
  const ctx = context(event);
  const sub = ctx?.sub;
  if (typeof sub !== 'string' || !isValidId(sub))
    throw new LogoutRequestError(
      401,
      'no caller identity: the route must be behind the revocation authorizer',
    );
  const input = body(event);
  for (const key of Object.keys(input))
    if (!['everywhere', 'refreshToken'].includes(key))
      throw new LogoutRequestError(
        400,
        `unknown field "${key.slice(0, 40)}": only "everywhere" and "refreshToken"`,
      );
  if (input.everywhere !== undefined && typeof input.everywhere !== 'boolean')
    throw new LogoutRequestError(400, '"everywhere" must be true or false');
  const everywhere = input.everywhere === true;
  if (everywhere && !options.allowEverywhere)
    throw new LogoutRequestError(400, 'logging out everywhere is turned off for this API');
  let refreshToken: string | undefined;
  if (input.refreshToken !== undefined) {
    if (
      typeof input.refreshToken !== 'string' ||
      !JWT.test(input.refreshToken) ||
      input.refreshToken.length > 8192
    )
      throw new LogoutRequestError(400, '"refreshToken" must be the Cognito refresh token (a JWE)');
    refreshToken = input.refreshToken;
  }
  // The access token the authorizer just verified, when the caller used one (for GlobalSignOut).
  let accessToken: string | undefined;
  const authorization = header(event.headers, 'authorization');
  if (ctx?.tokenUse === 'access' && authorization) {
    const token = authorization.replace(/^bearer\s+/i, '').trim();
    if (JWT.test(token) && token.length <= 16 * 1024) accessToken = token;
  }
  const exp = Number(ctx?.exp);
  return {
    sub,
    ...(optionalId(ctx?.username) ? { username: ctx?.username as string } : {}),
    ...(optionalId(ctx?.sessionId) ? { sessionId: ctx?.sessionId as string } : {}),
    ...(optionalId(ctx?.originJti) ? { originJti: ctx?.originJti as string } : {}),
    ...(optionalId(ctx?.jti) ? { jti: ctx?.jti as string } : {}),
    ...(Number.isInteger(exp) && exp > 0 ? { exp } : {}),
    ...(optionalId(ctx?.clientId) ? { clientId: ctx?.clientId as string } : {}),
    everywhere,
    ...(refreshToken ? { refreshToken } : {}),
    ...(accessToken ? { accessToken } : {}),
  };
}
