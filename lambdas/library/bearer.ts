/**
 * Reading a bearer token from an `Authorization` header (RFC 6750 §2.1), and the HTTP answer for each refusal
 * (RFC 6750 §3: 401 with `WWW-Authenticate: Bearer error="invalid_token"`; 503 when revocation could not be
 * checked), shared by the Express middleware, the Fastify plugin and the ALB helper.
 */
import { RevocationStoreUnavailableError } from './errors.js';

/** The token of `Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(header: unknown): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(value);
  return match?.[1];
}

export interface Refusal {
  readonly status: 401 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: string; readonly error_description: string };
}

/** The answer to a refused request; never echoes the token or the error's details. */
export function refusalFor(error: unknown): Refusal {
  if (error instanceof Error && error.name === 'MissingTokenError') return MISSING_TOKEN;
  if (error instanceof RevocationStoreUnavailableError) {
    return {
      status: 503,
      headers: { 'retry-after': '1', 'cache-control': 'no-store' },
      body: { error: 'temporarily_unavailable', error_description: 'token revocation could not be checked' },
    };
  }
  return {
    status: 401,
    headers: { 'www-authenticate': 'Bearer error="invalid_token"', 'cache-control': 'no-store' },
    body: {
      error: 'invalid_token',
      error_description: 'the access token is missing, invalid, expired or revoked',
    },
  };
}

export const MISSING_TOKEN: Refusal = {
  status: 401,
  headers: { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' },
  body: { error: 'invalid_request', error_description: 'a bearer token is required' },
};
