/**
 * The lean DynamoDB client and a keep-alive socket the server closed while it sat in the pool: the next request on
 * it fails with ECONNRESET before any answer. A read is resent on a fresh socket within the same deadline; a write is
 * not (one that did arrive must not be applied twice). The server here is a raw TCP server that answers the first
 * request on each connection and resets the connection on the second, which makes the race deterministic (no
 * emulator closes sockets on demand).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../../lambdas/core/ports.js';
import {
  createDynamoHttpClient,
  type DynamoHttpClient,
} from '../../../lambdas/adapters/dynamodb/http-client.js';
import { LOCAL_AWS } from '../../../local/dynalite.js';

let server: Server;
let client: DynamoHttpClient;
let connections = 0;
let answered = 0;

function answer(socket: Socket): void {
  const body = JSON.stringify({ Items: [], Count: 0 });
  socket.write(
    `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`,
  );
  answered++;
}

beforeEach(async () => {
  connections = 0;
  answered = 0;
  server = createServer((socket) => {
    connections++;
    let requests = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      // One request is complete once its headers and its content-length of body have arrived.
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        requests++;
        if (requests === 1) answer(socket);
        else {
          socket.resetAndDestroy();
          return;
        }
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  client = createDynamoHttpClient({
    region: LOCAL_AWS.region,
    endpoint: new URL(`http://127.0.0.1:${address.port}`),
    credentials: LOCAL_AWS.credentials,
  });
});

afterEach(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a pooled keep-alive socket the server has closed', () => {
  it('a read is resent on a fresh socket and answers', async () => {
    // Arrange: one answered request leaves its socket in the pool
    await client.call('Query', { TableName: 't' }, undefined, 2000);

    // Act: the second request goes out on that socket, which the server resets
    const result = await client.call<{ Count: number }>('Query', { TableName: 't' }, undefined, 2000);

    // Assert
    expect(result.Count).toBe(0);
    expect(connections).toBe(2);
    expect(answered).toBe(2);
  });

  it('a write is not resent: it fails as unavailable, and nothing is sent twice', async () => {
    // Arrange
    await client.call('Query', { TableName: 't' }, undefined, 2000);

    // Act
    const error = await client
      .call('PutItem', { TableName: 't', Item: {} }, undefined, 2000)
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).kind).toBe('unavailable');
    expect(connections).toBe(1);
    expect(answered).toBe(1);
  });
});
