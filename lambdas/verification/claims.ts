/**
 * From verified claims to the core's `TokenFacts` and to the context handed to the backend.
 * Only called after aws-jwt-verify accepted the token: nothing here trusts an unverified claim.
 */
import { isValidId, type TokenFacts } from '../core/token.js';
import type { Claims } from './verifier.js';

/** What the authorizer puts into the request context on an allow (and the library returns): flat values only. */
export type AuthContext = Readonly<Record<string, string | number | boolean>>;

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Furthest in the future an `iat` may be (clock skew between Cognito and this function). */
export const MAX_FUTURE_IAT_SECONDS = 300;

/** An optional claim is fine when absent, and must be a usable id when present. */
const optionalId = (value: unknown) => value === undefined || isValidId(value);

/**
 * The facts revocation decisions need, or undefined when a required claim is missing or unusable, when a claim the
 * decision or the context reads is present with the wrong type (a `jti` that is not an id would silently skip the
 * token-scope lookup), or when `iat` lies further in the future than the clock skew (`nowSeconds` given).
 */
export function tokenFactsFrom(
  claims: Claims,
  sessionClaim: string,
  nowSeconds?: number,
): TokenFacts | undefined {
  const sub = claims.sub;
  const issuedAt = finite(claims.iat);
  const expiresAt = finite(claims.exp);
  if (!isValidId(sub) || issuedAt === undefined || expiresAt === undefined) return undefined;
  if (nowSeconds !== undefined && issuedAt > nowSeconds + MAX_FUTURE_IAT_SECONDS) return undefined;
  if (claims.auth_time !== undefined && finite(claims.auth_time) === undefined) return undefined;
  if (!optionalId(claims.jti) || !optionalId(claims.origin_jti) || !optionalId(claims[sessionClaim])) {
    return undefined;
  }
  const groups = claims['cognito:groups'];
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((g) => typeof g === 'string'))) {
    return undefined;
  }
  return {
    sub,
    issuedAt,
    authTime: finite(claims.auth_time),
    expiresAt,
    jti: text(claims.jti),
    originJti: text(claims.origin_jti),
    sessionId: text(claims[sessionClaim]),
  };
}

export function tokenUseOf(claims: Claims): string {
  return claims.token_use === 'id' || claims.token_use === 'access' ? claims.token_use : 'unknown';
}

/**
 * The authorizer context: strings only (API Gateway accepts string/number/boolean values; strings keep the
 * shape the same for REST, HTTP API and AppSync). Every key is always present; absent claims give ''.
 */
export function authContextFrom(claims: Claims, facts: TokenFacts): AuthContext {
  const groups = Array.isArray(claims['cognito:groups'])
    ? claims['cognito:groups'].filter((g): g is string => typeof g === 'string').join(',')
    : '';
  const clientId = text(claims.client_id) ?? (typeof claims.aud === 'string' ? claims.aud : '');
  return {
    sub: facts.sub,
    username: text(claims['cognito:username']) ?? text(claims.username) ?? '',
    groups,
    scopes: text(claims.scope) ?? '',
    clientId,
    tokenUse: tokenUseOf(claims),
    sessionId: facts.sessionId ?? '',
    // The ids a self-service logout revokes: the refresh family, this token and its expiry.
    originJti: facts.originJti ?? '',
    jti: facts.jti ?? '',
    exp: String(facts.expiresAt),
  };
}
