/**
 * Envoy's external authorization over HTTP (`ext_authz` filter, `http_service`): Envoy forwards the client's request
 * line and the headers it is told to allow, under a path prefix; a 2xx answer lets the request through, anything
 * else is sent back to the client. Here: the prefix is `/ext-authz`, the token checked is the client's own
 * `Authorization: Bearer`, and Envoy proves itself with the M2M token in `x-revocation-caller` (Envoy adds it with
 * `authorization_request.headers_to_add`), since the client's token occupies `Authorization`.
 *
 * Allowed: 200 with `x-auth-sub` / `x-auth-client-id` / `x-auth-scopes` for Envoy to pass upstream
 * (`authorization_response.allowed_upstream_headers`). Refused: 401 (`WWW-Authenticate: Bearer
 * error="invalid_token"`), 503 when revocation could not be checked; a caller Envoy did not authenticate: 403.
 */
import type { FunctionUrlResponse } from '../library/function-url.js';
import type { CallerCheck } from '../library/caller.js';
import { bearerToken } from '../library/bearer.js';
import { RevocationStoreUnavailableError } from '../library/errors.js';
import type { RevocationVerifier } from '../library/verifier.js';

export const EXT_AUTHZ_PREFIX = '/ext-authz';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The request's path when it is an ext_authz check (function URL payload 2.0), else undefined. */
export function extAuthzHeaders(event: unknown): Record<string, string> | undefined {
  if (!isRecord(event)) return undefined;
  const http =
    isRecord(event.requestContext) && isRecord(event.requestContext.http) ? event.requestContext.http : {};
  const path =
    typeof http.path === 'string' ? http.path : typeof event.rawPath === 'string' ? event.rawPath : '';
  if (path !== EXT_AUTHZ_PREFIX && !path.startsWith(`${EXT_AUTHZ_PREFIX}/`)) return undefined;
  const headers: Record<string, string> = {};
  if (isRecord(event.headers))
    for (const [name, value] of Object.entries(event.headers))
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
  return headers;
}

const answer = (statusCode: number, headers: Record<string, string> = {}): FunctionUrlResponse => ({
  statusCode,
  headers: { 'cache-control': 'no-store', ...headers },
  body: '',
});

export async function checkForEnvoy(
  headers: Record<string, string>,
  checkCaller: CallerCheck,
  verifier: Pick<RevocationVerifier, 'verify'>,
): Promise<FunctionUrlResponse> {
  if (!(await checkCaller(headers['x-revocation-caller']))) return answer(403);
  const token = bearerToken(headers.authorization);
  if (token === undefined) return answer(401, { 'www-authenticate': 'Bearer' });
  try {
    const verified = await verifier.verify(token);
    return answer(200, {
      'x-auth-sub': verified.sub,
      'x-auth-client-id': String(verified.context.clientId ?? ''),
      'x-auth-scopes': String(verified.context.scopes ?? ''),
    });
  } catch (error) {
    if (error instanceof RevocationStoreUnavailableError) return answer(503, { 'retry-after': '1' });
    return answer(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
}
