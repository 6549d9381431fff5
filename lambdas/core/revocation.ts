import { authenticatedAt, isValidId, type TokenFacts } from './token.js';

/**
 * The four revocation scopes (DESIGN §2):
 * - `user`: "sign out everywhere" — a watermark `notBefore`; tokens authenticated at or before it are revoked.
 * - `origin`: one refresh-token family, keyed by Cognito's `origin_jti`.
 * - `session`: one issuance, keyed by the session id the token trigger injected.
 * - `token`: one token, keyed by `jti`.
 */
export type RevocationScope = 'user' | 'origin' | 'session' | 'token';

export const REVOCATION_SCOPES: readonly RevocationScope[] = ['user', 'origin', 'session', 'token'];

export interface RevocationKey {
  readonly scope: RevocationScope;
  readonly id: string;
}

export interface RevocationEntry extends RevocationKey {
  /** User scope only: tokens with `min(auth_time, iat) <= notBefore` are revoked. Epoch seconds. */
  readonly notBefore?: number | undefined;
  /** When the revocation was written, epoch seconds. */
  readonly revokedAt: number;
  /** When the entry stops mattering (the TTL attribute), epoch seconds. Readers ignore entries at or past it. */
  readonly expiresAt: number;
  /** Who revoked (IAM principal, admin name); audit only. */
  readonly actor?: string | undefined;
  /** Why; audit only. */
  readonly reason?: string | undefined;
}

/** The lookup keys of a token, in a fixed order: user, origin, session, token. Ids that are not valid are skipped. */
export function revocationKeysFor(token: TokenFacts): RevocationKey[] {
  const keys: RevocationKey[] = [{ scope: 'user', id: token.sub }];
  if (isValidId(token.originJti)) keys.push({ scope: 'origin', id: token.originJti });
  if (isValidId(token.sessionId)) keys.push({ scope: 'session', id: token.sessionId });
  if (isValidId(token.jti)) keys.push({ scope: 'token', id: token.jti });
  return keys;
}

export function sameKey(a: RevocationKey, b: RevocationKey): boolean {
  return a.scope === b.scope && a.id === b.id;
}

/** An entry counts only while `now < expiresAt`: DynamoDB TTL deletes lazily, so readers never rely on deletion. */
export function isLive(entry: RevocationEntry, nowSeconds: number): boolean {
  return nowSeconds < entry.expiresAt;
}

export type Decision =
  | { readonly revoked: false }
  | { readonly revoked: true; readonly scope: RevocationScope; readonly entry: RevocationEntry };

export const NOT_REVOKED: Decision = Object.freeze({ revoked: false });

/** Does this one live entry revoke the token? Only entries whose key the token yields can. */
export function entryRevokes(token: TokenFacts, entry: RevocationEntry, nowSeconds: number): boolean {
  if (!isLive(entry, nowSeconds)) return false;
  switch (entry.scope) {
    case 'user':
      // A user entry without a usable watermark revokes everything (fail closed).
      if (entry.id !== token.sub) return false;
      return typeof entry.notBefore !== 'number' || !Number.isFinite(entry.notBefore)
        ? true
        : authenticatedAt(token) <= entry.notBefore;
    case 'origin':
      return entry.id === token.originJti;
    case 'session':
      return entry.id === token.sessionId;
    case 'token':
      return entry.id === token.jti;
    default:
      return false;
  }
}

/**
 * The decision: revoked when any live entry matching one of the token's keys revokes it.
 * Entries for keys the token does not yield are ignored (a store returning extra items cannot revoke or allow).
 */
export function decide(token: TokenFacts, entries: readonly RevocationEntry[], nowSeconds: number): Decision {
  for (const entry of entries) {
    if (entryRevokes(token, entry, nowSeconds)) return { revoked: true, scope: entry.scope, entry };
  }
  return NOT_REVOKED;
}
