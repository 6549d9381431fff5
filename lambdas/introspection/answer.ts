/**
 * RFC 7662 §2.2 answers. An active token: `active: true` and the RFC's fields Cognito's claims give (`scope`,
 * `client_id`, `username`, `token_type`, `exp`, `iat`, `sub`, `aud`, `iss`, `jti`) plus `token_use`. Anything else —
 * revoked, invalid, expired, of another pool or client — is exactly `{"active": false}` (§2.2: no more is said about
 * why, so a caller learns nothing about a token it could not use).
 *
 * `Cache-Control`: the bound S (`REVOCATION_STALENESS_SECONDS`) is spent at the caller's cache — the function reads
 * the store exactly on every request, and an answer may be reused for at most S seconds, so a revocation is seen
 * by every caller within S (0: `no-store`). An active answer never outlives the token (`max-age` ≤ time to `exp`).
 */
import type { VerifiedToken } from '../library/verifier.js';
import { type FunctionUrlResponse, json } from '../library/function-url.js';

export function cacheControl(stalenessSeconds: number, nowSeconds: number, exp?: number): string {
  const left =
    exp === undefined ? stalenessSeconds : Math.min(stalenessSeconds, Math.max(0, exp - nowSeconds));
  return left > 0 ? `private, max-age=${left}` : 'no-store';
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function activeAnswer(
  token: VerifiedToken,
  stalenessSeconds: number,
  nowSeconds: number,
): FunctionUrlResponse {
  const c = token.claims;
  const body: Record<string, unknown> = {
    active: true,
    scope: text(c.scope),
    client_id: text(c.client_id) ?? text(c.aud),
    username: text(c['cognito:username']) ?? text(c.username),
    token_type: 'Bearer',
    token_use: token.tokenUse,
    exp: num(c.exp),
    iat: num(c.iat),
    sub: token.sub,
    aud: text(c.aud) ?? text(c.client_id),
    iss: text(c.iss),
    jti: text(c.jti),
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return json(200, body, { 'cache-control': cacheControl(stalenessSeconds, nowSeconds, num(c.exp)) });
}

export function inactiveAnswer(stalenessSeconds: number, nowSeconds: number): FunctionUrlResponse {
  return json(200, { active: false }, { 'cache-control': cacheControl(stalenessSeconds, nowSeconds) });
}
