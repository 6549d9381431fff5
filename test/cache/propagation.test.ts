/**
 * After a revocation: the hint (against dynalite) and the flushes of API Gateway's authorizer cache (against a
 * loopback HTTP responder standing in for the API Gateway control plane: no emulator implements these calls).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSignedFlusher,
  flushPath,
  flusherOptionsFromEnv,
  parseFlushTargets,
} from '../../lambdas/adapters/apigateway/authorizer-cache.js';
import { createSdkFlushLeaseStore } from '../../lambdas/adapters/dynamodb/flush-lease.js';
import { createSdkHintStore } from '../../lambdas/adapters/dynamodb/hint-publisher.js';
import { createRevocationPropagation } from '../../lambdas/revocation/propagation.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../local/dynalite.js';

const TABLE = 'propagation';
let dynamo: LocalDynamo;
let server: Server;
let endpoint: URL;
const seen: { method: string; path: string; authorization: string; at: number }[] = [];
let statusFor: (path: string) => number = () => 202;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  server = createServer((req: IncomingMessage, res) => {
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: String(req.headers.authorization ?? ''),
      at: Date.now(),
    });
    const status = statusFor(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status >= 400 ? JSON.stringify({ message: 'Invalid stage identifier specified' }) : '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await dynamo.stop();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('CACHE_FLUSH_TARGETS', () => {
  it('parses REST and HTTP API stages; empty = none', () => {
    expect(parseFlushTargets('')).toEqual([]);
    expect(parseFlushTargets(undefined)).toEqual([]);
    expect(
      parseFlushTargets(
        '[{"api":"rest","apiId":"abc123","stage":"prod"},{"api":"http","apiId":"def456","stage":"$default"}]',
      ),
    ).toEqual([
      { api: 'rest', apiId: 'abc123', stage: 'prod' },
      { api: 'http', apiId: 'def456', stage: '$default' },
    ]);
  });

  it.each([
    ['not JSON', '{'],
    ['not an array', '{"api":"rest"}'],
    ['unknown api kind', '[{"api":"websocket","apiId":"a","stage":"s"}]'],
    ['bad api id', '[{"api":"rest","apiId":"../x","stage":"s"}]'],
    ['bad stage', '[{"api":"rest","apiId":"a","stage":"a/b"}]'],
    ['unknown key', '[{"api":"rest","apiId":"a","stage":"s","x":1}]'],
    ['duplicate', '[{"api":"rest","apiId":"a","stage":"s"},{"api":"rest","apiId":"a","stage":"s"}]'],
  ])('%s → a clear error', (_name, raw) => {
    expect(() => parseFlushTargets(raw)).toThrow(/CACHE_FLUSH_TARGETS/);
  });

  it('paths: FlushStageAuthorizersCache (REST) and ResetAuthorizersCache (HTTP API)', () => {
    expect(flushPath({ api: 'rest', apiId: 'abc', stage: 'prod' })).toBe(
      '/restapis/abc/stages/prod/cache/authorizers',
    );
    expect(flushPath({ api: 'http', apiId: 'abc', stage: '$default' })).toBe(
      '/v2/apis/abc/stages/%24default/cache/authorizers',
    );
  });

  it('the endpoint comes from AWS_ENDPOINT_URL_API_GATEWAY, else the regional one', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    expect(flusherOptionsFromEnv(env).endpoint.href).toBe('https://apigateway.eu-west-1.amazonaws.com/');
    expect(() =>
      flusherOptionsFromEnv({ ...env, AWS_ENDPOINT_URL_API_GATEWAY: 'http://example.com' }),
    ).toThrow();
  });
});

/** A fresh lease table per propagation, so that one test's flush numbers and spacing do not reach the next. */
let leaseTables = 0;
async function leases() {
  const table = `propagation-leases-${++leaseTables}`;
  await dynamo.createTable(table);
  return createSdkFlushLeaseStore({ client: dynamo.client, tableName: table });
}

describe('announce', () => {
  const targets = parseFlushTargets(
    '[{"api":"rest","apiId":"abc123","stage":"prod"},{"api":"http","apiId":"def456","stage":"$default"}]',
  );

  it('writes the hint and flushes every stage twice — at once and after the settle time (signed DELETE), ok when all succeeded', async () => {
    // Arrange
    seen.length = 0;
    statusFor = () => 202;
    const hints = createSdkHintStore({ client: dynamo.client, tableName: TABLE });
    const propagation = createRevocationPropagation({
      hints,
      flusher: createSignedFlusher({ region: 'us-east-1', endpoint, credentials: LOCAL_AWS.credentials }),
      targets,
      leases: await leases(),
      settleMs: 50,
      coordinator: { minIntervalMs: 0 },
    });
    const before = Date.now();
    // Act
    const report = await propagation.announce('alice');
    // Assert
    expect(report).toEqual({
      ok: true,
      hint: { written: true },
      flushes: [
        { target: 'rest:abc123/prod', ok: true, coveredBy: { flush: 2, own: true } },
        { target: 'http:def456/$default', ok: true, coveredBy: { flush: 2, own: true } },
      ],
    });
    expect(seen.map((s) => `${s.method} ${s.path}`).sort()).toEqual([
      'DELETE /restapis/abc123/stages/prod/cache/authorizers',
      'DELETE /restapis/abc123/stages/prod/cache/authorizers',
      'DELETE /v2/apis/def456/stages/%24default/cache/authorizers',
      'DELETE /v2/apis/def456/stages/%24default/cache/authorizers',
    ]);
    expect(seen[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/apigateway\/aws4_request/,
    );
    const page = await hints.since(before - 1, Date.now() + 1);
    expect(page.hints.map((h) => h.sub)).toEqual(['alice']);
  });

  it('a failed flush is reported per stage and makes the result not ok; the other stage still flushes', async () => {
    seen.length = 0;
    statusFor = (path) => (path.startsWith('/v2/') ? 404 : 202);
    const propagation = createRevocationPropagation({
      flusher: createSignedFlusher({ region: 'us-east-1', endpoint, credentials: LOCAL_AWS.credentials }),
      targets,
      leases: await leases(),
      settleMs: 0,
    });
    const report = await propagation.announce('alice');
    expect(report.ok).toBe(false);
    expect(report.flushes).toEqual([
      { target: 'rest:abc123/prod', ok: true, coveredBy: { flush: 1, own: true } },
      {
        target: 'http:def456/$default',
        ok: false,
        error: 'flush #1 failed after 1 attempt(s): HTTP 404: Invalid stage identifier specified',
      },
    ]);
  });

  it('a failed hint write is reported (written: false) and makes the result not ok', async () => {
    const propagation = createRevocationPropagation({
      hints: createSdkHintStore({ client: dynamo.client, tableName: 'missing-table' }),
    });
    const report = await propagation.announce('alice');
    expect(report.ok).toBe(false);
    expect(report.hint?.written).toBe(false);
    expect(report.hint?.error).toMatch(/ResourceNotFound/);
  });

  it('a revocation that changed nothing announces nothing; one that only extended entries in force: the hint alone', async () => {
    seen.length = 0;
    statusFor = () => 202;
    const hints = createSdkHintStore({ client: dynamo.client, tableName: TABLE });
    const propagation = createRevocationPropagation({
      hints,
      flusher: createSignedFlusher({ region: 'us-east-1', endpoint, credentials: LOCAL_AWS.credentials }),
      targets,
      leases: await leases(),
      settleMs: 0,
    });
    const before = Date.now();
    const nothing = await propagation.announce('carol', { changed: 'nothing' });
    expect(nothing).toEqual({
      ok: true,
      skipped: 'nothing changed: every entry was already stored',
      flushes: [],
    });
    expect((await hints.since(before - 1, Date.now() + 1)).hints.map((h) => h.sub)).not.toContain('carol');
    const extended = await propagation.announce('carol', { changed: 'extended' });
    expect(extended).toEqual({
      ok: true,
      hint: { written: true },
      flushes: [],
      skipped: 'no flush: only entries already in force were extended',
    });
    expect((await hints.since(before - 1, Date.now() + 1)).hints.map((h) => h.sub)).toContain('carol');
    expect(seen).toHaveLength(0);
  });

  it('flushing without a lease store is refused: flushes are never sent unshared', () => {
    expect(() =>
      createRevocationPropagation({
        flusher: createSignedFlusher({ region: 'us-east-1', endpoint, credentials: LOCAL_AWS.credentials }),
        targets,
      }),
    ).toThrow(/lease store/);
  });

  it('throttling is retried once', async () => {
    seen.length = 0;
    let calls = 0;
    statusFor = () => (++calls === 1 ? 429 : 202);
    const flusher = createSignedFlusher({
      region: 'us-east-1',
      endpoint,
      credentials: LOCAL_AWS.credentials,
    });
    await flusher.flush({ api: 'rest', apiId: 'abc123', stage: 'prod' });
    expect(seen).toHaveLength(2);
  });
});
