/**
 * The SDK DynamoDB store against dynalite (table layout v2): session inventory and signout marks, conditional
 * extend-only revocation writes for every scope (a weaker request never shortens an entry), retries of throttled writes with honest reporting of
 * what was not written, watermark convergence, the one-Query read of a user's partition and its audit items.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkStore } from '../../../lambdas/adapters/dynamodb/sdk-store.js';
import { StoreError } from '../../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../../lambdas/core/revocation.js';
import type { SessionRecord } from '../../../lambdas/core/session.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../../local/dynalite.js';
import { closedPortEndpoint, startBlackhole } from '../../fixtures/network.js';
import { type DynamoProxy, startDynamoProxy } from '../../fixtures/dynamo-proxy.js';

const TABLE = 'blocklist-store-test';
const NOW = Math.floor(Date.now() / 1000);
let dynamo: LocalDynamo;
let proxy: DynamoProxy;
let proxied: DynamoDBClient;

const SUB = 'sub-r';
const sessionEntry = (id: string, extra: Partial<RevocationEntry> = {}): RevocationEntry => ({
  sub: SUB,
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
      sub: 'sub-c',
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

  it('marks sessions revoked (actor, reason) without touching the range the authorizer reads', async () => {
    // Arrange
    proxy.reset();
    const store = createSdkStore({ client: proxied, tableName: TABLE });
    const sessions = Array.from(
      { length: 30 },
      (_, i): SessionRecord => ({
        sub: 'sub-m',
        username: 'm',
        sessionId: `m-${i}`,
        clientId: 'c',
        triggerSource: 'TokenGeneration_Authentication',
        issuedAt: NOW - 100,
        expiresAt: NOW + 100,
      }),
    );
    for (const s of sessions) await store.record(s);
    // Act
    const { unwritten } = await store.markRevoked(sessions, {
      revokedAt: NOW,
      actor: 'ops',
      reason: 'stolen',
    });
    const listed = await store.listByUser('sub-m');
    // Assert
    expect(unwritten).toEqual([]);
    expect(proxy.calls.BatchWriteItem).toBe(2);
    expect(listed).toHaveLength(30);
    for (const s of listed) expect(s).toMatchObject({ revokedAt: NOW, actor: 'ops', reason: 'stolen' });
    expect(await store.readUser('sub-m')).toEqual([]);
  });
});

describe('revoke', () => {
  it('writes each entry with one conditional PutItem into the user’s rev# range, attribution into audit#', async () => {
    // Arrange
    proxy.reset();
    const store = createSdkStore({ client: proxied, tableName: TABLE });
    const entries = Array.from({ length: 30 }, (_, i) => sessionEntry(`bulk-${i}`));
    // Act
    const { unwritten } = await store.revoke(entries);
    const found = await store.readUser(SUB);
    const audit = await store.readAudit(SUB);
    // Assert
    expect(unwritten).toEqual([]);
    expect(proxy.calls.BatchWriteItem).toBeUndefined();
    expect(found.filter((e) => e.id.startsWith('bulk-'))).toHaveLength(30);
    expect(found.find((e) => e.id === 'bulk-7')).toEqual({
      sub: SUB,
      scope: 'session',
      id: 'bulk-7',
      revokedAt: NOW,
      expiresAt: NOW + 3600,
    });
    expect(audit.find((e) => e.id === 'bulk-7')).toMatchObject({ actor: 'tester', reason: 'test' });
  });

  // Finding 4: a second revocation with a smaller expiry never shortens the stored one — for every scope.
  for (const scope of ['origin', 'session', 'token'] as const) {
    it(`${scope}: a later request with a smaller expiry does not shorten the entry; a larger one extends it`, async () => {
      // Arrange
      const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
      const sub = `sub-extend-${scope}`;
      const e = (expiresAt: number, reason: string): RevocationEntry => ({
        sub,
        scope,
        id: 'x',
        revokedAt: NOW,
        expiresAt,
        actor: 'a',
        reason,
      });
      // Act
      await store.revoke([e(NOW + 5000, 'long')]);
      const shorter = await store.revoke([e(NOW + 10, 'short')]);
      const afterShorter = await store.readUser(sub);
      await store.revoke([e(NOW + 9000, 'longer')]);
      const afterLonger = await store.readUser(sub);
      // Assert
      expect(shorter.unwritten).toEqual([]); // a stronger entry is stored: revoked as asked
      expect(afterShorter.map((x) => x.expiresAt)).toEqual([NOW + 5000]);
      expect((await store.readAudit(sub))[0]?.reason).toBe('longer');
      expect(afterLonger.map((x) => x.expiresAt)).toEqual([NOW + 9000]);
    });
  }

  it('user scope through revoke(): neither an earlier watermark nor a shorter life replaces the stored one', async () => {
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    const w = (notBefore: number, expiresAt: number): RevocationEntry => ({
      sub: 'sub-extend-user',
      scope: 'user',
      id: 'sub-extend-user',
      notBefore,
      revokedAt: notBefore,
      expiresAt,
    });
    await store.revoke([w(NOW + 50, NOW + 5000)]);
    await store.revoke([w(NOW + 10, NOW + 9000)]); // earlier watermark, longer life: both kept at their maximum
    await store.revoke([w(NOW + 60, NOW + 100)]); // later watermark, shorter life
    const [stored] = await store.readUser('sub-extend-user');
    expect(stored).toMatchObject({ notBefore: NOW + 60, expiresAt: NOW + 9000 });
  });

  it('collapses duplicate keys extend-only', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    // Act
    const { unwritten } = await store.revoke([
      sessionEntry('dup', { reason: 'first', expiresAt: NOW + 7000 }),
      sessionEntry('dup', { reason: 'second', expiresAt: NOW + 10 }),
    ]);
    // Assert
    expect(unwritten).toEqual([]);
    expect((await store.readUser(SUB)).find((e) => e.id === 'dup')?.expiresAt).toBe(NOW + 7000);
  });

  it('retries throttled writes until every one is written', async () => {
    // Arrange
    proxy.reset();
    const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoint, maxAttempts: 1 });
    proxy.throttle('PutItem', 3);
    const store = createSdkStore({ client, tableName: TABLE, retryBaseDelayMs: 5, writeConcurrency: 1 });
    const entries = Array.from({ length: 5 }, (_, i) =>
      sessionEntry(`retry-${i}`, { actor: undefined, reason: undefined }),
    );
    // Act
    const { unwritten } = await store.revoke(entries);
    // Assert
    expect(unwritten).toEqual([]);
    expect(proxy.calls.PutItem).toBe(8);
    const stored = (await store.readUser(SUB)).filter((e) => e.id.startsWith('retry-'));
    expect(stored).toHaveLength(5);
    client.destroy();
  });

  it('reports the keys still throttled at the deadline instead of claiming them written', async () => {
    // Arrange
    proxy.reset();
    const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoint, maxAttempts: 1 });
    proxy.throttle('PutItem', 1_000_000);
    const store = createSdkStore({ client, tableName: TABLE, retryBaseDelayMs: 5, retryMaxDelayMs: 20 });
    const entries = Array.from({ length: 4 }, (_, i) => sessionEntry(`stuck-${i}`));
    // Act
    const { unwritten } = await store.revoke(entries, { signal: AbortSignal.timeout(300) });
    // A request given up on at the deadline may still reach the proxy on a busy box: keep throttling until it has.
    await new Promise((r) => setTimeout(r, 300));
    const written = (await store.readUser(SUB)).filter((e) => e.id.startsWith('stuck-'));
    proxy.throttle('PutItem', 0);
    // Assert
    expect(unwritten.map((k) => k.id).sort()).toEqual(['stuck-0', 'stuck-1', 'stuck-2', 'stuck-3']);
    expect(written).toEqual([]);
    client.destroy();
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
    sub: 'sub-w',
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
    const stored = await store.readUser('sub-w');
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
    expect(returned.expiresAt).toBe(NOW + 9 + 1000);
  });

  it('at an equal watermark keeps the longer TTL', async () => {
    // Arrange
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    await store.raiseWatermark({ ...watermark(NOW + 20, NOW + 5000), sub: 'sub-eq', id: 'sub-eq' });
    // Act
    const shorter = await store.raiseWatermark({
      ...watermark(NOW + 20, NOW + 100),
      sub: 'sub-eq',
      id: 'sub-eq',
    });
    const longer = await store.raiseWatermark({
      ...watermark(NOW + 20, NOW + 9000),
      sub: 'sub-eq',
      id: 'sub-eq',
    });
    // Assert
    expect(shorter.expiresAt).toBe(NOW + 5000);
    expect(longer.expiresAt).toBe(NOW + 9000);
  });
});

describe('readUser and failures', () => {
  it('returns nothing for a user without entries', async () => {
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    expect(await store.readUser('never')).toEqual([]);
  });

  it('refuses a malformed stored entry rather than guessing', async () => {
    // Arrange
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'user#bad' }, sk: { S: 'rev#token#bad' }, expiresAt: { S: 'soon' } },
      }),
    );
    const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
    // Act / Assert
    await expect(store.readUser('bad')).rejects.toMatchObject({
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

describe('answers that are not exactly what was asked (SDK store)', () => {
  // dynalite only ever answers correctly: a stand-in client returning scripted answers plays the broken table.
  const scripted = (answer: unknown) => ({ send: async () => answer }) as unknown as DynamoDBClient;
  const record = (sessionId: string): SessionRecord => ({
    sub: 'sub-x',
    username: 'x',
    sessionId,
    clientId: 'c',
    triggerSource: 'TokenGeneration_Authentication',
    issuedAt: NOW,
    expiresAt: NOW + 100,
  });

  it.each([
    ['paginated', { Items: [], Count: 0, LastEvaluatedKey: { pk: { S: 'user#sub-x' }, sk: { S: 'rev#z' } } }],
    ['without Items', { Count: 0 }],
    ['a Count that does not match', { Items: [], Count: 2 }],
    [
      'an item of another user',
      {
        Items: [{ pk: { S: 'user#other' }, sk: { S: 'rev#token#t' }, expiresAt: { N: '4000000000' } }],
        Count: 1,
      },
    ],
  ])('readUser: an answer %s is StoreError(malformed)', async (_what, answer) => {
    const store = createSdkStore({ client: scripted(answer), tableName: TABLE });
    await expect(store.readUser('sub-x')).rejects.toMatchObject({ name: 'StoreError', kind: 'malformed' });
  });

  it.each([
    ['for another table', { UnprocessedItems: { 'other-table': [] } }],
    ['of the wrong shape', { UnprocessedItems: { [TABLE]: 'everything' } }],
    ['not an object', { UnprocessedItems: 'none' }],
  ])('markRevoked: UnprocessedItems %s is never taken as "all written"', async (_what, answer) => {
    const store = createSdkStore({ client: scripted(answer), tableName: TABLE, retryBaseDelayMs: 1 });
    const { unwritten } = await store.markRevoked([record('a'), record('b')], { revokedAt: NOW });
    expect(unwritten.sort()).toEqual(['a', 'b']);
  });
});
