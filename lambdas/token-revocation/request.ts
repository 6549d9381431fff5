/**
 * What an RFC 7009 request asks, and what this endpoint does with it:
 * - an access or ID token of this pool (a JWS aws-jwt-verify accepts): that token is revoked — its `jti` entry,
 *   through the revocation service, read back. The evidence is the token itself (RFC 7009: whoever holds a token
 *   may revoke it), so the subject is the token's own `sub` and nothing else can be named.
 * - a refresh token (opaque to anyone but Cognito): its whole refresh family — refresh.ts. The request carries the
 *   credentials of the app client the token was issued to, as RFC 6749 §2.3.1 allows in the form: `client_id` (one
 *   of this pool's app clients the endpoint serves) and `client_secret` when that client has one. They are handed
 *   to Cognito and never logged.
 * - a token that is invalid, expired, or not this pool's: nothing to do, 200 (RFC 7009 §2.2).
 */
import type { Claims, TokenVerifier } from '../verification/verifier.js';
import { tokenFactsFrom } from '../verification/claims.js';
import type { TokenFacts } from '../core/token.js';

export type RevocationRequest =
  | { readonly kind: 'jwt'; readonly facts: TokenFacts; readonly claims: Claims }
  | {
      readonly kind: 'refresh';
      readonly token: string;
      readonly clientId: string;
      readonly clientSecret?: string | undefined;
    }
  | { readonly kind: 'nothing' }
  | {
      readonly kind: 'invalid';
      readonly error: 'invalid_request' | 'unsupported_token_type';
      readonly message: string;
    };

/** Cognito's access and ID tokens are JWS (3 segments); its refresh tokens are JWE (5 segments). */
const isJws = (token: string) => token.split('.').length === 3;
/** RevokeToken's documented token pattern, and a bound far above any refresh token's size. */
const REFRESH_SHAPE = /^[A-Za-z0-9\-_=.]{1,16384}$/;
/** The documented pattern and length of an app client secret (RevokeToken, GetTokensFromRefreshToken). */
const SECRET_SHAPE = /^[\w+]{1,64}$/;

export async function classify(
  form: ReadonlyMap<string, string>,
  verifier: TokenVerifier,
  allowedClients: readonly string[],
  sessionClaim: string,
  nowSeconds: number,
): Promise<RevocationRequest> {
  const token = form.get('token');
  if (!token)
    return { kind: 'invalid', error: 'invalid_request', message: 'the "token" parameter is required' };
  const hint = form.get('token_type_hint');
  if (hint !== undefined && !['access_token', 'refresh_token', 'id_token'].includes(hint))
    return { kind: 'invalid', error: 'unsupported_token_type', message: 'token_type_hint is not supported' };
  if (isJws(token)) {
    let claims: Claims;
    try {
      claims = await verifier.verify(token);
    } catch {
      return { kind: 'nothing' };
    }
    const facts = tokenFactsFrom(claims, sessionClaim, nowSeconds);
    if (!facts?.jti) return { kind: 'nothing' };
    return { kind: 'jwt', facts, claims };
  }
  const clientId = form.get('client_id');
  if (!clientId || !allowedClients.includes(clientId))
    return {
      kind: 'invalid',
      error: 'invalid_request',
      message: 'a refresh token needs the "client_id" of one of the pool app clients this endpoint serves',
    };
  const clientSecret = form.get('client_secret');
  if (clientSecret !== undefined && !SECRET_SHAPE.test(clientSecret))
    return { kind: 'invalid', error: 'invalid_request', message: 'client_secret is malformed' };
  // Not a token Cognito could have issued: nothing to revoke, and not worth a call (RFC 7009 §2.2).
  if (!REFRESH_SHAPE.test(token)) return { kind: 'nothing' };
  return { kind: 'refresh', token, clientId, ...(clientSecret ? { clientSecret } : {}) };
}
