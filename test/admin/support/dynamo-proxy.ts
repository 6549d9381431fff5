/**
 * A loopback proxy in front of dynalite that counts DynamoDB operations, can make BatchWriteItem answer with
 * `UnprocessedItems` and any operation answer with a throughput error, as DynamoDB does under throttling (dynalite
 * never does). Requests and responses are otherwise
 * passed through untouched; a modified response drops `x-amz-crc32` (the SDK checks it only when present).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';

export interface DynamoProxyOptions {
  /** How many BatchWriteItem calls answer with part of their items unprocessed (default 0). */
  readonly unprocessedBatchWrites?: number;
  /** How many items each such call leaves unprocessed (default: half, rounded up). */
  readonly unprocessedPerCall?: number;
}

export interface DynamoProxy {
  readonly endpoint: string;
  /** Calls seen per operation, e.g. `{ BatchWriteItem: 40, Query: 1 }`. */
  readonly calls: Record<string, number>;
  /** Items handed back as unprocessed so far. */
  unprocessedItems(): number;
  /** Makes the next `calls` BatchWriteItem calls leave items unprocessed. */
  leaveUnprocessed(calls: number): void;
  /** Answers the next `calls` calls of `operation` with ProvisionedThroughputExceededException (as DynamoDB does). */
  throttle(operation: string, calls: number): void;
  /**
   * Answers the next `calls` calls of `operation` whose request `matches` with success (`{}`) WITHOUT forwarding
   * them: a write that "returned" but is not in the table (as a lost write, or an answer from another replica, looks
   * to the writer). Only the read-back can tell.
   */
  acknowledgeWithoutWriting(
    operation: string,
    calls: number,
    matches?: (request: Record<string, unknown>) => boolean,
  ): void;
  reset(): void;
  stop(): Promise<void>;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startDynamoProxy(
  target: string,
  options: DynamoProxyOptions = {},
): Promise<DynamoProxy> {
  const upstream = new URL(target);
  const calls: Record<string, number> = {};
  let unprocessedLeft = options.unprocessedBatchWrites ?? 0;
  let unprocessedTotal = 0;
  const throttled: Record<string, number> = {};
  const dropped: {
    operation: string;
    left: number;
    matches: (request: Record<string, unknown>) => boolean;
  }[] = [];

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
      (resolve, reject) => {
        const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
        const out = httpRequest(
          { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
          async (res) =>
            resolve({ status: res.statusCode ?? 500, headers: res.headers, body: await readBody(res) }),
        );
        out.on('error', reject);
        out.end(body);
      },
    );

  const server: Server = createServer(async (req, res) => {
    try {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      calls[operation] = (calls[operation] ?? 0) + 1;
      let body = await readBody(req);
      if ((throttled[operation] ?? 0) > 0) {
        throttled[operation] = (throttled[operation] ?? 0) - 1;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'throttled by the test proxy',
          }),
        );
        return;
      }
      const drop = dropped.find(
        (d) => d.operation === operation && d.left > 0 && d.matches(JSON.parse(body.toString('utf8'))),
      );
      if (drop) {
        drop.left--;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{}');
        return;
      }
      let held: Record<string, unknown[]> | undefined;
      if (operation === 'BatchWriteItem' && unprocessedLeft > 0) {
        unprocessedLeft--;
        const parsed = JSON.parse(body.toString('utf8')) as { RequestItems: Record<string, unknown[]> };
        held = {};
        for (const [table, requests] of Object.entries(parsed.RequestItems)) {
          const keep = Math.max(
            0,
            requests.length - (options.unprocessedPerCall ?? Math.ceil(requests.length / 2)),
          );
          held[table] = requests.slice(keep);
          parsed.RequestItems[table] = requests.slice(0, keep);
          unprocessedTotal += held[table].length;
          if (keep === 0) delete parsed.RequestItems[table];
        }
        body = Buffer.from(JSON.stringify(parsed));
      }
      const hasWork =
        !held ||
        Object.keys((JSON.parse(body.toString('utf8')) as { RequestItems: object }).RequestItems).length > 0;
      const upstreamResponse = hasWork
        ? await forward(req, body)
        : {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Buffer.from('{"UnprocessedItems":{}}'),
          };
      let responseBody = upstreamResponse.body;
      const headers = { ...upstreamResponse.headers };
      if (held && upstreamResponse.status === 200) {
        const parsed = JSON.parse(responseBody.toString('utf8')) as {
          UnprocessedItems?: Record<string, unknown[]>;
        };
        const unprocessed = parsed.UnprocessedItems ?? {};
        for (const [table, requests] of Object.entries(held)) {
          if (requests.length) unprocessed[table] = [...(unprocessed[table] ?? []), ...requests];
        }
        parsed.UnprocessedItems = unprocessed;
        responseBody = Buffer.from(JSON.stringify(parsed));
        delete headers['x-amz-crc32'];
      }
      headers['content-length'] = String(responseBody.length);
      res.writeHead(upstreamResponse.status, headers);
      res.end(responseBody);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: String(error),
        }),
      );
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    unprocessedItems: () => unprocessedTotal,
    acknowledgeWithoutWriting(operation, n, matches = () => true) {
      dropped.push({ operation, left: n, matches });
    },
    leaveUnprocessed(n) {
      unprocessedLeft = n;
    },
    throttle(operation, n) {
      throttled[operation] = n;
    },
    reset() {
      for (const k of Object.keys(calls)) delete calls[k];
      unprocessedTotal = 0;
    },
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
