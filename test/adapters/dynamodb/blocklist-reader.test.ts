/**
 * The lean DynamoDB reader against dynalite (real DynamoDB API emulator: it checks the SigV4 Authorization header
 * format, the JSON protocol and the request shapes). Throttling, paginated and corrupted answers cannot be produced
 * by dynalite, so those cases use a small loopback HTTP responder that answers like DynamoDB does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoBlocklistReader } from '../../../lambdas/adapters/dynamodb/blocklist-reader.js';
import {
  createDynamoHttpClient,
  type DynamoHttpClient,
  dynamoOptionsFromEnv,
  StoreConfigError,
} from '../../../lambdas/adapters/dynamodb/http-client.js';
import { revocationToItem, sessionToItem } from '../../../lambdas/adapters/dynamodb/schema.js';
import { StoreError } from '../../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../../lambdas/core/revocation.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../../local/dynalite.js';

const TABLE = 'blocklist-reader';
/**
 * The deadline of lookups that get an answer. Only a hang reaches it, so it costs nothing when the test passes; a
 * short one turns a slow box into a timeout (the first attempt gets a third of it) and fails the test for the wrong
 * reason. Tests about the deadline itself choose theirs next to the behaviour they check.
 */
const ANSWERED_MS = 15_000;
let dynamo: LocalDynamo;
let client: DynamoHttpClient;

const entry = (
  scope: RevocationEntry['scope'],
  id: string,
  extra: Partial<RevocationEntry> = {},
  sub = 'sub-1',
): RevocationEntry => ({
  sub,
  scope,
  id: scope === 'user' ? sub : id,
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
  it('one Query of the user’s rev# range per lookup: every scope decoded, other items and users left out', async () => {
    // Arrange
    await put(entry('user', 'sub-1', { notBefore: 1_700_000_123 }));
    await put(entry('origin', 'o-1'));
    await put(entry('session', 's-1'));
    await put(entry('token', 'jti-1', { expiresAt: 1 })); // expired, still stored: returned as is
    await put(entry('token', 'jti-other', {}, 'sub-2')); // another user's partition
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: sessionToItem({
          sub: 'sub-1',
          username: 'alice',
          sessionId: 's-1',
          clientId: 'c',
          triggerSource: 'TokenGeneration_Authentication',
          issuedAt: 1,
          expiresAt: 4_000_000_000,
        }) as never,
      }),
    );
    const trips: string[] = [];
    const reader = createDynamoBlocklistReader({
      client,
      tableName: TABLE,
      timeoutMs: ANSWERED_MS,
      maxAttempts: 2,
      onRoundTrip: (op, _ms, ok) => trips.push(`${op}:${ok}`),
    });
    // Act
    const found = await reader.readUser('sub-1');
    const none = await reader.readUser('nobody');
    // Assert
    expect(found.map((e) => `${e.scope}#${e.id}`).sort()).toEqual([
      'origin#o-1',
      'session#s-1',
      'token#jti-1',
      'user#sub-1',
    ]);
    expect(found.find((e) => e.scope === 'user')).toEqual({
      sub: 'sub-1',
      scope: 'user',
      id: 'sub-1',
      notBefore: 1_700_000_123,
      revokedAt: 1_700_000_000,
      expiresAt: 4_000_000_000,
    });
    expect(found.find((e) => e.scope === 'token')?.expiresAt).toBe(1);
    expect(none).toEqual([]);
    expect(trips).toEqual(['Query:true', 'Query:true']);
  });

  it('a stored item that does not decode is a malformed-store error, not a guess', async () => {
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'user#broken' }, sk: { S: 'rev#user' }, expiresAt: { N: '4000000000' } },
      }),
    );
    const reader = createDynamoBlocklistReader({
      client,
      tableName: TABLE,
      timeoutMs: ANSWERED_MS,
      maxAttempts: 2,
    });
    await expect(reader.readUser('broken')).rejects.toMatchObject({
      name: 'StoreError',
      kind: 'malformed',
    });
  });

  it('a missing table is reported at once (not retried until the deadline)', async () => {
    let trips = 0;
    const reader = createDynamoBlocklistReader({
      client,
      tableName: 'no-such-table',
      timeoutMs: ANSWERED_MS,
      maxAttempts: 5,
      onRoundTrip: () => trips++,
    });
    await expect(reader.readUser('x')).rejects.toBeInstanceOf(StoreError);
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
const queryAnswer = (items: unknown[]) => ({ Items: items, Count: items.length, ScannedCount: items.length });

describe('DynamoDB behaviours dynalite does not produce', () => {
  it('sends exactly one strongly consistent Query of pk = user#<sub> AND begins_with(sk, "rev#"), no Limit', async () => {
    const fake = await scripted([reply(200, queryAnswer([itemOf(entry('token', 't'))]))]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: ANSWERED_MS,
        maxAttempts: 3,
      });
      const found = await reader.readUser('sub-1');
      expect(found.map((e) => e.id)).toEqual(['t']);
      expect(fake.seen).toEqual([
        {
          target: 'DynamoDB_20120810.Query',
          body: {
            TableName: TABLE,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :rev)',
            ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
            ExpressionAttributeValues: { ':pk': { S: 'user#sub-1' }, ':rev': { S: 'rev#' } },
            ConsistentRead: true,
          },
        },
      ]);
    } finally {
      await fake.stop();
    }
  });

  // Finding 5: an answer that is not exactly what was asked is a store error (the authorizer denies), never an
  // empty "nothing revoked".
  const MALFORMED: [string, unknown][] = [
    ['not an object', []],
    ['null', null],
    ['without Items', { Count: 0, ScannedCount: 0 }],
    ['Items not a list', { Items: {}, Count: 0 }],
    ['Count missing', { Items: [] }],
    ['Count not the number of items', { Items: [], Count: 1 }],
    ['Count as a string', { Items: [], Count: '0' }],
    [
      'paginated (LastEvaluatedKey)',
      { Items: [], Count: 0, LastEvaluatedKey: { pk: { S: 'user#sub-1' }, sk: { S: 'rev#token#a' } } },
    ],
    ['paginated with items', { ...queryAnswer([itemOf(entry('token', 't'))]), LastEvaluatedKey: {} }],
    ['an item of another partition', queryAnswer([itemOf(entry('token', 't', {}, 'sub-2'))])],
    [
      'an item outside the rev# range',
      queryAnswer([{ ...itemOf(entry('token', 't')), sk: { S: 'session#t' } }]),
    ],
    ['an item without pk', queryAnswer([{ sk: { S: 'rev#token#t' }, expiresAt: { N: '4000000000' } }])],
    ['an item that is not an object', queryAnswer(['rev#token#t'])],
    [
      'an item with an unknown scope',
      queryAnswer([{ ...itemOf(entry('token', 't')), sk: { S: 'rev#device#t' } }]),
    ],
    ['an item without expiresAt', queryAnswer([{ pk: { S: 'user#sub-1' }, sk: { S: 'rev#token#t' } }])],
    [
      'an expiresAt that is not a number',
      queryAnswer([{ ...itemOf(entry('token', 't')), expiresAt: { S: 'soon' } }]),
    ],
    [
      'a watermark without notBefore',
      queryAnswer([{ pk: { S: 'user#sub-1' }, sk: { S: 'rev#user' }, expiresAt: { N: '4000000000' } }]),
    ],
    ['the same item twice', queryAnswer([itemOf(entry('token', 't')), itemOf(entry('token', 't'))])],
    ['a GetItem-shaped answer', { Item: itemOf(entry('token', 't')) }],
    [
      'a BatchGetItem-shaped answer',
      { Responses: { [TABLE]: [itemOf(entry('token', 't'))] }, UnprocessedKeys: {} },
    ],
  ];
  for (const [what, answer] of MALFORMED) {
    it(`an answer ${what} is StoreError('malformed'), not "nothing revoked"`, async () => {
      const fake = await scripted([reply(200, answer)]);
      try {
        const reader = createDynamoBlocklistReader({
          client: fake.client,
          tableName: TABLE,
          timeoutMs: ANSWERED_MS,
          maxAttempts: 3,
        });
        await expect(reader.readUser('sub-1')).rejects.toMatchObject({
          name: 'StoreError',
          kind: 'malformed',
        });
        expect(fake.seen).toHaveLength(1); // not retried: a wrong answer is not a transient failure
      } finally {
        await fake.stop();
      }
    });
  }

  it('throttling is retried within the deadline; ConsistentRead follows the option', async () => {
    const fake = await scripted([
      reply(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'slow down',
      }),
      reply(200, queryAnswer([itemOf(entry('token', 't'))])),
    ]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: ANSWERED_MS,
        maxAttempts: 2,
        consistentRead: false,
      });
      const found = await reader.readUser('sub-1');
      expect(found).toHaveLength(1);
      expect(fake.seen).toHaveLength(2);
      expect(fake.seen[0]?.body).toMatchObject({ ConsistentRead: false });
    } finally {
      await fake.stop();
    }
  });

  it('a throttled lookup stays "throttled" even when a later attempt times out (fail-open never applies)', async () => {
    const fake = await scripted([
      reply(400, { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'hot' }),
      () => {},
    ]);
    try {
      // The first attempt has half the deadline to carry the throttling answer back, however slow the box.
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 2000,
        maxAttempts: 2,
      });
      await expect(reader.readUser('sub-1')).rejects.toMatchObject({ kind: 'throttled' });
      expect(fake.seen).toHaveLength(2);
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
        timeoutMs: ANSWERED_MS,
        maxAttempts: 3,
      });
      await expect(reader.readUser('sub-1')).rejects.toMatchObject({ kind: 'denied' });
      expect(fake.seen).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });

  it('an answer failing its CRC32 check is not trusted', async () => {
    const fake = await scripted([
      reply(200, queryAnswer([itemOf(entry('token', 't'))]), { 'x-amz-crc32': '12345' }),
    ]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: ANSWERED_MS,
        maxAttempts: 2,
      });
      await expect(reader.readUser('sub-1')).rejects.toMatchObject({
        message: expect.stringContaining('CRC32'),
      });
    } finally {
      await fake.stop();
    }
  });

  it('a hanging first attempt leaves time for a second one within the deadline', async () => {
    const fake = await scripted([() => {}, reply(200, queryAnswer([]))]);
    try {
      const reader = createDynamoBlocklistReader({
        client: fake.client,
        tableName: TABLE,
        timeoutMs: 2000,
        maxAttempts: 2,
      });
      const started = performance.now();
      const found = await reader.readUser('sub-1');
      const elapsed = performance.now() - started;
      // The first attempt got half the deadline, the second the rest. A timer never fires early, so the lower
      // bound is exact; the upper one only has to tell "the second attempt answered" from "it waited the deadline
      // again" on a loaded box.
      expect(found).toEqual([]);
      expect(fake.seen).toHaveLength(2);
      expect(elapsed).toBeGreaterThanOrEqual(990);
      expect(elapsed).toBeLessThan(2000 + 2000);
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
        timeoutMs: 3000,
        maxAttempts: 3,
      });
      const started = performance.now();
      await expect(reader.readUser('sub-1')).rejects.toMatchObject({ kind: 'timeout' });
      const elapsed = performance.now() - started;
      // Three attempts of about 1 s each: every request reaches the server well inside its share on a loaded
      // box, and 2 s of lateness are allowed past the deadline. Shares taken from the whole deadline instead of
      // what is left of it would end after 1 + 1.5 + 3 = 5.5 s; a first attempt holding the whole deadline
      // would leave no time for the other two.
      expect(fake.seen).toHaveLength(3);
      expect(elapsed).toBeGreaterThanOrEqual(2990);
      expect(elapsed).toBeLessThan(3000 + 2000);
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
    const { crc32: ours } = await import('../../../lambdas/adapters/dynamodb/http-client.js');
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
