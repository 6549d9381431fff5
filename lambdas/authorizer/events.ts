/**
 * The event shapes the authorizer answers, recognised from the event itself:
 * - REST API `TOKEN` authorizer: `{ type: 'TOKEN', authorizationToken, methodArn }`;
 * - REST API `REQUEST` authorizer (and HTTP API payload 1.0, which has the same shape and response):
 *   `{ type: 'REQUEST', methodArn, headers }`;
 * - HTTP API payload 2.0: `{ version: '2.0', type: 'REQUEST', routeArn, headers, identitySource }`;
 * - AppSync Lambda authorization: `{ authorizationToken, requestContext: { apiId, accountId, ... } }`.
 * Anything else is `unknown` and denied. The token is taken from the Authorization header (identity source).
 */

export type EventKind = 'rest_token' | 'rest_request' | 'http_v2' | 'appsync' | 'unknown';

export interface AuthorizerRequest {
  readonly kind: EventKind;
  /** The bearer token, or undefined when none could be read. */
  readonly token: string | undefined;
  /** True when an Authorization value was presented but is unusable (not a string, oversized, two tokens...). */
  readonly malformed: boolean;
  /** `methodArn` (REST) or `routeArn` (HTTP API); used for the IAM policy resource. */
  readonly arn: string | undefined;
  /** True when the event carries a `methodArn`: a deny must then be thrown as `Unauthorized`. */
  readonly restStyle: boolean;
}

/** Longest Authorization value looked at. Cognito tokens are a few KiB; API Gateway caps headers at 10 KiB. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

const BEARER = /^bearer/i;
const LEADING_SPACE = /^\s/;
const SPACE = /\s/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The token from an Authorization value: `Bearer <jwt>` (scheme matched case-insensitively) or a bare `<jwt>`.
 * `{ token: undefined, malformed: false }` when nothing was presented (absent or empty), `malformed: true` when
 * something unusable was (not a string, oversized, `Bearer` alone, several words).
 */
export function bearerToken(value: unknown): { token: string | undefined; malformed: boolean } {
  if (value === undefined || value === null || value === '') return { token: undefined, malformed: false };
  if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH)
    return { token: undefined, malformed: true };
  const trimmed = value.trim();
  let token: string | undefined = trimmed;
  // `Bearer` alone, or `Bearer` + whitespace + one word (the scheme matched case-insensitively, ASCII only).
  if (BEARER.test(trimmed)) {
    const rest = trimmed.slice(6);
    if (rest === '') token = undefined;
    else if (LEADING_SPACE.test(rest)) token = rest.trimStart();
  }
  if (!token || SPACE.test(token)) return { token: undefined, malformed: true };
  return { token, malformed: false };
}

/**
 * Case-insensitive header lookup. Returns the raw value: a string normally; a multi-valued header with one value
 * gives that value; several values (or two spellings with different values) give them all as a list, which
 * `bearerToken` refuses as ambiguous.
 */
export function headerValue(headers: unknown, name: string): unknown {
  if (!isObject(headers)) return undefined;
  const wanted = name.toLowerCase();
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (!values.includes(v)) values.push(v);
  }
  return values.length <= 1 ? values[0] : values;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function parseAuthorizerEvent(event: unknown): AuthorizerRequest {
  if (!isObject(event))
    return { kind: 'unknown', token: undefined, malformed: false, arn: undefined, restStyle: false };
  const methodArn = str(event.methodArn);
  if (event.type === 'TOKEN' && methodArn !== undefined) {
    return {
      kind: 'rest_token',
      ...bearerToken(event.authorizationToken),
      arn: methodArn,
      restStyle: true,
    };
  }
  if (event.version === '2.0' && event.type === 'REQUEST' && typeof event.routeArn === 'string') {
    let raw = headerValue(event.headers, 'authorization');
    if (raw === undefined && Array.isArray(event.identitySource) && event.identitySource.length === 1) {
      raw = event.identitySource[0];
    }
    return { kind: 'http_v2', ...bearerToken(raw), arn: event.routeArn, restStyle: false };
  }
  if (event.type === 'REQUEST' && methodArn !== undefined) {
    // A header sent twice shows as its last value in `headers` and as both in `multiValueHeaders`: refuse the
    // ambiguity (a backend reading the first value would see another credential than the one verified).
    const multi = headerValue(event.multiValueHeaders, 'authorization');
    const raw = Array.isArray(multi) ? multi : (headerValue(event.headers, 'authorization') ?? multi);
    return { kind: 'rest_request', ...bearerToken(raw), arn: methodArn, restStyle: true };
  }
  if ('authorizationToken' in event && isObject(event.requestContext) && 'apiId' in event.requestContext) {
    return {
      kind: 'appsync',
      ...bearerToken(event.authorizationToken),
      arn: undefined,
      restStyle: false,
    };
  }
  return {
    kind: 'unknown',
    token: undefined,
    malformed: false,
    arn: undefined,
    restStyle: methodArn !== undefined,
  };
}
