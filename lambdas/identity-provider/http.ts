/**
 * The HTTP request as a Lambda function URL (or an API Gateway proxy integration, payload 1.0 or 2.0) delivers it:
 * method, lower-cased headers and the body, with the size limit applied before anything is parsed.
 */
export interface HttpRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export class HttpRequestError extends Error {
  override readonly name = 'HttpRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses the event; throws `HttpRequestError` (413 for an oversized body, 400 for an event that is no request). */
export function readHttpRequest(event: unknown, maxBodyBytes: number): HttpRequest {
  if (!event || typeof event !== 'object') throw new HttpRequestError(400, 'not an HTTP request');
  const e = event as {
    httpMethod?: unknown;
    requestContext?: { http?: { method?: unknown } };
    headers?: Record<string, unknown> | null;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const method = String(e.requestContext?.http?.method ?? e.httpMethod ?? '').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.headers ?? {}))
    if (typeof v === 'string') headers[k.toLowerCase()] = v;
  const raw = typeof e.body === 'string' ? e.body : '';
  // Base64 is 4/3 of the bytes: refuse before decoding anything larger than the limit allows.
  const limit = e.isBase64Encoded === true ? Math.ceil((maxBodyBytes * 4) / 3) + 4 : maxBodyBytes;
  if (raw.length > limit) throw new HttpRequestError(413, `the body is larger than ${maxBodyBytes} bytes`);
  const body = e.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(body, 'utf8') > maxBodyBytes)
    throw new HttpRequestError(413, `the body is larger than ${maxBodyBytes} bytes`);
  return { method, headers, body };
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(headers: Readonly<Record<string, string>>): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function respond(
  statusCode: number,
  body?: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: {
      'cache-control': 'no-store',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
