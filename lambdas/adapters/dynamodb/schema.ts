/**
 * The blocklist table's layout (v2), shared by every adapter (the AWS SDK ones and the authorizer's lean ones speak
 * the same DynamoDB JSON wire format). Documented in docs/table-schema.md; keep the two in step.
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
 *   hint#<bucket>  <stamp>#<sub>#<nonce>      revocation hint for authorizers in staleness mode (end of this file)
 *
 * Every item carries `expiresAt` (N, epoch seconds), the table's TTL attribute. Readers ignore items at or past it.
 * `rev#` items hold nothing else than what the decision needs, so that they stay ~100 bytes each.
 */
import { randomBytes } from 'node:crypto';
import { HINT_TTL_SECONDS, hintBucket, type RevocationHint } from '../../core/hints.js';
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

/*
 * Revocation hints (docs/caching.md, docs/table-schema.md):
 *
 *   pk (S)              sk (S)                                   item
 *   hint#<bucket>       <epoch-ms, 15 digits>#<sub>#<nonce>     hint, `expiresAt` = stamp + 1 h (TTL)
 *
 * `<bucket>` is the minute number since the epoch (`floor(ms / 60000)`). The zero-padded stamp first in the sort key
 * lets a poll read only the new part of a bucket (`sk >= :from`); the nonce (16 hex digits) keeps two hints of one
 * user in the same millisecond apart. The authorizer's poll (hint-reader.ts, no AWS SDK) and the revoking
 * functions' publisher (hint-publisher.ts, AWS SDK) share this format. Answers are validated as strictly as the
 * revocation reads: anything but exactly the asked partition and range is `StoreError('malformed')`.
 */

export const HINT_PARTITION_PREFIX = 'hint#';
const STAMP_DIGITS = 15;
const SORT_KEY_PATTERN = /^(\d{15})#(.+)#([0-9a-f]{16})$/;

export function hintPartition(bucket: number): string {
  return `${HINT_PARTITION_PREFIX}${bucket}`;
}

function stamp(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(STAMP_DIGITS, '0');
}

/** The item of one hint (a fresh nonce each call unless one is given). */
export function hintToItem(sub: string, atMs: number, nonce = randomBytes(8).toString('hex')): Item {
  if (!isValidId(sub)) throw new StoreError('unknown', 'hint sub is not a valid id');
  if (!Number.isSafeInteger(atMs) || atMs < 0) throw new StoreError('unknown', 'hint stamp is not epoch ms');
  return {
    [PARTITION_KEY]: { S: hintPartition(hintBucket(atMs)) },
    [SORT_KEY]: { S: `${stamp(atMs)}#${sub}#${nonce}` },
    [TTL_ATTRIBUTE]: { N: String(Math.floor(atMs / 1000) + HINT_TTL_SECONDS) },
  };
}

/** The Query of one bucket from `fromMs` on (strongly consistent: a hint counts once its write returned). */
export function hintQuery(tableName: string, bucket: number, fromMs: number, startKey?: unknown) {
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk >= :from',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
    ExpressionAttributeValues: { ':pk': { S: hintPartition(bucket) }, ':from': { S: stamp(fromMs) } },
    ConsistentRead: true,
    ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
  };
}

const malformed = (detail: string) => new StoreError('malformed', `hint Query answer ${detail}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringAttribute(item: Record<string, unknown>, name: string): string | undefined {
  const value = item[name];
  return isRecord(value) && typeof value.S === 'string' ? value.S : undefined;
}

/**
 * Validates one Query page of bucket `bucket` from `fromMs`: `Items` present and a list, `Count` equal to its length,
 * every item in the asked partition, its sort key well formed, at or after `:from` and inside the bucket, its sub a
 * valid id. `LastEvaluatedKey`, when present, must be a key of the asked partition. Throws `StoreError('malformed')`.
 */
export function parseHintPage(
  answer: unknown,
  bucket: number,
  fromMs: number,
): { hints: RevocationHint[]; lastKey?: Record<string, unknown> } {
  if (!isRecord(answer)) throw malformed('is not an object');
  const { Items: items, Count: count, LastEvaluatedKey: lastKey } = answer;
  if (!Array.isArray(items)) throw malformed('has no Items list');
  if (count !== items.length) throw malformed('has a Count that differs from its Items');
  const partition = hintPartition(bucket);
  const from = stamp(fromMs);
  const hints: RevocationHint[] = [];
  for (const item of items) {
    if (!isRecord(item)) throw malformed('has an item that is not an object');
    if (stringAttribute(item, PARTITION_KEY) !== partition)
      throw malformed('has an item of another partition');
    const sk = stringAttribute(item, SORT_KEY);
    const match = sk === undefined ? null : SORT_KEY_PATTERN.exec(sk);
    if (!match || (sk as string) < from) throw malformed('has an item outside the asked range');
    const at = Number(match[1]);
    const sub = match[2] as string;
    if (hintBucket(at) !== bucket) throw malformed('has a hint stamped outside its bucket');
    if (!isValidId(sub)) throw malformed('has a hint with an invalid sub');
    hints.push({ sub, at });
  }
  if (lastKey !== undefined) {
    if (!isRecord(lastKey) || stringAttribute(lastKey, PARTITION_KEY) !== partition) {
      throw malformed('has a LastEvaluatedKey outside the asked partition');
    }
    const sk = stringAttribute(lastKey, SORT_KEY);
    if (sk === undefined || sk < from) throw malformed('has a LastEvaluatedKey outside the asked range');
    return { hints, lastKey };
  }
  return { hints };
}
