import { sessionIssuedAtSeconds } from './session-id.js';
import { authenticatedAt, isValidId, type TokenFacts } from './token.js';

/**
 * The four revocation scopes, from widest to narrowest:
 * - `user`: "sign out everywhere" — a watermark `notBefore`; tokens authenticated at or before it are revoked,
 *   and tokens whose time-ordered session id was minted by then (see `watermarkRevokes`).
 * - `origin`: one refresh-token family, keyed by Cognito's `origin_jti`.
 * - `session`: one issuance, keyed by the session id the token trigger injected.
 * - `token`: one token, keyed by `jti`.
 */
export type RevocationScope = 'user' | 'origin' | 'session' | 'token';

export const REVOCATION_SCOPES: readonly RevocationScope[] = ['user', 'origin', 'session', 'token'];

/**
 * Which revocation: every entry lives in its user's partition, so a key names the user (`sub`) as well as the
 * scope and the id. For the user scope, `id === sub`.
 */
export interface RevocationKey {
  readonly sub: string;
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
  /** Who revoked (IAM principal, admin name); audit only (stored outside the range the authorizer reads). */
  readonly actor?: string | undefined;
  /** Why; audit only. */
  readonly reason?: string | undefined;
}

/** The lookup keys of a token, in a fixed order: user, origin, session, token. Ids that are not valid are skipped. */
export function revocationKeysFor(token: TokenFacts): RevocationKey[] {
  const sub = token.sub;
  const keys: RevocationKey[] = [{ sub, scope: 'user', id: sub }];
  if (isValidId(token.originJti)) keys.push({ sub, scope: 'origin', id: token.originJti });
  if (isValidId(token.sessionId)) keys.push({ sub, scope: 'session', id: token.sessionId });
  if (isValidId(token.jti)) keys.push({ sub, scope: 'token', id: token.jti });
  return keys;
}

export function sameKey(a: RevocationKey, b: RevocationKey): boolean {
  return a.sub === b.sub && a.scope === b.scope && a.id === b.id;
}

/** A stable string for a key (maps, dedupe). */
export function keyString(key: RevocationKey): string {
  return `${key.sub}\u0000${key.scope}\u0000${key.id}`;
}

/** The key of the user watermark. */
export function userKey(sub: string): RevocationKey {
  return { sub, scope: 'user', id: sub };
}

/**
 * Merges two entries for the same key the way every writer must: extend only. The later `expiresAt` wins, and for the
 * user scope the later `notBefore` too (each taken independently, so neither a shorter life nor an earlier
 * watermark can replace what is stored). Attribution follows the entry that brought the later expiry.
 */
export function extendEntry(stored: RevocationEntry, incoming: RevocationEntry): RevocationEntry {
  const later = incoming.expiresAt > stored.expiresAt ? incoming : stored;
  const merged: RevocationEntry = { ...later, expiresAt: Math.max(stored.expiresAt, incoming.expiresAt) };
  if (stored.scope === 'user') {
    const nb = [stored.notBefore, incoming.notBefore].filter(
      (v): v is number => typeof v === 'number' && Number.isFinite(v),
    );
    return { ...merged, notBefore: nb.length ? Math.max(...nb) : undefined };
  }
  return merged;
}

/** True when `stored` already revokes at least everything `incoming` would, for at least as long. */
export function dominates(stored: RevocationEntry, incoming: RevocationEntry): boolean {
  if (stored.expiresAt < incoming.expiresAt) return false;
  if (stored.scope !== 'user') return true;
  if (typeof stored.notBefore !== 'number') return true; // no watermark time: revokes everything
  return typeof incoming.notBefore === 'number' && stored.notBefore >= incoming.notBefore;
}

/** An entry counts only while `now < expiresAt`: DynamoDB TTL deletes lazily, so readers never rely on deletion. */
export function isLive(entry: RevocationEntry, nowSeconds: number): boolean {
  return nowSeconds < entry.expiresAt;
}

/**
 * Seconds a token's session time (the token trigger's clock) may lie after a watermark (the admin function's clock)
 * and still be revoked by it: the two Lambda clocks' synchronisation error. Both are Lambda execution
 * environments, which keep their clocks with NTP (Lambda developer guide, "Defined runtime environment
 * variables": "The execution environment uses NTP to synchronize the system clock"); AWS does not publish a
 * bound, so this is an assumption (docs/table-schema.md). Its price: a sign-in within this many seconds after
 * the signout's second is revoked too, and has to sign in again.
 */
export const SESSION_CLOCK_MARGIN_SECONDS = 1;

/**
 * Does a user watermark at `notBefore` revoke the token? When `min(auth_time, iat) <= notBefore` (Cognito's clock),
 * or when the token's time-ordered session id was minted at or before `notBefore + SESSION_CLOCK_MARGIN_SECONDS`
 * (a Lambda clock, like the watermark's). A token without such an id is judged by the first rule alone.
 */
export function watermarkRevokes(token: TokenFacts, notBefore: number): boolean {
  if (authenticatedAt(token) <= notBefore) return true;
  const sessionAt = sessionIssuedAtSeconds(token.sessionId);
  return sessionAt !== undefined && sessionAt <= notBefore + SESSION_CLOCK_MARGIN_SECONDS;
}

export type Decision =
  | { readonly revoked: false }
  | { readonly revoked: true; readonly scope: RevocationScope; readonly entry: RevocationEntry };

export const NOT_REVOKED: Decision = Object.freeze({ revoked: false });

/** Does this one live entry revoke the token? Only entries whose key the token yields can. */
export function entryRevokes(token: TokenFacts, entry: RevocationEntry, nowSeconds: number): boolean {
  if (!isLive(entry, nowSeconds)) return false;
  // Entries live in their user's partition: one of another user never applies (a reader returning one is broken).
  if (entry.sub !== token.sub) return false;
  switch (entry.scope) {
    case 'user':
      // A user entry without a usable watermark revokes everything (fail closed).
      if (entry.id !== token.sub) return false;
      return typeof entry.notBefore !== 'number' || !Number.isFinite(entry.notBefore)
        ? true
        : watermarkRevokes(token, entry.notBefore);
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
