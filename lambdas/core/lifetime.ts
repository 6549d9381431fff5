/**
 * The TTL rule every writer uses. Invariant: no entry expires while a token it revokes could still be accepted.
 *
 * All times are epoch seconds. `clockSkewSeconds` covers clock differences between Cognito, the writer and the
 * authorizer (which verifies `exp` with no grace), plus DynamoDB's second granularity.
 */
export interface LifetimePolicy {
  /** Longest ID/access token validity configured on the app clients (Cognito allows up to 1 day). */
  readonly tokenLifetimeSeconds: number;
  /** Longest refresh token validity (Cognito allows up to 3650 days). */
  readonly refreshTokenLifetimeSeconds: number;
  /** Safety margin added to every expiry. */
  readonly clockSkewSeconds: number;
}

export const MAX_COGNITO_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
export const MIN_COGNITO_TOKEN_LIFETIME_SECONDS = 5 * 60;
export const MAX_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS = 3650 * 24 * 60 * 60;
export const MIN_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS = 60 * 60;
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

/** The defaults assume the longest lifetimes Cognito allows: safe whatever the app clients are set to. */
export const DEFAULT_LIFETIME_POLICY: LifetimePolicy = Object.freeze({
  tokenLifetimeSeconds: MAX_COGNITO_TOKEN_LIFETIME_SECONDS,
  refreshTokenLifetimeSeconds: MAX_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS,
});

export class LifetimePolicyError extends Error {
  override readonly name = 'LifetimePolicyError';
}

/** Validates a policy; throws `LifetimePolicyError` saying which value is out of range. */
export function lifetimePolicy(values: Partial<LifetimePolicy> = {}): LifetimePolicy {
  const policy = { ...DEFAULT_LIFETIME_POLICY, ...values };
  const check = (name: keyof LifetimePolicy, min: number, max: number) => {
    const v = policy[name];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new LifetimePolicyError(
        `${name} must be an integer between ${min} and ${max} seconds, got ${String(v)}`,
      );
    }
  };
  check('tokenLifetimeSeconds', MIN_COGNITO_TOKEN_LIFETIME_SECONDS, MAX_COGNITO_TOKEN_LIFETIME_SECONDS);
  check(
    'refreshTokenLifetimeSeconds',
    MIN_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
    MAX_COGNITO_REFRESH_TOKEN_LIFETIME_SECONDS,
  );
  // At least 1 s: aws-jwt-verify accepts a token at the instant now == exp, while an entry counts only while
  // now < expiresAt, so an expiry equal to exp would leave that instant uncovered (test/hardening/ttl-invariant).
  check('clockSkewSeconds', 1, 3600);
  return Object.freeze(policy);
}

export interface RefreshState {
  /** True when Cognito revoked the refresh tokens (e.g. `AdminUserGlobalSignOut` succeeded). */
  readonly refreshTokensRevoked: boolean;
}

/**
 * User watermark. Tokens it revokes were authenticated at or before `notBefore`. If the refresh tokens were revoked,
 * the last such token was issued by `notBefore` and lives at most one token lifetime. If not, a surviving refresh
 * token keeps minting tokens with the old `auth_time` for up to the refresh lifetime.
 */
export function userWatermarkExpiry(
  notBefore: number,
  policy: LifetimePolicy,
  refresh: RefreshState,
): number {
  const horizon = refresh.refreshTokensRevoked
    ? policy.tokenLifetimeSeconds
    : policy.refreshTokenLifetimeSeconds + policy.tokenLifetimeSeconds;
  return notBefore + horizon + policy.clockSkewSeconds;
}

/** Refresh-token family (`origin_jti`): same reasoning as the watermark, counted from the revocation. */
export function originRevocationExpiry(
  nowSeconds: number,
  policy: LifetimePolicy,
  refresh: RefreshState,
): number {
  return userWatermarkExpiry(nowSeconds, policy, refresh);
}

/** A session record lives as long as any token issued with its session id. */
export function sessionRecordExpiry(issuedAt: number, policy: LifetimePolicy): number {
  return issuedAt + policy.tokenLifetimeSeconds + policy.clockSkewSeconds;
}

/**
 * Issued session: its tokens were all issued at the session's issuance, so they die by the record's expiry.
 * Without a record (or a record that claims less), fall back to a full token lifetime from now.
 */
export function sessionRevocationExpiry(
  nowSeconds: number,
  policy: LifetimePolicy,
  sessionRecordExpiresAt?: number,
): number {
  const fallback = nowSeconds + policy.tokenLifetimeSeconds + policy.clockSkewSeconds;
  return sessionRecordExpiresAt === undefined
    ? fallback
    : Math.max(sessionRecordExpiresAt, nowSeconds + policy.clockSkewSeconds);
}

/** One token: until its `exp` (plus skew); a full lifetime from now when `exp` is unknown. */
export function tokenRevocationExpiry(
  nowSeconds: number,
  policy: LifetimePolicy,
  tokenExpiresAt?: number,
): number {
  if (tokenExpiresAt === undefined || !Number.isFinite(tokenExpiresAt)) {
    return nowSeconds + policy.tokenLifetimeSeconds + policy.clockSkewSeconds;
  }
  return Math.max(tokenExpiresAt, nowSeconds) + policy.clockSkewSeconds;
}
