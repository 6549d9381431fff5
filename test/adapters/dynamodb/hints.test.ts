/**
 * Revocation hints against dynalite: the admin side publishes with the AWS SDK, the authorizer side polls with the
 * lean SigV4 client; both read only the buckets a window spans. Malformed answers (which dynalite cannot produce)
 * come from a stub `call` that answers like DynamoDB would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HINT_BUCKET_MS, hintBuckets } from '../../../lambdas/core/hints.js';
import { StoreError } from '../../../lambdas/core/ports.js';
import {
  createDynamoHttpClient,
  type DynamoHttpClient,
} from '../../../lambdas/adapters/dynamodb/http-client.js';
import { createSdkHintStore } from '../../../lambdas/adapters/dynamodb/hint-publisher.js';
import {
  createHttpHintReader,
  MAX_HINT_PAGES_PER_BUCKET,
} from '../../../lambdas/adapters/dynamodb/hint-reader.js';
import { hintPartition, hintToItem } from '../../../lambdas/adapters/dynamodb/schema.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../../local/dynalite.js';

const TABLE = 'hints';
let dynamo: LocalDynamo;
let client: DynamoHttpClient;
const BASE = 1_800_000_000_000 - (1_800_000_000_000 % HINT_BUCKET_MS); // a bucket boundary

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  client = createDynamoHttpClient({
    region: LOCAL_AWS.region,
    endpoint: new URL(dynamo.endpoint),
    credentials: LOCAL_AWS.credentials,
  });
});

afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});

describe('bucket arithmetic', () => {
  it('a window spans the buckets from its start to its end, at least one', () => {
    expect(hintBuckets(BASE + 10, BASE + 20)).toHaveLength(1);
    expect(hintBuckets(BASE - 1, BASE + 1)).toHaveLength(2);
    expect(hintBuckets(BASE, BASE + 3 * HINT_BUCKET_MS)).toHaveLength(4);
  });

  it('an item: hint#<minute>, 15-digit stamp, sub, 16-hex nonce, TTL one hour past the stamp', () => {
    const item = hintToItem('user-1', BASE + 1234, '0123456789abcdef');
    expect(item).toEqual({
      pk: { S: `hint#${BASE / HINT_BUCKET_MS}` },
      sk: { S: `00${BASE + 1234}#user-1#0123456789abcdef` },
      expiresAt: { N: String(Math.floor((BASE + 1234) / 1000) + 3600) },
    });
    expect(() => hintToItem('', BASE)).toThrow(StoreError);
  });
});

describe('against dynalite', () => {
  it('publish (SDK) then poll (lean client): only hints at or after `from`, across a bucket boundary, one Query per bucket', async () => {
    // Arrange
    const admin = createSdkHintStore({ client: dynamo.client, tableName: TABLE });
    await admin.publish('old', BASE - 30_000);
    await admin.publish('alice', BASE - 2_000);
    await admin.publish('bob#with#hashes', BASE + 1_000);
    await admin.publish('alice', BASE + 1_000);
    let queries = 0;
    const reader = createHttpHintReader({
      client,
      tableName: TABLE,
      timeoutMs: 2000,
      onRoundTrip: () => queries++,
    });

    // Act
    const page = await reader.since(BASE - 5_000, BASE + 5_000);

    // Assert
    expect(queries).toBe(2);
    expect(page.truncated).toBe(false);
    expect(page.hints.map((h) => h.sub).sort()).toEqual(['alice', 'alice', 'bob#with#hashes']);
    expect(page.hints.find((h) => h.sub === 'bob#with#hashes')?.at).toBe(BASE + 1_000);
    const sdkPage = await admin.since(BASE - 5_000, BASE + 5_000);
    expect(sdkPage.hints).toHaveLength(3);
  });

  it('a window inside one bucket costs one Query, usually empty', async () => {
    let queries = 0;
    const reader = createHttpHintReader({
      client,
      tableName: TABLE,
      timeoutMs: 2000,
      onRoundTrip: () => queries++,
    });
    const page = await reader.since(BASE + 10 * HINT_BUCKET_MS, BASE + 10 * HINT_BUCKET_MS + 5_000);
    expect(queries).toBe(1);
    expect(page.hints).toEqual([]);
  });

  it('a publish that cannot be acknowledged within its deadline rejects with StoreError', async () => {
    const admin = createSdkHintStore({ client: dynamo.client, tableName: 'no-such-table' });
    await expect(admin.publish('alice', BASE)).rejects.toBeInstanceOf(StoreError);
  });
});

describe('strict answers (stub client)', () => {
  const bucket = BASE / HINT_BUCKET_MS;
  const good = { pk: { S: hintPartition(bucket) }, sk: { S: `00${BASE + 5}#u#0123456789abcdef` } };
  const poll = (answer: unknown) =>
    createHttpHintReader({
      client: { call: async () => answer as never },
      tableName: TABLE,
      timeoutMs: 100,
    }).since(BASE, BASE + 10);

  it.each([
    ['not an object', null],
    ['no Items', { Count: 0 }],
    ['Count ≠ Items', { Items: [good], Count: 2 }],
    ['another partition', { Items: [{ ...good, pk: { S: 'hint#1' } }], Count: 1 }],
    ['a user partition', { Items: [{ ...good, pk: { S: 'user#u' } }], Count: 1 }],
    [
      'sort key before :from',
      { Items: [{ ...good, sk: { S: `00${BASE - 5}#u#0123456789abcdef` } }], Count: 1 },
    ],
    ['sort key without nonce', { Items: [{ ...good, sk: { S: `00${BASE + 5}#u` } }], Count: 1 }],
    ['numeric sort key', { Items: [{ ...good, sk: { N: '1' } }], Count: 1 }],
    [
      'stamp in another bucket',
      { Items: [{ ...good, sk: { S: `00${BASE + HINT_BUCKET_MS}#u#0123456789abcdef` } }], Count: 1 },
    ],
    [
      'LastEvaluatedKey elsewhere',
      { Items: [good], Count: 1, LastEvaluatedKey: { pk: { S: 'user#x' }, sk: { S: 'rev#user' } } },
    ],
  ])('%s → StoreError(malformed)', async (_name, answer) => {
    await expect(poll(answer)).rejects.toMatchObject({ name: 'StoreError', kind: 'malformed' });
  });

  it('pages are followed; past the page cap the poll says `truncated` (callers drop everything)', async () => {
    let calls = 0;
    const reader = createHttpHintReader({
      client: {
        call: async () => {
          calls++;
          return { Items: [good], Count: 1, LastEvaluatedKey: good } as never;
        },
      },
      tableName: TABLE,
      timeoutMs: 100,
    });
    const page = await reader.since(BASE, BASE + 10);
    expect(calls).toBe(MAX_HINT_PAGES_PER_BUCKET);
    expect(page.truncated).toBe(true);
  });
});
