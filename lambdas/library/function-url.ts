/**
 * The OAuth endpoints' HTTP layer (introspection, token revocation): a Lambda function URL event (payload 2.0)
 * parsed into method, lower-cased headers and an `application/x-www-form-urlencoded` form (RFC 7662 §2.1,
 * RFC 7009 §2.1 send their parameters that way), and JSON answers. Bad input is a 400 with an OAuth error code,
 * never a throw.
 */
export interface FunctionUrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface FormRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly form: ReadonlyMap<string, string>;
}

/** Largest form accepted: a token is a few KB; anything bigger is not a token request. */
const MAX_BODY_BYTES = 16 * 1024;

export class FormRequestError extends Error {
  override readonly name = 'FormRequestError';
  constructor(
    readonly status: 400 | 405 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseFormRequest(event: unknown): FormRequest {
  if (!isRecord(event)) throw new FormRequestError(400, 'not an HTTP request');
  const http =
    isRecord(event.requestContext) && isRecord(event.requestContext.http) ? event.requestContext.http : {};
  const method = typeof http.method === 'string' ? http.method.toUpperCase() : '';
  const headers: Record<string, string> = {};
  if (isRecord(event.headers))
    for (const [name, value] of Object.entries(event.headers))
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
  if (method !== 'POST') throw new FormRequestError(405, 'use POST');
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new FormRequestError(415, 'the body must be application/x-www-form-urlencoded');
  const raw = typeof event.body === 'string' ? event.body : '';
  const text = event.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new FormRequestError(413, 'the body is too large');
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    // RFC 6749 §3.2: parameters must not be included more than once.
    if (form.has(name)) throw new FormRequestError(400, `parameter "${name.slice(0, 40)}" is repeated`);
    form.set(name, value);
  }
  return { method, headers, form };
}

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = { 'cache-control': 'no-store' },
): FunctionUrlResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** RFC 6749 §5.2-style error answer; never cached. */
export function oauthError(statusCode: number, error: string, description: string): FunctionUrlResponse {
  return json(statusCode, { error, error_description: description }, { 'cache-control': 'no-store' });
}

/** 401 for a caller without the endpoint's M2M token and scope (RFC 6750 §3: `WWW-Authenticate: Bearer`). */
export function callerRefused(description: string): FunctionUrlResponse {
  const answer = oauthError(401, 'invalid_client', description);
  return { ...answer, headers: { ...answer.headers, 'www-authenticate': 'Bearer' } };
}
