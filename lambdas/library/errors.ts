/**
 * The library's typed refusals. aws-jwt-verify's own errors (expired, wrong client, bad signature, …) are passed
 * through unchanged, so an application that already catches them keeps working; these two are what the revocation
 * check adds. Their messages never hold a token.
 */
import type { RevocationScope } from '../core/revocation.js';

/** The token verified, but a stored revocation refuses it; `scope` says which kind (user, session, origin, token). */
export class TokenRevokedError extends Error {
  override readonly name = 'TokenRevokedError';
  constructor(
    readonly scope: RevocationScope,
    /** The verified token's `sub`. */
    readonly sub: string,
  ) {
    super(`token revoked (${scope} scope)`);
  }
}

/**
 * The revocation store could not answer in time (or at all), and the fail mode refused the token: always in
 * `closed` mode; in `open` mode when the failure is not an outage (throttling, denied access, a malformed answer) —
 * an attacker flooding one user's partition must not be able to switch revocation off.
 */
export class RevocationStoreUnavailableError extends Error {
  override readonly name = 'RevocationStoreUnavailableError';
  constructor(
    /** `timeout`, `unavailable`, `throttled`, `denied`, `malformed`, `unknown` (the store adapter's kinds). */
    readonly kind: string,
    readonly failMode: 'closed' | 'open',
    options?: { cause?: unknown },
  ) {
    super(`revocation store unavailable (${kind}); fail mode ${failMode}: token refused`, options);
  }
}

/** A verified token whose claims the revocation check cannot use (no `sub`, `iat` in the future, …). */
export class TokenClaimsError extends Error {
  override readonly name = 'TokenClaimsError';
  constructor() {
    super('token claims unusable for the revocation check');
  }
}
