/**
 * The blocklist table's layout (v2), shared by every adapter (the AWS SDK one and the authorizer's lean one speak the
 * same DynamoDB JSON wire format). Documented in docs/table-schema.md; keep the two in step.
 *
 * Everything about one user is in that user's partition, so the authorizer decides with ONE strongly consistent
 * `Query pk = user#<sub> AND begins_with(sk, "rev#")` — one read unit for any user whose live revocations are under
 * 4 KB:
 *
 *   pk (S, hash)   sk (S, range)              item
 *   user#<sub>     rev#user                   user watermark: notBefore, revokedAt, expiresAt
 *   user#<sub>     rev#origin#<origin_jti>    refresh-token family revoked: revokedAt, expiresAt
 *   user#<sub>     rev#session#<sessionId>    issued session revoked: revokedAt, expiresAt
 *   user#<sub>     rev#token#<jti>            one token revoked: revokedAt, expiresAt
 *   user#<sub>     session#<sessionId>        session record (token trigger); signout marks it revoked
 *   user#<sub>     audit#<scope>[#<id>]       actor and reason of the revocation (outside the `rev#` range)
 *
 * Every item carries `expiresAt` (N, epoch seconds), the table's TTL attribute. Readers ignore items at or past it.
 * `rev#` items hold nothing else than what the decision needs, so that they stay ~100 bytes each.
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
/** Sort-key prefix of everything the authorizer reads. */
export const REVOCATION_PREFIX = 'rev#';
export const SESSION_SORT_PREFIX = 'session#';
export const AUDIT_SORT_PREFIX = 'audit#';
const USER_PREFIX = 'user#';

export function userPartition(sub: string): string {
  return `${USER_PREFIX}${sub}`;
}

function scopeSuffix(key: Pick<RevocationKey, 'scope' | 'id'>): string {
  return key.scope === 'user' ? 'user' : `${key.scope}#${key.id}`;
}

export function revocationSortKey(key: Pick<RevocationKey, 'scope' | 'id'>): string {
  return `${REVOCATION_PREFIX}${scopeSuffix(key)}`;
}

export function revocationItemKey(key: RevocationKey): ItemKey {
  return { pk: { S: userPartition(key.sub) }, sk: { S: revocationSortKey(key) } };
}

export function auditItemKey(key: RevocationKey): ItemKey {
  return { pk: { S: userPartition(key.sub) }, sk: { S: `${AUDIT_SORT_PREFIX}${scopeSuffix(key)}` } };
}

export function sessionItemKey(sub: string, sessionId: string): ItemKey {
  return { pk: { S: userPartition(sub) }, sk: { S: `${SESSION_SORT_PREFIX}${sessionId}` } };
}

const str = (value: string): { S: string } => ({ S: value });
const num = (value: number): { N: string } => ({ N: String(Math.floor(value)) });

/** The `rev#` item: only what the decision reads (attribution goes to the audit item). */
export function revocationToItem(entry: RevocationEntry): Item {
  const item: Item = {
    ...revocationItemKey(entry),
    revokedAt: num(entry.revokedAt),
    [TTL_ATTRIBUTE]: num(entry.expiresAt),
  };
  if (entry.notBefore !== undefined) item.notBefore = num(entry.notBefore);
  return item;
}

/** The audit item of a revocation: who and why, with the same expiry as the revocation it explains. */
export function auditToItem(entry: RevocationEntry): Item {
  const item: Item = {
    ...auditItemKey(entry),
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
  if (value === null || typeof value !== 'object' || typeof value.S !== 'string')
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
  const n =
    value !== null && typeof value === 'object' && typeof value.N === 'string' ? Number(value.N) : Number.NaN;
  if (!Number.isFinite(n))
    throw new StoreError('malformed', `stored attribute "${name}" is not a finite number`);
  return n;
}

function subOf(item: Item): string {
  const pk = readString(item, PARTITION_KEY, true);
  const sub = pk.slice(USER_PREFIX.length);
  if (!pk.startsWith(USER_PREFIX) || !isValidId(sub))
    throw new StoreError('malformed', 'stored item is not in a user partition');
  return sub;
}

/** Scope and id from a sort key after its prefix (`user`, `origin#<id>`, …); undefined when not recognised. */
function parseScoped(rest: string, sub: string): { scope: RevocationScope; id: string } | undefined {
  if (rest === 'user') return { scope: 'user', id: sub };
  const hash = rest.indexOf('#');
  const scope = rest.slice(0, hash) as RevocationScope;
  const id = rest.slice(hash + 1);
  if (hash < 1 || scope === 'user' || !REVOCATION_SCOPES.includes(scope) || !isValidId(id)) return undefined;
  return { scope, id };
}

/** Decodes a `rev#` item; throws `StoreError('malformed')` rather than guessing (the authorizer then fails closed). */
export function itemToRevocation(item: Item): RevocationEntry {
  if (item === null || typeof item !== 'object' || Array.isArray(item))
    throw new StoreError('malformed', 'stored revocation item is not an object');
  const sub = subOf(item);
  const sk = readString(item, SORT_KEY, true);
  const parsed = sk.startsWith(REVOCATION_PREFIX)
    ? parseScoped(sk.slice(REVOCATION_PREFIX.length), sub)
    : undefined;
  if (!parsed) throw new StoreError('malformed', 'stored revocation item has an unrecognised sort key');
  return {
    sub,
    scope: parsed.scope,
    id: parsed.id,
    notBefore: readNumber(item, 'notBefore', parsed.scope === 'user'),
    revokedAt: readNumber(item, 'revokedAt', false) ?? 0,
    expiresAt: readNumber(item, TTL_ATTRIBUTE, true),
  };
}

/** Decodes an audit item (admin views only). */
export function itemToAudit(item: Item): RevocationEntry {
  const sub = subOf(item);
  const sk = readString(item, SORT_KEY, true);
  const parsed = sk.startsWith(AUDIT_SORT_PREFIX)
    ? parseScoped(sk.slice(AUDIT_SORT_PREFIX.length), sub)
    : undefined;
  if (!parsed) throw new StoreError('malformed', 'stored audit item has an unrecognised sort key');
  return {
    sub,
    scope: parsed.scope,
    id: parsed.id,
    notBefore: readNumber(item, 'notBefore', false),
    revokedAt: readNumber(item, 'revokedAt', false) ?? 0,
    expiresAt: readNumber(item, TTL_ATTRIBUTE, true),
    actor: readString(item, 'actor', false),
    reason: readString(item, 'reason', false),
  };
}

/** The one read of the authorizer, as DynamoDB JSON (both adapters send exactly this). */
export function userRevocationsQuery(tableName: string, sub: string, consistentRead: boolean) {
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :rev)',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
    ExpressionAttributeValues: { ':pk': { S: userPartition(sub) }, ':rev': { S: REVOCATION_PREFIX } },
    ConsistentRead: consistentRead,
  };
}

/**
 * Checks that a Query answer is exactly the answer to `userRevocationsQuery(sub)` and decodes it. Anything else is
 * `StoreError('malformed')` — never "nothing revoked": an answer that is not an object, without `Items`, with a
 * `Count` that does not match, with `LastEvaluatedKey` (paginated: the rest of the range is unread), or with an item
 * of another partition or outside the `rev#` range, or twice the same item.
 */
export function revocationsFromQuery(sub: string, answer: unknown): RevocationEntry[] {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer))
    throw new StoreError('malformed', 'Query answer is not an object');
  const out = answer as { Items?: unknown; Count?: unknown; LastEvaluatedKey?: unknown };
  if (out.LastEvaluatedKey !== undefined)
    throw new StoreError(
      'malformed',
      'Query answer is paginated (LastEvaluatedKey): the range was not read whole',
    );
  if (!Array.isArray(out.Items)) throw new StoreError('malformed', 'Query answer has no Items list');
  if (out.Count !== out.Items.length)
    throw new StoreError('malformed', `Query answer Count (${String(out.Count)}) is not the number of items`);
  const pk = userPartition(sub);
  const seen = new Set<string>();
  return out.Items.map((raw: unknown) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new StoreError('malformed', 'Query answer holds an item that is not an object');
    const item = raw as Item;
    const itemPk = (item[PARTITION_KEY] as { S?: unknown } | undefined)?.S;
    const itemSk = (item[SORT_KEY] as { S?: unknown } | undefined)?.S;
    if (itemPk !== pk) throw new StoreError('malformed', 'Query answer holds an item of another partition');
    if (typeof itemSk !== 'string' || !itemSk.startsWith(REVOCATION_PREFIX))
      throw new StoreError('malformed', 'Query answer holds an item outside the rev# range');
    if (seen.has(itemSk)) throw new StoreError('malformed', 'Query answer holds the same item twice');
    seen.add(itemSk);
    return itemToRevocation(item);
  });
}

export function sessionToItem(session: SessionRecord): Item {
  const item: Item = {
    ...sessionItemKey(session.sub, session.sessionId),
    sub: str(session.sub),
    username: str(session.username),
    sessionId: str(session.sessionId),
    clientId: str(session.clientId),
    triggerSource: str(session.triggerSource),
    issuedAt: num(session.issuedAt),
    [TTL_ATTRIBUTE]: num(session.expiresAt),
  };
  if (session.revokedAt !== undefined) item.revokedAt = num(session.revokedAt);
  if (session.actor) item.actor = str(session.actor);
  if (session.reason) item.reason = str(session.reason);
  return item;
}

export function itemToSession(item: Item): SessionRecord {
  const revokedAt = readNumber(item, 'revokedAt', false);
  return {
    sub: readString(item, 'sub', true),
    username: readString(item, 'username', true),
    sessionId: readString(item, 'sessionId', true),
    clientId: readString(item, 'clientId', true),
    triggerSource: readString(item, 'triggerSource', true),
    issuedAt: readNumber(item, 'issuedAt', true),
    expiresAt: readNumber(item, TTL_ATTRIBUTE, true),
    ...(revokedAt !== undefined
      ? { revokedAt, actor: readString(item, 'actor', false), reason: readString(item, 'reason', false) }
      : {}),
  };
}
