/**
 * The lean DynamoDB reader against dynalite (real DynamoDB API emulator: it checks the SigV4 Authorization header
 * format, the JSON protocol and the request shapes). Unprocessed keys, throttling and corrupted answers cannot be
 * produced by dynalite, so those cases use a small loopback HTTP responder that answers like DynamoDB does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoBlocklistReader } from '../../lambdas/adapters/dynamodb/blocklist-reader.js';
import {
  createDynamoHttpClient,
  type DynamoHttpClient,
  dynamoOptionsFromEnv,
  StoreConfigError,
} from '../../lambdas/adapters/dynamodb/http-client.js';
import { revocationToItem } from '../../lambdas/adapters/dynamodb/schema.js';
import { StoreError } from '../../lambdas/core/ports.js';
import type { RevocationEntry, RevocationKey } from '../../lambdas/core/revocation.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../local/dynalite.js';

const TABLE = 'blocklist-reader';
let dynamo: LocalDynamo;
let client: DynamoHttpClient;

const entry = (
  scope: RevocationEntry['scope'],
  id: string,
  extra: Partial<RevocationEntry> = {},
): RevocationEntry => ({
  scope,
  id,
  revokedAt: 1_700_000_000,
  expiresAt: 4_000_000_000,
  ...(scope === 'user' ? { notBefore: 1_700_000_000 } : {}),
  ...extra,
});

async function put(e: RevocationEntry) {
  await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: revocationToItem(e) as never }));
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  client = createDynamoHttpClient({
    region: LOCAL_AWS.region,
    endpoint: new URL(dynamo.endpoint),
    credentials: { ...LOCAL_AWS.credentials, sessionToken: 'session-token' },
  });
});

afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});

describe('against dynalite', () => {
  it('one key → one GetItem; several keys → one BatchGetItem; stored entries decoded, absent ones skipped', async () => {
    // Arrange
    await put(entry('user', 'sub-1', { notBefore: 1_700_000_123, actor: 'admin', reason: 'lost phone' }));
    await put(entry('token', 'jti-1', { expiresAt: 1 })); // expired, still stored: returned as is
    const trips: string[] = [];
    const reader = createDynamoBlocklistReader({
      client,
      tableName: TABLE,
      timeoutMs: 1000,
      maxAttempts: 2,
      onRoundTrip: (op, _ms, ok) => trips.push(`${op}:${ok}`),
    });
    const keys: RevocationKey[] = [
      { scope: 'user', id: 'sub-1' },
      { scope: 'origin', id: 'o-none' },
      { scope: 'session', id: 's-none' },
      { scope: 'token', id: 'jti-1' },
    ];
    // Act
    const one = await reader.find([{ scope: 'user', id: 'sub-1' }]);
    const none = await reader.find([{ scope: 'user', id: 'nobody' }]);
    const many = await reader.find(keys);
    // Assert
    expect(one).toEqual([
      {
        scope: 'user',
        id: 'sub-1',
        notBefore: 1_700_000_123,
        revokedAt: 1_700_000_000,
        expiresAt: 4_000_000_000,
        actor: 'admin',
        reason: 'lost phone',
      },
    ]);
    expect(none).toEqual([]);
    expect(many.map((e) => `${e.scope}#${e.id}`).sort()).toEqual(['token#jti-1', 'user#sub-1']);
    expect(many.find((e) => e.scope === 'token')?.expiresAt).toBe(1);
    expect(trips).toEqual(['GetItem:true', 'GetItem:true', 'BatchGetItem:true']);
  });

  it('an empty key list costs no round trip', async () => {
    let trips = 0;
    const reader = createDynamoBlocklistReader({
      client,
      tableName: TABLE,
      timeoutMs: 500,
      maxAttempts: 1,
      onRoundTrip: () => trips++,
    });
    expect(await reader.find([])).toEqual([]);
    expect(trips).toBe(0);
  });

  it('a stored item that does not decode is a malformed-store error, not a guess', async () => {
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'user#broken' }, sk: { S: 'revocation' }, expiresAt: { N: '4000000000' } },
      }),
    );
    const reader = createDynamoBlocklistReader({ client, tableName: TABLE, timeoutMs: 500, maxAttempts: 2 });
    await expect(reader.find([{ scope: 'user', id: 'broken' }])).rejects.toMatchObject({
      name: 'StoreError',
      kind: 'malformed',
    });
  });

  it('a missing table is reported at once (not retried until the deadline)', async () => {
    let trips = 0;
    const reader = createDynamoBlocklistReader({
      client,
      tableName: 'no-such-table',
      timeoutMs: 2000,
      maxAttempts: 5,
      onRoundTrip: () => trips++,
    });
    await expect(reader.find([{ scope: 'user', id: 'x' }])).rejects.toBeInstanceOf(StoreError);
    expect(trips).toBe(1);
  });
});

/** A loopback responder speaking DynamoDB's JSON protocol with scripted answers (dynalite cannot throttle). */
async function scripted(answers: ((req: IncomingMessage, body: string, res: ServerResponse) => void)[]) {
  const seen: { target: string; body: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
      answer?.(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const http = createDynamoHttpClient({
    region: 'us-east-1',
    endpoint: new URL(`http://127.0.0.1:${port}`),
    credentials: LOCAL_AWS.credentials,
  });
  return {
    seen,
    client: http,
    stop: () =>
      new Promise<void>((resolve) => {
        http.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(status: number, payload: unknown, headers: Record<string, string> = {}) {
  return (_req: IncomingMessage, _body: string, res: ServerResponse) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-crc32': String(crc32(text)),
      ...headers,
    });
    res.end(text);
  };
}

const itemOf = (e: RevocationEntry) => revocationToItem(e);
const KEYS: RevocationKey[] = [
  { scope: 'user', id: 'u' },
  { scope: 'token', id: 't' },
];

describe('DynamoDB behaviours dynalite does not produce', () => {
  it('unprocessed keys are asked again (only those) and the answers merged', async () => {
    const fake = await scripted([
      reply(200, {
        Responses: { [TABLE]: [itemOf(entry('user', 'u'))] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: { S: 'token#t' }, sk: { S: 'revocation' } }] } },
      }),
      reply(200, { Responses: { [TABLE]: [] }, UnprocessedKeys: {} }),
    ]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 1000,
        maxAttempts: 3,
      });
      const found = await reader.find(KEYS);
      expect(found.map((e) => e.id)).toEqual(['u']);
      expect(fake.seen.map((s) => s.target)).toEqual([
        'DynamoDB_20120810.BatchGetItem',
        'DynamoDB_20120810.GetItem',
      ]);
      expect(fake.seen[1]?.body).toEqual({
        TableName: TABLE,
        Key: { pk: { S: 'token#t' }, sk: { S: 'revocation' } },
        ConsistentRead: true,
      });
    } finally {
      await fake.stop();
    }
  });

  it('keys still unprocessed when the attempts run out make the lookup fail (never a partial answer)', async () => {
    const fake = await scripted([
      reply(200, {
        Responses: { [TABLE]: [] },
        UnprocessedKeys: {
          [TABLE]: { Keys: KEYS.map((k) => ({ pk: { S: `${k.scope}#${k.id}` }, sk: { S: 'revocation' } })) },
        },
      }),
    ]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 500,
        maxAttempts: 2,
      });
      await expect(reader.find(KEYS)).rejects.toMatchObject({
        kind: 'throttled',
        message: expect.stringContaining('unprocessed'),
      });
      expect(fake.seen).toHaveLength(2);
    } finally {
      await fake.stop();
    }
  });

  it('throttling is retried within the deadline; ConsistentRead follows the option', async () => {
    const fake = await scripted([
      reply(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'slow down',
      }),
      reply(200, { Item: itemOf(entry('token', 't')) }),
    ]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 1000,
        maxAttempts: 2,
        consistentRead: false,
      });
      const found = await reader.find([{ scope: 'token', id: 't' }]);
      expect(found).toHaveLength(1);
      expect(fake.seen).toHaveLength(2);
      expect(fake.seen[0]?.body).toMatchObject({ ConsistentRead: false });
    } finally {
      await fake.stop();
    }
  });

  it('access denied is not retried', async () => {
    const fake = await scripted([
      reply(400, { __type: 'com.amazon.coral.service#AccessDeniedException', message: 'no' }),
    ]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 1000,
        maxAttempts: 3,
      });
      await expect(reader.find([{ scope: 'token', id: 't' }])).rejects.toMatchObject({ kind: 'denied' });
      expect(fake.seen).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });

  it('an answer failing its CRC32 check is not trusted', async () => {
    const fake = await scripted([
      reply(200, { Item: itemOf(entry('token', 't')) }, { 'x-amz-crc32': '12345' }),
    ]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 300,
        maxAttempts: 2,
      });
      await expect(reader.find([{ scope: 'token', id: 't' }])).rejects.toMatchObject({
        message: expect.stringContaining('CRC32'),
      });
    } finally {
      await fake.stop();
    }
  });

  it('a hanging first attempt leaves time for a second one within the deadline', async () => {
    const fake = await scripted([() => {}, reply(200, {})]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 1000,
        maxAttempts: 2,
      });
      const started = performance.now();
      const found = await reader.find([{ scope: 'token', id: 't' }]);
      const elapsed = performance.now() - started;
      // The first attempt got half the deadline, the second the rest.
      expect(found).toEqual([]);
      expect(fake.seen).toHaveLength(2);
      expect(elapsed).toBeGreaterThanOrEqual(490);
      expect(elapsed).toBeLessThan(1000 + 1000); // bounded (generous: the box is shared)
    } finally {
      await fake.stop();
    }
  });

  it('a lookup that never gets an answer rejects with a timeout at the deadline', async () => {
    const fake = await scripted([() => {}]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 150,
        maxAttempts: 3,
      });
      const started = performance.now();
      await expect(reader.find(KEYS)).rejects.toMatchObject({ kind: 'timeout' });
      expect(performance.now() - started).toBeLessThan(150 + 1000); // bounded (generous: the box is shared)
      expect(fake.seen).toHaveLength(3);
    } finally {
      await fake.stop();
    }
  });
});

describe('endpoint and credentials from the Lambda environment', () => {
  const base = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };

  it('defaults to the regional endpoint; AWS_ENDPOINT_URL_DYNAMODB wins over AWS_ENDPOINT_URL', () => {
    expect(dynamoOptionsFromEnv(base).endpoint.href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    expect(dynamoOptionsFromEnv({ ...base, AWS_REGION: 'cn-north-1' }).endpoint.host).toBe(
      'dynamodb.cn-north-1.amazonaws.com.cn',
    );
    expect(
      dynamoOptionsFromEnv({
        ...base,
        AWS_ENDPOINT_URL: 'https://all.example',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      }).endpoint.href,
    ).toBe('http://127.0.0.1:8000/');
    expect(dynamoOptionsFromEnv({ ...base, AWS_ENDPOINT_URL: 'https://all.example' }).endpoint.host).toBe(
      'all.example',
    );
    expect(dynamoOptionsFromEnv({ ...base, AWS_SESSION_TOKEN: 'tok' }).credentials).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sessionToken: 'tok',
    });
  });

  it('refuses plain http to a non-loopback host, a missing region and missing credentials', () => {
    expect(() =>
      dynamoOptionsFromEnv({ ...base, AWS_ENDPOINT_URL_DYNAMODB: 'http://dynamo.example.com' }),
    ).toThrow(StoreConfigError);
    expect(() => dynamoOptionsFromEnv({ ...base, AWS_REGION: '' })).toThrow(/AWS_REGION/);
    expect(() => dynamoOptionsFromEnv({ ...base, AWS_SECRET_ACCESS_KEY: undefined })).toThrow(
      /AWS_SECRET_ACCESS_KEY/,
    );
  });
});

describe('CRC-32 of answers', () => {
  it('matches node:zlib on random data', async () => {
    const { crc32: ours } = await import('../../lambdas/adapters/dynamodb/http-client.js');
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        expect(ours(bytes)).toBe(crc32(bytes));
      }),
      { numRuns: 500 },
    );
    expect(ours(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
