/**
 * The blocklist table's key schema, shared by every adapter (the AWS SDK one and the authorizer's lean one speak the
 * same DynamoDB JSON wire format). Documented in docs/table-schema.md; keep the two in step.
 *
 *   pk (S, hash)          sk (S, range)        item
 *   user#<sub>            revocation           user watermark: notBefore
 *   origin#<origin_jti>   revocation           refresh-token family revoked
 *   session#<sessionId>   revocation           issued session revoked
 *   token#<jti>           revocation           one token revoked
 *   user#<sub>            session#<sessionId>  session record written by the token trigger
 *
 * Every item carries `expiresAt` (N, epoch seconds), the table's TTL attribute. Readers ignore items at or past it.
 */
import {
  REVOCATION_SCOPES,
  type RevocationEntry,
  type RevocationKey,
  type RevocationScope,
} from '../../core/revocation.js';
import { isValidId } from '../../core/token.js';
import type { SessionRecord } from '../../core/session.js';
import { StoreError } from '../../core/ports.js';

export type AttributeValue = { S: string } | { N: string } | { [type: string]: unknown };
export type Item = Record<string, AttributeValue>;
export type ItemKey = { pk: { S: string }; sk: { S: string } };

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const TTL_ATTRIBUTE = 'expiresAt';
export const REVOCATION_SORT_KEY = 'revocation';
export const SESSION_SORT_PREFIX = 'session#';

export function revocationItemKey(key: RevocationKey): ItemKey {
  return { pk: { S: `${key.scope}#${key.id}` }, sk: { S: REVOCATION_SORT_KEY } };
}

export function sessionItemKey(sub: string, sessionId: string): ItemKey {
  return { pk: { S: `user#${sub}` }, sk: { S: `${SESSION_SORT_PREFIX}${sessionId}` } };
}

export function userPartition(sub: string): string {
  return `user#${sub}`;
}

const str = (value: string): { S: string } => ({ S: value });
const num = (value: number): { N: string } => ({ N: String(Math.floor(value)) });

export function revocationToItem(entry: RevocationEntry): Item {
  const item: Item = {
    ...revocationItemKey(entry),
    scope: str(entry.scope),
    id: str(entry.id),
    revokedAt: num(entry.revokedAt),
    [TTL_ATTRIBUTE]: num(entry.expiresAt),
  };
  if (entry.notBefore !== undefined) item.notBefore = num(entry.notBefore);
  if (entry.actor) item.actor = str(entry.actor);
  if (entry.reason) item.reason = str(entry.reason);
  return item;
}

function readString(item: Item, name: string, required: true): string;
function readString(item: Item, name: string, required: false): string | undefined;
function readString(item: Item, name: string, required: boolean): string | undefined {
  const value = item[name] as { S?: unknown } | undefined;
  if (value === undefined) {
    if (required) throw new StoreError('malformed', `stored item lacks string attribute "${name}"`);
    return undefined;
  }
  if (typeof value.S !== 'string')
    throw new StoreError('malformed', `stored attribute "${name}" is not a string`);
  return value.S;
}

function readNumber(item: Item, name: string, required: true): number;
function readNumber(item: Item, name: string, required: boolean): number | undefined;
function readNumber(item: Item, name: string, required: boolean): number | undefined {
  const value = item[name] as { N?: unknown } | undefined;
  if (value === undefined) {
    if (required) throw new StoreError('malformed', `stored item lacks number attribute "${name}"`);
    return undefined;
  }
  const n = typeof value.N === 'string' ? Number(value.N) : Number.NaN;
  if (!Number.isFinite(n))
    throw new StoreError('malformed', `stored attribute "${name}" is not a finite number`);
  return n;
}

/** Decodes a revocation item; throws `StoreError('malformed')` rather than guessing (the authorizer then fails closed). */
export function itemToRevocation(item: Item): RevocationEntry {
  const pk = readString(item, PARTITION_KEY, true);
  const hash = pk.indexOf('#');
  const scope = pk.slice(0, hash) as RevocationScope;
  const id = pk.slice(hash + 1);
  if (hash < 1 || !REVOCATION_SCOPES.includes(scope) || !isValidId(id)) {
    throw new StoreError('malformed', 'stored revocation item has an unrecognised key');
  }
  const notBefore = readNumber(item, 'notBefore', scope === 'user');
  return {
    scope,
    id,
    notBefore,
    revokedAt: readNumber(item, 'revokedAt', false) ?? 0,
    expiresAt: readNumber(item, TTL_ATTRIBUTE, true),
    actor: readString(item, 'actor', false),
    reason: readString(item, 'reason', false),
  };
}

export function sessionToItem(session: SessionRecord): Item {
  return {
    ...sessionItemKey(session.sub, session.sessionId),
    sub: str(session.sub),
    username: str(session.username),
    sessionId: str(session.sessionId),
    clientId: str(session.clientId),
    triggerSource: str(session.triggerSource),
    issuedAt: num(session.issuedAt),
    [TTL_ATTRIBUTE]: num(session.expiresAt),
  };
}

export function itemToSession(item: Item): SessionRecord {
  return {
    sub: readString(item, 'sub', true),
    username: readString(item, 'username', true),
    sessionId: readString(item, 'sessionId', true),
    clientId: readString(item, 'clientId', true),
    triggerSource: readString(item, 'triggerSource', true),
    issuedAt: readNumber(item, 'issuedAt', true),
    expiresAt: readNumber(item, TTL_ATTRIBUTE, true),
  };
}
