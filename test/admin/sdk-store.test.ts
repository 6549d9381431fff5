/**
 * The SDK DynamoDB store against dynalite: session inventory, batched revocation writes (25 per call, retries of
 * unprocessed items, honest reporting of what was not written), watermark convergence, lookups.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { StoreError } from '../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';
import type { SessionRecord } from '../../lambdas/core/session.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { closedPortEndpoint, startBlackhole } from '../support/network.js';
import { type DynamoProxy, startDynamoProxy } from './support/dynamo-proxy.js';

const TABLE = 'blocklist-store-test';
const NOW = Math.floor(Date.now() / 1000);
let dynamo: LocalDynamo;
let proxy: DynamoProxy;
let proxied: DynamoDBClient;

const sessionEntry = (id: string, extra: Partial<RevocationEntry> = {}): RevocationEntry => ({
  scope: 'session',
  id,
  revokedAt: NOW,
  expiresAt: NOW + 3600,
  actor: 'tester',
  reason: 'test',
  ...extra,
});

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  proxy = await startDynamoProxy(dynamo.endpoint);
  proxied = new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoint });
});
afterAll(async () => {
  proxied.destroy();
  await proxy.stop();
  await dynamo.stop();
});

describe('session inventory', () => {
  it('records sessions and lists exactly one user’s', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const session = (sub: string, sessionId: string): SessionRecord => ({
      sub,
      username: `u-${sub}`,
      sessionId,
      clientId: 'client-1',
      triggerSource: 'TokenGeneration_Authentication',
      issuedAt: NOW,
      expiresAt: NOW + 100,
    });
    // Act
    await store.record(session('sub-a', 's1'));
    await store.record(session('sub-a', 's2'));
    await store.record(session('sub-b', 's3'));
    const listed = await store.listByUser('sub-a');
    // Assert
    expect(listed.map((s) => s.sessionId).sort()).toEqual(['s1', 's2']);
    expect(listed[0]).toEqual(session('sub-a', listed[0]?.sessionId ?? ''));
  });

  it('does not list the user’s watermark as a session', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    await store.raiseWatermark({
      scope: 'user',
      id: 'sub-c',
      notBefore: NOW,
      revokedAt: NOW,
      expiresAt: NOW + 10,
    });
    // Act
    const listed = await store.listByUser('sub-c');
    // Assert
    expect(listed).toEqual([]);
  });
});

describe('revoke', () => {
  it('writes 60 entries in ⌈60/25⌉ = 3 BatchWriteItem calls and reads them back', async () => {
    // Arrange
    proxy.reset();
    const store = createSdkStore({ client: proxied, tableName: TABLE });
    const entries = Array.from({ length: 60 }, (_, i) => sessionEntry(`bulk-${i}`));
    // Act
    const { unwritten } = await store.revoke(entries);
    const found = await store.find(entries.slice(0, 100).map(({ scope, id }) => ({ scope, id })));
    // Assert
    expect(unwritten).toEqual([]);
    expect(proxy.calls.BatchWriteItem).toBe(3);
    expect(found).toHaveLength(60);
    expect(found.find((e) => e.id === 'bulk-7')).toMatchObject({
      actor: 'tester',
      reason: 'test',
      expiresAt: NOW + 3600,
    });
  });

  it('collapses duplicate keys (DynamoDB rejects them within one batch)', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    // Act
    const { unwritten } = await store.revoke([
      sessionEntry('dup', { reason: 'first' }),
      sessionEntry('dup', { reason: 'second' }),
    ]);
    // Assert
    expect(unwritten).toEqual([]);
    expect((await store.find([{ scope: 'session', id: 'dup' }]))[0]?.reason).toBe('second');
  });

  it('retries unprocessed items until every one is written', async () => {
    // Arrange
    proxy.reset();
    proxy.leaveUnprocessed(3);
    const store = createSdkStore({ client: proxied, tableName: TABLE, retryBaseDelayMs: 5 });
    const entries = Array.from({ length: 25 }, (_, i) => sessionEntry(`retry-${i}`));
    // Act
    const { unwritten } = await store.revoke(entries);
    // Assert
    expect(unwritten).toEqual([]);
    expect(proxy.unprocessedItems()).toBeGreaterThan(0);
    expect(proxy.calls.BatchWriteItem).toBe(4);
    expect(await store.find(entries.map(({ scope, id }) => ({ scope, id })))).toHaveLength(25);
  });

  it('reports the keys still unprocessed at the deadline instead of claiming them written', async () => {
    // Arrange
    proxy.reset();
    proxy.leaveUnprocessed(1_000_000);
    const store = createSdkStore({
      client: proxied,
      tableName: TABLE,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
    });
    const entries = Array.from({ length: 4 }, (_, i) => sessionEntry(`stuck-${i}`));
    // Act
    const { unwritten } = await store.revoke(entries, { signal: AbortSignal.timeout(300) });
    proxy.leaveUnprocessed(0);
    // Assert: half of each call is held back, so at least one key never got through.
    expect(unwritten.length).toBeGreaterThan(0);
    const written = await store.find(entries.map(({ scope, id }) => ({ scope, id })));
    expect(written.length + unwritten.length).toBe(4);
    for (const key of unwritten) expect(written.some((w) => w.id === key.id)).toBe(false);
  });

  it('reports every key unwritten when the table cannot be reached', async () => {
    // Arrange
    const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: await closedPortEndpoint(), maxAttempts: 1 });
    const store = createSdkStore({ client, tableName: TABLE, retryBaseDelayMs: 5, retryMaxDelayMs: 20 });
    // Act
    const { unwritten } = await store.revoke([sessionEntry('x1'), sessionEntry('x2')], {
      signal: AbortSignal.timeout(200),
    });
    // Assert
    expect(unwritten.map((k) => k.id).sort()).toEqual(['x1', 'x2']);
    client.destroy();
  });
});

describe('raiseWatermark', () => {
  const watermark = (notBefore: number, expiresAt = notBefore + 1000): RevocationEntry => ({
    scope: 'user',
    id: 'sub-w',
    notBefore,
    revokedAt: notBefore,
    expiresAt,
  });

  it('converges on the latest watermark whatever the order of concurrent signouts', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const times = [NOW + 3, NOW + 9, NOW + 1, NOW + 7, NOW + 5];
    // Act
    await Promise.all(times.map((t) => store.raiseWatermark(watermark(t))));
    const stored = await store.find([{ scope: 'user', id: 'sub-w' }]);
    // Assert
    expect(stored[0]?.notBefore).toBe(NOW + 9);
  });

  it('does not lower a watermark, and returns the stored one', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    // Act
    const returned = await store.raiseWatermark(watermark(NOW - 100));
    // Assert
    expect(returned.notBefore).toBe(NOW + 9);
  });

  it('at an equal watermark keeps the longer TTL', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    await store.raiseWatermark({ ...watermark(NOW + 20, NOW + 5000), id: 'sub-eq' });
    // Act
    const shorter = await store.raiseWatermark({ ...watermark(NOW + 20, NOW + 100), id: 'sub-eq' });
    const longer = await store.raiseWatermark({ ...watermark(NOW + 20, NOW + 9000), id: 'sub-eq' });
    // Assert
    expect(shorter.expiresAt).toBe(NOW + 5000);
    expect(longer.expiresAt).toBe(NOW + 9000);
  });
});

describe('find and failures', () => {
  it('returns nothing for keys without entries', async () => {
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    expect(
      await store.find([
        { scope: 'token', id: 'never' },
        { scope: 'origin', id: 'never' },
      ]),
    ).toEqual([]);
  });

  it('refuses a malformed stored entry rather than guessing', async () => {
    // Arrange
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'token#bad' }, sk: { S: 'revocation' }, expiresAt: { S: 'soon' } },
      }),
    );
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    // Act / Assert
    await expect(store.find([{ scope: 'token', id: 'bad' }])).rejects.toMatchObject({
      name: 'StoreError',
      kind: 'malformed',
    });
  });

  it('maps a refused connection to kind "unavailable" and a hung one past the signal to "timeout"', async () => {
    // Arrange
    const refused = new DynamoDBClient({
      ...LOCAL_AWS,
      endpoint: await closedPortEndpoint(),
      maxAttempts: 1,
    });
    const blackhole = await startBlackhole();
    const hung = new DynamoDBClient({ ...LOCAL_AWS, endpoint: blackhole.endpoint, maxAttempts: 1 });
    try {
      // Act
      const a = await createSdkStore({ client: refused, tableName: TABLE })
        .listByUser('x')
        .catch((e) => e);
      const b = await createSdkStore({ client: hung, tableName: TABLE })
        .listByUser('x', { signal: AbortSignal.timeout(150) })
        .catch((e) => e);
      // Assert
      expect(a).toBeInstanceOf(StoreError);
      expect(a.kind).toBe('unavailable');
      expect(b).toBeInstanceOf(StoreError);
      expect(b.kind).toBe('timeout');
    } finally {
      refused.destroy();
      hung.destroy();
      await blackhole.stop();
    }
  });
});
