/**
 * The blocklist and session inventory on the AWS SDK's DynamoDB client (table layout v2, schema.ts). Used by the token
 * trigger (records sessions) and the admin signout Lambda (writes revocations, marks and reads sessions, reads
 * entries and their audit). The authorizer has its own lean reader.
 *
 * Every call maps transport failures onto `StoreError` kinds. Revocation writes are conditional and only ever extend
 * (a stored entry with a later expiry — and for the watermark a later `notBefore` — is kept; BatchWriteItem cannot be
 * conditional, so they are single PutItems run a few at a time). Writes never claim success for an item DynamoDB did
 * not accept: they are retried with backoff until done or the caller's signal fires, and the keys that could not be
 * written are returned.
 */
import {
  type AttributeValue as SdkAttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type BlocklistWriter,
  type RevocationAuditReader,
  type RevocationReader,
  type SessionInventory,
  type SessionMark,
  type StoreCallOptions,
  StoreError,
  type StoreErrorKind,
} from '../../core/ports.js';
import {
  dominates,
  extendEntry,
  keyString,
  type RevocationEntry,
  type RevocationKey,
} from '../../core/revocation.js';
import type { SessionRecord } from '../../core/session.js';
import {
  AUDIT_SORT_PREFIX,
  auditToItem,
  type Item,
  itemToAudit,
  itemToRevocation,
  itemToSession,
  PARTITION_KEY,
  revocationItemKey,
  revocationsFromQuery,
  revocationToItem,
  SESSION_SORT_PREFIX,
  SORT_KEY,
  sessionToItem,
  TTL_ATTRIBUTE,
  userPartition,
  userRevocationsQuery,
} from './schema.js';

/** DynamoDB's limit per BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;
/** Rounds of read-merge-write a watermark raise tries against concurrent raises before giving up. */
const MAX_WATERMARK_ROUNDS = 8;
/** How long `revoke` keeps retrying unprocessed items when the caller passes no signal. */
export const DEFAULT_WRITE_DEADLINE_MS = 20_000;

export interface SdkStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Strongly consistent reads (default true): a revocation counts as soon as its write returned. */
  readonly consistentRead?: boolean;
  /** Write calls in flight at once during `revoke` / `markRevoked` (default 4). */
  readonly writeConcurrency?: number;
  /** First backoff before retrying unprocessed items, doubled per retry with full jitter (default 25 ms). */
  readonly retryBaseDelayMs?: number;
  /** Largest backoff (default 1000 ms). */
  readonly retryMaxDelayMs?: number;
  /**
   * Failed BatchWriteItem calls (throttled / unavailable, after the SDK's own retries) tolerated per batch before its
   * items are reported unwritten (default 4). Unprocessed items are retried until the deadline regardless.
   */
  readonly maxFailedCallsPerBatch?: number;
}

export type SdkStore = RevocationReader & RevocationAuditReader & BlocklistWriter & SessionInventory;

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'KMSAccessDeniedException',
]);

/** Maps an SDK / transport error onto a `StoreError` (kept as `cause`). */
export function toStoreError(error: unknown, signal?: AbortSignal): StoreError {
  if (error instanceof StoreError) return error;
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? 'Error';
  const message = `${name}: ${e?.message ?? String(error)}`;
  let kind: StoreErrorKind = 'unknown';
  if (signal?.aborted || name === 'AbortError' || name === 'TimeoutError') kind = 'timeout';
  else if (THROTTLING.has(name)) kind = 'throttled';
  else if (DENIED.has(name)) kind = 'denied';
  else if (name === 'ResourceNotFoundException') kind = 'unavailable';
  else if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) kind = 'unavailable';
  else if (
    e?.code !== undefined ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|socket hang up/i.test(message)
  )
    kind = 'unavailable';
  return new StoreError(kind, message, { cause: error });
}

/** Retrying a whole failed batch call makes sense only for these kinds. */
function retryable(error: StoreError): boolean {
  return error.kind === 'throttled' || error.kind === 'unavailable';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One per key, in first-seen order; a repeated key is merged extend-only, as two conditional writes would be. */
function dedupeEntries(entries: readonly RevocationEntry[]): RevocationEntry[] {
  const byKey = new Map<string, RevocationEntry>();
  for (const entry of entries) {
    const id = keyString(entry);
    const seen = byKey.get(id);
    byKey.set(id, seen ? extendEntry(seen, entry) : entry);
  }
  return [...byKey.values()];
}

function isConditionFailure(error: unknown): boolean {
  const cause = (error as StoreError | undefined)?.cause as { name?: string } | undefined;
  return cause?.name === 'ConditionalCheckFailedException';
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createSdkStore(options: SdkStoreOptions): SdkStore {
  const { client, tableName } = options;
  const consistentRead = options.consistentRead ?? true;
  const concurrency = Math.max(1, options.writeConcurrency ?? 4);
  const baseDelay = options.retryBaseDelayMs ?? 25;
  const maxDelay = options.retryMaxDelayMs ?? 1000;
  const maxFailedCalls = Math.max(1, options.maxFailedCallsPerBatch ?? 4);

  async function send<T>(run: (abortSignal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new StoreError('timeout', 'deadline passed before the call');
    try {
      return await run(signal);
    } catch (error) {
      throw toStoreError(error, signal);
    }
  }

  /**
   * Writes one batch (≤ 25 requests); resolves with the requests still unwritten at the deadline. A call cut off by
   * the deadline counts its requests as unwritten even though DynamoDB may have applied them: the report errs on the
   * side of "not done", and a rerun (idempotent puts) settles it.
   */
  async function writeBatch(requests: WriteRequest[], signal?: AbortSignal): Promise<WriteRequest[]> {
    let pending = requests;
    let failedCalls = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        const cap = Math.min(maxDelay, baseDelay * 2 ** Math.min(attempt - 1, 16));
        await sleep(Math.random() * cap, signal);
      }
      if (signal?.aborted) return pending;
      let output: BatchWriteItemCommandOutput;
      try {
        output = await send(
          (abortSignal) =>
            client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }), {
              abortSignal,
            }),
          signal,
        );
      } catch (error) {
        // Throttling and transient failures of the whole call: retried a few times (the SDK retried each already);
        // anything else, or a table that stays unreachable, leaves the batch unwritten and reported.
        if (error instanceof StoreError && retryable(error) && ++failedCalls < maxFailedCalls) continue;
        return pending;
      }
      // An answer that is not exactly what was asked is not taken as "written": the whole batch stays pending
      // (rewriting an item is harmless) unless UnprocessedItems is absent/empty or lists this table's requests only.
      const unprocessed = output.UnprocessedItems;
      if (unprocessed === undefined || unprocessed === null) {
        pending = [];
      } else if (
        typeof unprocessed !== 'object' ||
        Object.keys(unprocessed).some((table) => table !== tableName) ||
        (unprocessed[tableName] !== undefined && !Array.isArray(unprocessed[tableName]))
      ) {
        if (++failedCalls >= maxFailedCalls) return pending;
      } else {
        pending = unprocessed[tableName] ?? [];
      }
    }
    return pending;
  }

  async function readUser(sub: string, opts: StoreCallOptions = {}): Promise<RevocationEntry[]> {
    const out = await send(
      (abortSignal) =>
        client.send(new QueryCommand(userRevocationsQuery(tableName, sub, consistentRead)), { abortSignal }),
      opts.signal,
    );
    return revocationsFromQuery(sub, {
      Items: out.Items,
      Count: out.Count,
      LastEvaluatedKey: out.LastEvaluatedKey,
    });
  }

  async function readAudit(sub: string, opts: StoreCallOptions = {}): Promise<RevocationEntry[]> {
    const items = await queryAll(sub, AUDIT_SORT_PREFIX, opts);
    return items.map((item) => itemToAudit(item));
  }

  /** Every item of the user's partition under `prefix`, all pages (admin reads; the authorizer never pages). */
  async function queryAll(sub: string, prefix: string, opts: StoreCallOptions): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await send(
        (abortSignal) =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
              ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
              ExpressionAttributeValues: { ':pk': { S: userPartition(sub) }, ':prefix': { S: prefix } },
              ConsistentRead: consistentRead,
              ExclusiveStartKey: startKey as never,
            }),
            { abortSignal },
          ),
        opts.signal,
      );
      if (!Array.isArray(out.Items)) throw new StoreError('malformed', 'Query answer has no Items list');
      for (const item of out.Items) {
        if (item?.[PARTITION_KEY]?.S !== userPartition(sub) || !item?.[SORT_KEY]?.S?.startsWith(prefix))
          throw new StoreError('malformed', 'Query answer holds an item outside the asked range');
        items.push(item as Item);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async function readEntry(key: RevocationKey, opts: StoreCallOptions): Promise<RevocationEntry | undefined> {
    const out = await send(
      (abortSignal) =>
        client.send(
          new GetItemCommand({ TableName: tableName, Key: revocationItemKey(key), ConsistentRead: true }),
          { abortSignal },
        ),
      opts.signal,
    );
    if (out.Item === undefined) return undefined;
    const asked = revocationItemKey(key);
    if (out.Item?.[PARTITION_KEY]?.S !== asked.pk.S || out.Item?.[SORT_KEY]?.S !== asked.sk.S)
      throw new StoreError('malformed', 'GetItem answer holds another item than the one asked');
    return itemToRevocation(out.Item as Item);
  }

  /** The audit item of a write that took effect; best effort (the revocation is in force without it). */
  async function writeAudit(entry: RevocationEntry, opts: StoreCallOptions): Promise<void> {
    if (!entry.actor && !entry.reason) return;
    try {
      await send(
        (abortSignal) =>
          client.send(new PutItemCommand({ TableName: tableName, Item: auditToItem(entry) as never }), {
            abortSignal,
          }),
        opts.signal,
      );
    } catch {
      // The CloudWatch audit line of the admin operation still records who and why.
    }
  }

  /** Retries `run` on throttling / unavailability with backoff until it succeeds, fails otherwise, or the deadline. */
  async function withRetries<T>(run: () => Promise<T>, signal: AbortSignal): Promise<T> {
    let failed = 0;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        const cap = Math.min(maxDelay, baseDelay * 2 ** Math.min(attempt - 1, 16));
        await sleep(Math.random() * cap, signal);
      }
      try {
        return await run();
      } catch (error) {
        if (
          !(error instanceof StoreError) ||
          !retryable(error) ||
          ++failed >= maxFailedCalls ||
          signal.aborted
        )
          throw error;
      }
    }
  }

  /**
   * One conditional, extend-only write of a scoped (origin / session / token) entry. Says what it changed: `new`
   * (nothing in force was stored), `extended` (an entry in force got a later expiry), `unchanged` (a stored entry
   * lives as long or longer).
   */
  async function extendScoped(
    entry: RevocationEntry,
    signal: AbortSignal,
  ): Promise<'new' | 'extended' | 'unchanged'> {
    let old: Record<string, unknown> | undefined;
    try {
      const out = await send(
        (abortSignal) =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: revocationToItem(entry) as never,
              // A stored entry that lives as long or longer is kept: a second request with a smaller expiry never
              // shortens a revocation (finding 4).
              ConditionExpression: 'attribute_not_exists(#pk) OR #exp < :exp',
              ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#exp': TTL_ATTRIBUTE },
              ExpressionAttributeValues: { ':exp': { N: String(Math.floor(entry.expiresAt)) } },
              ReturnValues: 'ALL_OLD',
            }),
            { abortSignal },
          ),
        signal,
      );
      old = out?.Attributes as Record<string, unknown> | undefined;
    } catch (error) {
      if (isConditionFailure(error)) return 'unchanged'; // a stronger entry is already stored: revoked as asked
      throw error;
    }
    await writeAudit(entry, { signal });
    const oldExpiry = Number((old?.[TTL_ATTRIBUTE] as { N?: unknown } | undefined)?.N);
    return Number.isFinite(oldExpiry) && oldExpiry > Date.now() / 1000 ? 'extended' : 'new';
  }

  async function revoke(
    entries: readonly RevocationEntry[],
    opts: StoreCallOptions = {},
  ): Promise<{ unwritten: RevocationKey[]; unchanged: RevocationKey[]; extended: RevocationKey[] }> {
    const unique = dedupeEntries(entries);
    const unwritten: RevocationKey[] = [];
    const unchanged: RevocationKey[] = [];
    const extended: RevocationKey[] = [];
    // Without a caller deadline, throttled writes are retried for at most DEFAULT_WRITE_DEADLINE_MS.
    const signal = opts.signal ?? AbortSignal.timeout(DEFAULT_WRITE_DEADLINE_MS);
    let next = 0;
    async function worker() {
      while (next < unique.length) {
        const entry = unique[next++] as RevocationEntry;
        try {
          if (signal.aborted) throw new StoreError('timeout', 'deadline passed');
          if (entry.scope === 'user') await raiseWatermark(entry, { signal });
          else {
            let tries = 0;
            const answer = await withRetries(() => {
              tries++;
              return extendScoped(entry, signal);
            }, signal);
            // After a failed attempt the stored entry may be this call's own earlier write, whose answer was lost:
            // then only "new" is safe (an announcement too many costs a flush; one too few leaves a cached allow).
            const change = tries > 1 ? 'new' : answer;
            const key = { sub: entry.sub, scope: entry.scope, id: entry.id };
            if (change === 'unchanged') unchanged.push(key);
            else if (change === 'extended') extended.push(key);
          }
        } catch {
          unwritten.push({ sub: entry.sub, scope: entry.scope, id: entry.id });
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, unique.length) }, worker));
    return { unwritten, unchanged, extended };
  }

  async function raiseWatermark(
    entry: RevocationEntry,
    opts: StoreCallOptions = {},
  ): Promise<RevocationEntry> {
    if (entry.scope !== 'user' || entry.id !== entry.sub || typeof entry.notBefore !== 'number')
      throw new StoreError('malformed', 'a watermark is a user-scope entry (id = sub) with notBefore');
    const n = (v: number) => ({ N: String(Math.floor(v)) });
    // DynamoDB refuses expression names or values the expression does not use: each condition brings its own.
    let names: Record<string, string> = { '#pk': PARTITION_KEY, '#nb': 'notBefore', '#exp': TTL_ATTRIBUTE };
    // First: this entry dominates whatever is stored (the usual case) — one conditional put.
    let candidate = entry;
    let condition = 'attribute_not_exists(#pk) OR (#nb <= :nb AND #exp <= :exp)';
    let values: Record<string, { N: string }> = {
      ':nb': n(entry.notBefore as number),
      ':exp': n(entry.expiresAt),
    };
    for (let round = 0; round < MAX_WATERMARK_ROUNDS; round++) {
      try {
        await send(
          (abortSignal) =>
            client.send(
              new PutItemCommand({
                TableName: tableName,
                Item: revocationToItem(candidate) as never,
                ConditionExpression: condition,
                ExpressionAttributeNames: names,
                ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
              }),
              { abortSignal },
            ),
          opts.signal,
        );
        await writeAudit(candidate, opts);
        return candidate;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // Something not dominated by the candidate is stored: merge extend-only (later notBefore, later expiry,
      // independently) and write the merge only if the stored entry is still the one read.
      const stored = await readEntry(entry, opts);
      if (!stored) {
        candidate = entry;
        condition = 'attribute_not_exists(#pk)';
        names = { '#pk': PARTITION_KEY };
        values = {};
        continue;
      }
      const merged = extendEntry(stored, entry);
      if (dominates(stored, merged)) return stored;
      candidate = { ...merged, actor: entry.actor, reason: entry.reason };
      condition = '#nb = :oldnb AND #exp = :oldexp';
      names = { '#nb': 'notBefore', '#exp': TTL_ATTRIBUTE };
      values = { ':oldnb': n(stored.notBefore as number), ':oldexp': n(stored.expiresAt) };
    }
    throw new StoreError('throttled', `watermark still contended after ${MAX_WATERMARK_ROUNDS} rounds`);
  }

  async function record(session: SessionRecord, opts: StoreCallOptions = {}): Promise<void> {
    await send(
      (abortSignal) =>
        client.send(new PutItemCommand({ TableName: tableName, Item: sessionToItem(session) as never }), {
          abortSignal,
        }),
      opts.signal,
    );
  }

  async function listByUser(sub: string, opts: StoreCallOptions = {}): Promise<SessionRecord[]> {
    const items = await queryAll(sub, SESSION_SORT_PREFIX, opts);
    return items.map((item) => itemToSession(item));
  }

  /**
   * Marks session records revoked (signout). Session records are not read by the authorizer, so BatchWriteItem puts
   * (not conditional) are fine; unprocessed items are retried until the deadline and reported.
   */
  async function markRevoked(
    sessions: readonly SessionRecord[],
    mark: SessionMark,
    opts: StoreCallOptions = {},
  ): Promise<{ unwritten: string[] }> {
    const requests = sessions.map(
      (s): WriteRequest => ({
        PutRequest: {
          Item: sessionToItem({
            ...s,
            revokedAt: mark.revokedAt,
            actor: mark.actor,
            reason: mark.reason,
          }) as Record<string, SdkAttributeValue>,
        },
      }),
    );
    const batches = chunk(requests, BATCH_WRITE_LIMIT);
    const unwritten: string[] = [];
    const signal = opts.signal ?? AbortSignal.timeout(DEFAULT_WRITE_DEADLINE_MS);
    let next = 0;
    async function worker() {
      while (next < batches.length) {
        const batch = batches[next++] as WriteRequest[];
        for (const left of await writeBatch(batch, signal)) {
          const id = left.PutRequest?.Item?.sessionId?.S;
          if (id !== undefined) unwritten.push(id);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
    return { unwritten };
  }

  return { readUser, readAudit, revoke, raiseWatermark, record, listByUser, markRevoked };
}
