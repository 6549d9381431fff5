/**
 * A fault-injecting HTTP proxy on a loopback port in front of dynalite. Point a handler's
 * `AWS_ENDPOINT_URL_DYNAMODB` at `proxy.endpoint`; every request is forwarded to dynalite unless a fault applies to
 * its operation (the `X-Amz-Target` header, e.g. `DynamoDB_20120810.BatchGetItem`).
 *
 * Faults: `hang` (accept, never answer), `reset` (destroy the connection), `throttle` (400
 * ProvisionedThroughputExceededException), `throttling` (400 ThrottlingException), `http500` / `http503`,
 * `slow` (forward after `delayMs`), `malformed` (200 with a body that is not JSON), `truncated` (200 whose body stops
 * short of its Content-Length), `wrongShape` (200, valid JSON, an item of the wrong types), `unprocessed` (forwards
 * only part of a batch and answers the rest as `UnprocessedKeys` / `UnprocessedItems`, the way DynamoDB does under
 * load). Query answers that are not exactly what was asked: `paginated` (adds `LastEvaluatedKey`),
 * `noItems` (drops `Items`), `wrongCount` (a `Count` that is not the number of items), `foreignItem` (adds an item of
 * another partition), `outsideRange` (adds an item of the asked partition outside the `rev#` range); other operations
 * are forwarded unchanged by these. Responses the proxy rewrites carry a correct `x-amz-crc32`, so only the fault
 * itself is tested.
 *
 * Apart from the faults, `hold` keeps matching requests (and any retry of them) until the test calls `release()`: an
 * order of events fixed by the test rather than by a delay, which a loaded machine can outlast.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { crc32 } from 'node:zlib';

export type FaultKind =
  | 'hang'
  | 'reset'
  | 'throttle'
  | 'throttling'
  | 'http500'
  | 'http503'
  | 'slow'
  | 'malformed'
  | 'truncated'
  | 'wrongShape'
  | 'unprocessed'
  | 'paginated'
  | 'noItems'
  | 'wrongCount'
  | 'foreignItem'
  | 'outsideRange';

export const FAULT_KINDS: readonly FaultKind[] = [
  'hang',
  'reset',
  'throttle',
  'throttling',
  'http500',
  'http503',
  'slow',
  'malformed',
  'truncated',
  'wrongShape',
  'unprocessed',
  'paginated',
  'noItems',
  'wrongCount',
  'foreignItem',
  'outsideRange',
];

/** The Query-answer faults: answers that are not exactly what was asked. */
export const QUERY_SHAPE_FAULTS: readonly FaultKind[] = [
  'paginated',
  'noItems',
  'wrongCount',
  'foreignItem',
  'outsideRange',
];

export interface Fault {
  readonly kind: FaultKind;
  /** Operations it applies to (all when absent), e.g. ['BatchGetItem', 'GetItem']. */
  readonly operations?: readonly string[];
  /** Applies to this many matching requests, then the proxy forwards again (unlimited when absent). */
  readonly times?: number;
  /** `slow`: delay before forwarding. */
  readonly delayMs?: number;
  /** `unprocessed`: how many items or keys of each batch to hold back (all when absent). */
  readonly holdBack?: number;
  /** Applies only to requests whose body contains this text (e.g. `rev#session#`). */
  readonly bodyContains?: string;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Replaces the active fault (undefined: forward everything; requests still held by `hold` stay held). */
  set(fault: Fault | undefined): void;
  /** Holds the next `times` requests of one of `operations` (checked before the fault) until `release()`. */
  hold(rule: { readonly operations: readonly string[]; readonly times: number }): void;
  /**
   * Forwards every request `hold` is holding, in arrival order, and answers each with dynalite's answer; resolves
   * with how many were forwarded (a request whose caller has gone away meanwhile, e.g. an attempt that timed out
   * and was retried, is not forwarded).
   */
  release(): Promise<number>;
  /** Requests seen and faults injected, per fault kind. */
  readonly stats: { requests: number; injected: Record<string, number>; byOperation: Record<string, number> };
  stop(): Promise<void>;
}

const JSON_TYPE = 'application/x-amz-json-1.0';

function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    'x-amz-crc32': String(crc32(Buffer.from(body))),
    'x-amzn-requestid': 'fault-proxy',
    ...extra,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function reply(res: ServerResponse, upstream: Upstream, body = upstream.body): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (
      typeof value === 'string' &&
      !['content-length', 'x-amz-crc32', 'connection', 'transfer-encoding'].includes(name)
    ) {
      headers[name] = value;
    }
  }
  headers['content-length'] = String(body.length);
  headers['x-amz-crc32'] = String(crc32(body));
  res.writeHead(upstream.status, headers);
  res.end(body);
}

export async function startFaultProxy(targetEndpoint: string): Promise<FaultProxy> {
  const target = new URL(targetEndpoint);
  let fault: Fault | undefined;
  let remaining = Number.POSITIVE_INFINITY;
  const stats = {
    requests: 0,
    injected: {} as Record<string, number>,
    byOperation: {} as Record<string, number>,
  };
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let holdRule: { operations: readonly string[]; left: number } | undefined;
  /** Requests held by `hold`, with the operation and body that identify a retry of the same request. */
  const held: { key: string; forward: () => Promise<boolean> }[] = [];
  const hold = (key: string, req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    stats.injected.hold = (stats.injected.hold ?? 0) + 1;
    held.push({
      key,
      forward: async () => {
        if (res.destroyed) return false;
        reply(res, await forward(target, req, body));
        return true;
      },
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    stats.requests++;
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
    // A retry of a held request (the SDK sends the same body again when its attempt timed out) is held with it:
    // otherwise a slow machine's timeout would let the retry through before the release.
    const key = `${operation}\n${body.toString('utf8')}`;
    if (held.some((h) => h.key === key)) {
      hold(key, req, res, body);
      return;
    }
    if (holdRule && holdRule.left > 0 && holdRule.operations.includes(operation)) {
      holdRule.left--;
      hold(key, req, res, body);
      return;
    }
    const active = fault;
    const applies =
      active !== undefined &&
      remaining > 0 &&
      (!active.operations || active.operations.includes(operation)) &&
      (active.bodyContains === undefined || body.toString('utf8').includes(active.bodyContains));
    if (!applies || !active) {
      reply(res, await forward(target, req, body));
      return;
    }
    remaining--;
    stats.injected[active.kind] = (stats.injected[active.kind] ?? 0) + 1;
    switch (active.kind) {
      case 'hang':
        hanging.add(res);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'throttle':
        send(
          res,
          400,
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'The level of configured provisioned throughput for the table was exceeded.',
          }),
        );
        return;
      case 'throttling':
        send(
          res,
          400,
          JSON.stringify({
            __type: 'com.amazon.coral.availability#ThrottlingException',
            message: 'Rate exceeded',
          }),
        );
        return;
      case 'http500':
        send(
          res,
          500,
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: 'Internal server error',
          }),
        );
        return;
      case 'http503':
        send(res, 503, '<html>Service Unavailable</html>', { 'content-type': 'text/html' });
        return;
      case 'slow':
        await new Promise((r) => setTimeout(r, active.delayMs ?? 1000));
        if (!res.destroyed) reply(res, await forward(target, req, body));
        return;
      case 'malformed':
        send(res, 200, '{"Responses": {"blocklist": [ {"pk": ');
        return;
      case 'truncated': {
        const upstream = await forward(target, req, body);
        const full =
          upstream.body.length > 8 ? upstream.body : Buffer.from('{"Responses":{}, "UnprocessedKeys":{}}');
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': String(full.length) });
        res.write(full.subarray(0, Math.floor(full.length / 2)));
        setTimeout(() => req.socket.destroy(), 5);
        return;
      }
      case 'wrongShape': {
        const request = JSON.parse(body.toString('utf8')) as {
          TableName?: string;
          RequestItems?: Record<string, unknown>;
        };
        const table = request.TableName ?? Object.keys(request.RequestItems ?? {})[0] ?? 'table';
        const bad = { pk: { N: '12' }, sk: { S: 'revocation' }, expiresAt: { S: 'soon' } };
        send(
          res,
          200,
          JSON.stringify(
            request.TableName ? { Item: bad } : { Responses: { [table]: [bad] }, UnprocessedKeys: {} },
          ),
        );
        return;
      }
      case 'unprocessed':
        await unprocessed(active, operation, req, res, body);
        return;
      case 'paginated':
      case 'noItems':
      case 'wrongCount':
      case 'foreignItem':
      case 'outsideRange':
        await queryShape(active.kind, operation, req, res, body);
        return;
    }
  };

  /** Forwards a Query and rewrites its answer into one that is not exactly what was asked. */
  const queryShape = async (
    kind: FaultKind,
    operation: string,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ) => {
    const upstream = await forward(target, req, body);
    if (operation !== 'Query' || upstream.status !== 200) {
      reply(res, upstream);
      return;
    }
    const request = JSON.parse(body.toString('utf8')) as {
      ExpressionAttributeValues?: Record<string, { S?: string }>;
    };
    const pk = request.ExpressionAttributeValues?.[':pk']?.S ?? 'user#x';
    const answer = JSON.parse(upstream.body.toString('utf8')) as {
      Items?: unknown[];
      Count?: number;
      LastEvaluatedKey?: unknown;
    };
    const items = answer.Items ?? [];
    const extra = (itemPk: string, sk: string) => ({
      pk: { S: itemPk },
      sk: { S: sk },
      revokedAt: { N: '1' },
      expiresAt: { N: '4000000000' },
    });
    switch (kind) {
      case 'paginated':
        answer.LastEvaluatedKey = { pk: { S: pk }, sk: { S: 'rev#token#zzz' } };
        break;
      case 'noItems':
        delete answer.Items;
        break;
      case 'wrongCount':
        answer.Count = items.length + 1;
        break;
      case 'foreignItem':
        answer.Items = [...items, extra('user#someone-else', 'rev#token#x')];
        answer.Count = items.length + 1;
        break;
      case 'outsideRange':
        answer.Items = [...items, extra(pk, 'session#x')];
        answer.Count = items.length + 1;
        break;
    }
    send(res, 200, JSON.stringify(answer));
  };

  /** Forwards part of a batch; answers the rest as unprocessed. Non-batch operations are forwarded unchanged. */
  const unprocessed = async (
    active: Fault,
    operation: string,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ) => {
    const request = JSON.parse(body.toString('utf8')) as { RequestItems?: Record<string, unknown> };
    if ((operation !== 'BatchGetItem' && operation !== 'BatchWriteItem') || !request.RequestItems) {
      reply(res, await forward(target, req, body));
      return;
    }
    const forwarded: Record<string, unknown> = {};
    const held: Record<string, unknown> = {};
    for (const [table, spec] of Object.entries(request.RequestItems)) {
      const batch = operation === 'BatchGetItem';
      const list = ((batch ? (spec as { Keys?: unknown[] }).Keys : spec) ?? []) as unknown[];
      const shaped = (items: unknown[]) => (batch ? { ...(spec as object), Keys: items } : items);
      const hold = Math.min(list.length, active.holdBack ?? list.length);
      const keep = list.slice(hold);
      const back = list.slice(0, hold);
      if (keep.length) forwarded[table] = shaped(keep);
      if (back.length) held[table] = shaped(back);
    }
    let answer: Record<string, unknown>;
    if (Object.keys(forwarded).length === 0) {
      answer = operation === 'BatchGetItem' ? { Responses: {} } : {};
    } else {
      const upstream = await forward(
        target,
        req,
        Buffer.from(JSON.stringify({ ...request, RequestItems: forwarded })),
      );
      if (upstream.status !== 200) {
        reply(res, upstream);
        return;
      }
      answer = JSON.parse(upstream.body.toString('utf8')) as Record<string, unknown>;
    }
    const field = operation === 'BatchGetItem' ? 'UnprocessedKeys' : 'UnprocessedItems';
    answer[field] = { ...((answer[field] as object | undefined) ?? {}), ...held };
    send(res, 200, JSON.stringify(answer));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ __type: 'ProxyError', message: 'fault proxy failed' }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    set(next) {
      fault = next;
      remaining = next?.times ?? Number.POSITIVE_INFINITY;
      if (!next) {
        for (const res of hanging) res.destroy();
        hanging.clear();
      }
    },
    hold(rule) {
      holdRule = { operations: rule.operations, left: rule.times };
    },
    async release() {
      let forwarded = 0;
      for (const next of held.splice(0)) if (await next.forward()) forwarded++;
      return forwarded;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
