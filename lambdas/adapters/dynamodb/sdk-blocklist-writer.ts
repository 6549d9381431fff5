/**
 * `BlocklistWriter` on the AWS SDK. Revocation writes are conditional and only ever extend: a stored entry with a
 * later expiry (and for the watermark a later `notBefore`) is kept, so a second, weaker request never shortens a
 * revocation. BatchWriteItem cannot be conditional, so entries are single PutItems run a few at a time, retried
 * with backoff until done or the caller's signal fires; the keys that could not be written are returned, never
 * claimed written.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type BlocklistWriter, type StoreCallOptions, StoreError } from '../../core/ports.js';
import {
  dominates,
  extendEntry,
  keyString,
  type RevocationEntry,
  type RevocationKey,
} from '../../core/revocation.js';
import {
  auditToItem,
  type Item,
  itemToRevocation,
  PARTITION_KEY,
  revocationItemKey,
  revocationToItem,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from './schema.js';
import {
  backoff,
  DEFAULT_WRITE_DEADLINE_MS,
  inParallel,
  isConditionFailure,
  isRetryable,
  type SdkWriteOptions,
  send,
  type WritePolicy,
  writePolicy,
} from './sdk-calls.js';

/** Rounds of read-merge-write a watermark raise tries against concurrent raises before giving up. */
const MAX_WATERMARK_ROUNDS = 8;

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

/** Retries `run` on throttling / unavailability with backoff until it succeeds, fails otherwise, or the deadline. */
async function withRetries<T>(run: () => Promise<T>, policy: WritePolicy, signal: AbortSignal): Promise<T> {
  let failed = 0;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) await backoff(attempt, policy, signal);
    try {
      return await run();
    } catch (error) {
      if (
        !(error instanceof StoreError) ||
        !isRetryable(error) ||
        ++failed >= policy.maxFailedCalls ||
        signal.aborted
      )
        throw error;
    }
  }
}

/** What the write steps share: the table, its client and the retry policy. */
interface Writer {
  readonly client: SdkWriteOptions['client'];
  readonly tableName: string;
  readonly policy: WritePolicy;
}

async function readEntry(
  w: Writer,
  key: RevocationKey,
  opts: StoreCallOptions,
): Promise<RevocationEntry | undefined> {
  const out = await send(
    (abortSignal) =>
      w.client.send(
        new GetItemCommand({ TableName: w.tableName, Key: revocationItemKey(key), ConsistentRead: true }),
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
async function writeAudit(w: Writer, entry: RevocationEntry, opts: StoreCallOptions): Promise<void> {
  if (!entry.actor && !entry.reason) return;
  try {
    await send(
      (abortSignal) =>
        w.client.send(new PutItemCommand({ TableName: w.tableName, Item: auditToItem(entry) as never }), {
          abortSignal,
        }),
      opts.signal,
    );
  } catch {
    // The CloudWatch audit line of the operation still records who and why.
  }
}

/**
 * One conditional, extend-only write of a scoped (origin / session / token) entry. Says what it changed: `new`
 * (nothing in force was stored), `extended` (an entry in force got a later expiry), `unchanged` (a stored entry
 * lives as long or longer).
 */
async function extendScoped(
  w: Writer,
  entry: RevocationEntry,
  signal: AbortSignal,
): Promise<'new' | 'extended' | 'unchanged'> {
  let old: Record<string, unknown> | undefined;
  try {
    const out = await send(
      (abortSignal) =>
        w.client.send(
          new PutItemCommand({
            TableName: w.tableName,
            Item: revocationToItem(entry) as never,
            // A stored entry that lives as long or longer is kept: a second request with a smaller expiry never
            // shortens a revocation.
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
  await writeAudit(w, entry, { signal });
  const oldExpiry = Number((old?.[TTL_ATTRIBUTE] as { N?: unknown } | undefined)?.N);
  return Number.isFinite(oldExpiry) && oldExpiry > Date.now() / 1000 ? 'extended' : 'new';
}

/**
 * Raises the user watermark extend-only: one conditional put when the entry dominates what is stored (the usual
 * case); otherwise read, merge (later `notBefore`, later expiry, independently) and write the merge only if the
 * stored entry is still the one read, for a few rounds against concurrent raises.
 */
async function raiseWatermark(
  w: Writer,
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
          w.client.send(
            new PutItemCommand({
              TableName: w.tableName,
              Item: revocationToItem(candidate) as never,
              ConditionExpression: condition,
              ExpressionAttributeNames: names,
              ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
            }),
            { abortSignal },
          ),
        opts.signal,
      );
      await writeAudit(w, candidate, opts);
      return candidate;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Something not dominated by the candidate is stored: merge extend-only (later notBefore, later expiry,
    // independently) and write the merge only if the stored entry is still the one read.
    const stored = await readEntry(w, entry, opts);
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

export function createSdkBlocklistWriter(options: SdkWriteOptions): BlocklistWriter {
  const w: Writer = { client: options.client, tableName: options.tableName, policy: writePolicy(options) };
  return {
    async revoke(entries, opts: StoreCallOptions = {}) {
      const unwritten: RevocationKey[] = [];
      const unchanged: RevocationKey[] = [];
      const extended: RevocationKey[] = [];
      // Without a caller deadline, throttled writes are retried for at most DEFAULT_WRITE_DEADLINE_MS.
      const signal = opts.signal ?? AbortSignal.timeout(DEFAULT_WRITE_DEADLINE_MS);
      await inParallel(dedupeEntries(entries), w.policy.concurrency, async (entry) => {
        try {
          if (signal.aborted) throw new StoreError('timeout', 'deadline passed');
          if (entry.scope === 'user') await raiseWatermark(w, entry, { signal });
          else {
            let tries = 0;
            const answer = await withRetries(
              () => {
                tries++;
                return extendScoped(w, entry, signal);
              },
              w.policy,
              signal,
            );
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
      });
      return { unwritten, unchanged, extended };
    },
    raiseWatermark: (entry, opts) => raiseWatermark(w, entry, opts),
  };
}
