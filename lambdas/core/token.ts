/**
 * The facts about a verified token that revocation decisions depend on.
 * Built by adapters from JWT claims *after* signature, issuer, audience and expiry were verified.
 */
export interface TokenFacts {
  /** `sub`: the user. */
  readonly sub: string;
  /** `iat`, epoch seconds. */
  readonly issuedAt: number;
  /** `auth_time`, epoch seconds; absent on some tokens, then `issuedAt` stands in. */
  readonly authTime?: number | undefined;
  /** `exp`, epoch seconds. */
  readonly expiresAt: number;
  /** `jti`: this one token. */
  readonly jti?: string | undefined;
  /** `origin_jti`: Cognito's id of the refresh-token family (when token revocation is on for the client). */
  readonly originJti?: string | undefined;
  /** The session id the token trigger injected at issuance (see `SESSION_CLAIM`). */
  readonly sessionId?: string | undefined;
}

/** Longest id the blocklist accepts for any scope. Cognito's ids are UUIDs (36 chars). */
export const MAX_ID_LENGTH = 256;

/** True for an id that may be used as (part of) a blocklist key: 1..256 printable ASCII chars, no spaces. */
export function isValidId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH &&
    /^[\x21-\x7e]+$/.test(value)
  );
}

/**
 * The instant a token's user-scope check compares with a watermark: `min(auth_time, iat)`.
 * A time that is not a finite number cannot be compared (`NaN <= x` is false, which would allow): it yields
 * `-Infinity`, so any user watermark revokes the token (fail closed).
 */
export function authenticatedAt(token: TokenFacts): number {
  const at = token.authTime === undefined ? token.issuedAt : Math.min(token.authTime, token.issuedAt);
  const known =
    Number.isFinite(token.issuedAt) && (token.authTime === undefined || Number.isFinite(token.authTime));
  return known ? at : Number.NEGATIVE_INFINITY;
}
