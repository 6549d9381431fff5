// Every AWS SDK client of the functions gives up on an endpoint that accepts the connection and never answers:
// the SDK's requestTimeout alone only warns and keeps waiting, which held an invocation until Lambda ended it.
import { createServer, type Server, type Socket } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedRequests } from '../../../lambdas/adapters/aws/request-timeouts.js';

const LAMBDAS = join(import.meta.dirname, '..', '..', '..', 'lambdas');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('an endpoint that never answers', () => {
  let server: Server;
  let endpoint: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts every connection, reads the request, never writes a byte.
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a client built with boundedRequests rejects with the request timeout instead of waiting forever', async () => {
    // Arrange
    const client = new DynamoDBClient({
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: boundedRequests(500, 300),
    });

    // Act / Assert: without throwOnRequestTimeout this promise never settles and the test times out.
    await expect(client.send(new DescribeTableCommand({ TableName: 'blocklist' }))).rejects.toThrow(
      /requestTimeout/,
    );
    client.destroy();
  });
});

describe('the functions’ SDK clients', () => {
  it('every requestHandler of an SDK client under lambdas/ is boundedRequests(...)', () => {
    // Arrange
    const handlers = sources(LAMBDAS).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/requestHandler:\s*([^\n]*)/g)].map((m) => ({
        file,
        value: m[1] ?? '',
      })),
    );

    // Assert: the functions build SDK clients in several places; each one is bounded the same way.
    expect(handlers.length).toBeGreaterThanOrEqual(7);
    for (const { file, value } of handlers) expect(value, file).toMatch(/^boundedRequests\(/);
  });
});
