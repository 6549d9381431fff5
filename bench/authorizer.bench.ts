/**
 * Authorizer benchmark — every figure printed next to the baseline measured in the same run.
 *
 * 1. CPU per decision: bare aws-jwt-verify `verify()` vs the full authorizer decision (event parsing, strict token
 *    checks, verification, key derivation, one lookup in an in-process blocklist, decision, response, and the
 *    decision line (log + EMF) written by the shipped writer into a real pipe drained by another process, as a
 *    Lambda writes to its stdout pipe).
 *    Also the decision with the real lean DynamoDB client against a canned responder in another process.
 * 2. Store round trips per uncached decision, counted at the wire (an HTTP proxy in front of dynalite).
 * 3. Cold start, whole process: spawn → first decision, JWKS served on loopback, table in dynalite, for the
 *    authorizer bundle vs a bare-verifier bundle (and vs the rejected verifier + @aws-sdk/client-dynamodb option).
 * 4. Bundle sizes.
 *
 * Run: npm run bench authorizer   (builds first; BENCH_CPU_ONLY=1 stops after the CPU figures)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { build } from 'esbuild';
import {
  revocationsFromQuery,
  revocationToItem,
  userRevocationsQuery,
} from '../lambdas/adapters/dynamodb/schema.js';
import { createAuthorizerFromEnvironment } from '../lambdas/authorizer/index.js';
import { stdoutLineWriter } from '../lambdas/authorizer/decision-record.js';
import type { RevocationReader } from '../lambdas/core/ports.js';
import type { RevocationEntry } from '../lambdas/core/revocation.js';
import { LOCAL_AWS, startDynalite } from '../local/dynalite.js';
import { BASELINE_COMMIT, buildBaselineAuthorizer } from './baseline-bundle.js';
import { cpuBreakdown, STEPS } from './decision-breakdown.js';
import { restTokenEvent } from '../test/fixtures/authorizer-events.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import {
  nowSeconds,
  signAccessToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
  testJwks,
} from '../test/fixtures/tokens.js';

const ROOT = join(__dirname, '..');
const AUTHORIZER_BUNDLE = join(ROOT, 'dist', 'authorizer', 'index.js');
const TABLE = 'bench-blocklist';
const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 15);
const CPU_ITERATIONS = Number(process.env.BENCH_CPU_ITERATIONS ?? 1000);
const WARMUP = 5000;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);

/** The environment the Terraform module gives the function (defaults for everything optional). */
function deployedEnv(jwksUri: string, dynamoEndpoint: string): NodeJS.ProcessEnv {
  return {
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwksUri,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE12',
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    // Lambda's session tokens are long; sign with one of realistic size.
    AWS_SESSION_TOKEN: 'x'.repeat(900),
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
  };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Tokens as the authorizer sees them in production: access tokens with all four revocation keys. */
function tokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    signAccessToken({ jti: `jti-${i}`, origin_jti: `origin-${i % 10}`, revocation_sid: `sid-${i}` }),
  );
}

/** A named pipe drained by `cat > /dev/null` in another process: a write costs what a write to Lambda's stdout pipe does. */
async function openDrainedPipe(): Promise<{ fd: number; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'authorizer-bench-pipe-'));
  const fifo = join(dir, 'stdout');
  execFileSync('mkfifo', [fifo]);
  const drain = spawn('sh', ['-c', 'cat "$0" > /dev/null', fifo], { stdio: 'ignore' });
  const fd = openSync(fifo, 'w'); // blocks until the reader has opened it
  return {
    fd,
    close: async () => {
      closeSync(fd);
      await new Promise((resolve) => drain.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The in-process store: a Map lookup per key, counting lookups (one per decision expected). */
function inProcessBlocklist(entries: RevocationEntry[]): RevocationReader & { lookups(): number } {
  const bySub = new Map<string, RevocationEntry[]>();
  for (const e of entries) bySub.set(e.sub, [...(bySub.get(e.sub) ?? []), e]);
  let lookups = 0;
  return {
    lookups: () => lookups,
    async readUser(sub) {
      lookups++;
      return bySub.get(sub) ?? [];
    },
  };
}

async function cpuPerDecision(jwksUri: string) {
  const pool = tokens(100);
  const bare = CognitoJwtVerifier.create({
    userPoolId: TEST_USER_POOL_ID,
    clientId: [TEST_CLIENT_ID],
    tokenUse: null,
  });
  bare.cacheJwks(testJwks() as never);

  const pipe = await openDrainedPipe();
  const write = stdoutLineWriter(pipe.fd, () => ({ fd: pipe.fd, write: () => true }) as never);
  const blocklist = inProcessBlocklist([
    {
      sub: 'someone-else',
      scope: 'user',
      id: 'someone-else',
      notBefore: nowSeconds(),
      revokedAt: 1,
      expiresAt: nowSeconds() + 3600,
    },
  ]);
  // Built exactly as the handler builds it from its environment, with the in-process blocklist swapped in and the
  // shipped stdout writer aimed at a pipe instead of this process's own stdout.
  const full = createAuthorizerFromEnvironment(deployedEnv(jwksUri, 'http://127.0.0.1:9'), {
    reader: blocklist,
    write,
  });
  // The previous release's authorizer, built from its environment the same way, writing into the same pipe.
  const baselineDir = mkdtempSync(join(tmpdir(), 'authorizer-bench-baseline-'));
  const previousModule = require(await buildBaselineAuthorizer(baselineDir)) as {
    createAuthorizerFromEnvironment: typeof createAuthorizerFromEnvironment;
  };
  const previous = previousModule.createAuthorizerFromEnvironment(
    deployedEnv(jwksUri, 'http://127.0.0.1:9'),
    {
      reader: blocklist,
      write,
    },
  );
  const events = pool.map((t) => restTokenEvent(`Bearer ${t}`));
  for (let i = 0; i < WARMUP; i++) await previous(events[i % events.length]);
  // Warm up both paths (JIT tiers, JWKS fetched once over loopback) and check the full path allows.
  for (let i = 0; i < WARMUP; i++) {
    await bare.verify(pool[i % pool.length] as string);
    const r = (await full(events[i % events.length])) as { policyDocument?: unknown };
    if (!r.policyDocument) throw new Error('benchmark authorizer did not allow a valid token');
  }

  const lookupsBefore = blocklist.lookups() - WARMUP; // the previous release's warm-up read it too
  // Each full round runs right after its bare round: their ratio cancels the machine's drifting load. The steps of
  // the breakdown run in the same rounds.
  const breakdown = await cpuBreakdown({
    verifier: bare,
    tokens: pool,
    events,
    reader: blocklist,
    write,
    full,
    previous,
    rounds: CPU_ROUNDS,
    iterations: CPU_ITERATIONS,
  });
  await pipe.close();
  rmSync(baselineDir, { recursive: true, force: true });
  // Counted over the warm-up's full decisions (the breakdown's own store-read step reads the blocklist too).
  const lookupsPerDecision = lookupsBefore / WARMUP;
  return {
    bare: breakdown.medians.bare as number,
    full: breakdown.medians.full as number,
    ratio: breakdown.ratio,
    ratios: breakdown.ratios,
    previousRatio: breakdown.previousRatio,
    medians: breakdown.medians,
    lookupsPerDecision,
  };
}

/** A canned DynamoDB responder in its own process, so its CPU is not counted in ours. */
async function startCannedDynamo(): Promise<{ endpoint: string; child: ChildProcess }> {
  const code = `
    const { crc32 } = require('node:zlib');
    const body = JSON.stringify({ Items: [], Count: 0, ScannedCount: 0 });
    const crc = String(crc32(body));
    const server = require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': crc }); res.end(body); });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (d) => resolve(String(d).trim())),
  );
  return { endpoint: `http://127.0.0.1:${port}`, child };
}

/** The rejected option as a reader: the AWS SDK's DynamoDB client doing the same one-round-trip lookup. */
function sdkBlocklist(endpoint: string): RevocationReader & { destroy(): void } {
  const client = new DynamoDBClient({
    region: LOCAL_AWS.region,
    endpoint,
    credentials: { ...LOCAL_AWS.credentials, sessionToken: 'x'.repeat(900) },
    maxAttempts: 2,
  });
  return {
    destroy: () => client.destroy(),
    async readUser(sub) {
      const out = await client.send(new QueryCommand(userRevocationsQuery(TABLE, sub, true)));
      return revocationsFromQuery(sub, {
        Items: out.Items,
        Count: out.Count,
        LastEvaluatedKey: out.LastEvaluatedKey,
      });
    },
  };
}

/** Per-decision CPU of the whole deployed path, the table being a canned responder in another process. */
/** The canned table inside the bench process (cold-start runs: the bench process only waits for its children). */
async function startInProcessCannedDynamo(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const body = JSON.stringify({ Items: [], Count: 0, ScannedCount: 0 });
  const crc = String(crc32(body));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': crc });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function cpuWithStoreClients(jwksUri: string) {
  const canned = await startCannedDynamo();
  const pool = tokens(100);
  const pipe = await openDrainedPipe();
  const write = stdoutLineWriter(pipe.fd, () => ({ fd: pipe.fd, write: () => true }) as never);
  // The deployed code path end to end: environment → lean SigV4 client → BatchGetItem over keep-alive HTTP.
  const lean = createAuthorizerFromEnvironment(deployedEnv(jwksUri, canned.endpoint), { write });
  const sdkReader = sdkBlocklist(canned.endpoint);
  const sdk = createAuthorizerFromEnvironment(deployedEnv(jwksUri, canned.endpoint), {
    write,
    reader: sdkReader,
  });
  const events = pool.map((t) => restTokenEvent(`Bearer ${t}`));
  for (let i = 0; i < 1000; i++) {
    await lean(events[i % events.length]);
    await sdk(events[i % events.length]);
  }
  const leanRounds: number[] = [];
  const sdkRounds: number[] = [];
  const iterations = Math.max(200, Math.floor(CPU_ITERATIONS / 4));
  for (let round = 0; round < CPU_ROUNDS; round++) {
    let start = cpuMicros();
    for (let i = 0; i < iterations; i++) await lean(events[i % events.length]);
    leanRounds.push((cpuMicros() - start) / iterations);
    start = cpuMicros();
    for (let i = 0; i < iterations; i++) await sdk(events[i % events.length]);
    sdkRounds.push((cpuMicros() - start) / iterations);
  }
  await pipe.close();
  sdkReader.destroy();
  canned.child.kill();
  return { lean: median(leanRounds), sdk: median(sdkRounds) };
}

/** A counting HTTP proxy in front of dynalite: round trips as the table sees them. */
async function countingProxy(
  target: string,
): Promise<{ endpoint: string; count(): number; stop(): Promise<void> }> {
  let requests = 0;
  const url = new URL(target);
  const server: Server = createServer((req, res) => {
    requests++;
    const upstream = httpRequest(
      { hostname: url.hostname, port: url.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function roundTrips(jwksUri: string, dynamoEndpoint: string) {
  const proxy = await countingProxy(dynamoEndpoint);
  const full = createAuthorizerFromEnvironment(deployedEnv(jwksUri, proxy.endpoint), { write: () => {} });
  const shapes: [string, Record<string, unknown>][] = [
    ['1 key (sub only)', { jti: undefined }],
    ['2 keys (sub, jti)', {}],
    ['3 keys (sub, origin_jti, jti)', { origin_jti: 'o-rt' }],
    ['4 keys (sub, origin_jti, session, jti)', { origin_jti: 'o-rt', revocation_sid: 's-rt' }],
  ];
  const perShape: { shape: string; decisions: number; requests: number }[] = [];
  for (const [shape, claims] of shapes) {
    const before = proxy.count();
    const n = 50;
    for (let i = 0; i < n; i++) {
      const token = signAccessToken({ jti: `rt-${shape.length}-${i}`, ...claims });
      const r = (await full(restTokenEvent(token))) as { policyDocument?: unknown };
      if (!r.policyDocument) throw new Error('round-trip benchmark: decision was not an allow');
    }
    perShape.push({ shape, decisions: n, requests: proxy.count() - before });
  }
  await proxy.stop();
  return perShape;
}

const DRIVER = `
const started = Date.now();
const { handler } = require(process.env.BENCH_BUNDLE);
handler(JSON.parse(process.env.BENCH_EVENT)).then(
  (r) => { const u = process.cpuUsage(); process.stdout.write('\\nBENCH_DONE ' + (r && (r.policyDocument || r.isAuthorized) ? 'allow' : 'deny') + ' ' + (u.user + u.system) + '\\n'); },
  (e) => { process.stdout.write('\\nBENCH_DONE error ' + e.message + '\\n'); },
);`;

/** The baseline: aws-jwt-verify alone, fetching the same JWKS from the same loopback server. */
const BARE_ENTRY = `
import { request } from 'node:http';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
const fetcher = { fetch: () => new Promise((resolve, reject) => {
  request(process.env.JWKS_URI, (res) => { const c = []; res.on('data', (d) => c.push(d)); res.on('end', () => { const b = Buffer.concat(c); resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); }); }).on('error', reject).end();
}) };
let verifier;
export async function handler(event) {
  verifier ??= CognitoJwtVerifier.create(
    { userPoolId: process.env.USER_POOL_ID, clientId: process.env.CLIENT_IDS.split(','), tokenUse: null },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  await verifier.verify(event.authorizationToken.replace(/^Bearer /i, ''));
  return { policyDocument: {} };
}`;

/** The rejected option: the verifier plus the AWS SDK's DynamoDB client doing the same single lookup. */
const SDK_ENTRY = `
import { request } from 'node:http';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
const fetcher = { fetch: () => new Promise((resolve, reject) => {
  request(process.env.JWKS_URI, (res) => { const c = []; res.on('data', (d) => c.push(d)); res.on('end', () => { const b = Buffer.concat(c); resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); }); }).on('error', reject).end();
}) };
let verifier; let client;
export async function handler(event) {
  verifier ??= CognitoJwtVerifier.create(
    { userPoolId: process.env.USER_POOL_ID, clientId: process.env.CLIENT_IDS.split(','), tokenUse: null },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  client ??= new DynamoDBClient({});
  const claims = await verifier.verify(event.authorizationToken.replace(/^Bearer /i, ''));
  const out = await client.send(new QueryCommand({ TableName: process.env.TABLE_NAME, ConsistentRead: true,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :rev)', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    ExpressionAttributeValues: { ':pk': { S: 'user#' + claims.sub }, ':rev': { S: 'rev#' } } }));
  return (out.Items ?? []).length === 0 ? { policyDocument: {} } : undefined;
}`;

async function bundle(dir: string, name: string, source: string): Promise<string> {
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(entry, source);
  const outfile = join(dir, name, 'index.js');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    nodePaths: [join(ROOT, 'node_modules')],
    absWorkingDir: ROOT,
  });
  return outfile;
}

/** Wall ms from spawn to the decision, and the child's own CPU ms up to it (steadier on a loaded machine). */
function coldStart(
  driver: string,
  bundlePath: string,
  env: NodeJS.ProcessEnv,
  event: unknown,
): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [driver], {
      env: { ...env, BENCH_BUNDLE: bundlePath, BENCH_EVENT: JSON.stringify(event) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let done = false;
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /BENCH_DONE (\S+) (\d+)\n/.exec(out);
      if (m && !done) {
        done = true;
        const elapsed = performance.now() - started;
        child.kill();
        if (m[1] !== 'allow') reject(new Error(`cold start run did not allow: ${out.slice(-300)}`));
        else resolve({ wall: elapsed, cpu: Number(m[2]) / 1000 });
      }
    });
    child.on('exit', () => {
      if (!done) reject(new Error(`cold start child exited without deciding: ${out.slice(-300)}`));
    });
  });
}

async function main() {
  const jwks = await startJwksServer();
  const dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  await dynamo.client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: revocationToItem({
        sub: 'someone-else',
        scope: 'user',
        id: 'someone-else',
        notBefore: 1,
        revokedAt: 1,
        expiresAt: 4e9,
      }) as never,
    }),
  );
  const work = mkdtempSync(join(tmpdir(), 'authorizer-bench-'));
  try {
    console.log(`node ${process.version}, ${process.platform}/${process.arch}`);

    // 1. CPU per decision
    const cpu = await cpuPerDecision(jwks.uri);
    const clients = await cpuWithStoreClients(jwks.uri);
    console.log(
      `\nCPU per decision (process.cpuUsage; ${CPU_ROUNDS} rounds x ${CPU_ITERATIONS} decisions each, bare and full alternating)`,
    );
    console.log(`  bare aws-jwt-verify verify()                         ${fmt(cpu.bare).padStart(7)} µs`);
    console.log(`  full authorizer decision, in-process blocklist       ${fmt(cpu.full).padStart(7)} µs`);
    console.log(
      `  ratio full / bare (median of per-round ratios)       ${fmt(cpu.ratio, 2).padStart(7)} x   (target <= 1.3; rounds ${fmt(Math.min(...cpu.ratios), 2)}–${fmt(Math.max(...cpu.ratios), 2)})`,
    );
    console.log(
      `  previous release (${BASELINE_COMMIT}), same rounds      ${fmt(cpu.medians.previous as number).padStart(7)} µs   ${fmt(cpu.previousRatio as number, 2)} x bare (median of per-round ratios)`,
    );
    console.log(
      '  per-decision breakdown, each step timed alone in the same rounds (median µs; share of bare verify):',
    );
    let sum = 0;
    for (const step of STEPS) {
      const us = cpu.medians[step] as number;
      sum += us;
      console.log(`    ${step.padEnd(48)} ${fmt(us, 2).padStart(7)} µs   ${fmt(us / cpu.bare, 2)} x bare`);
    }
    console.log(
      `    ${'sum of the steps'.padEnd(48)} ${fmt(sum, 2).padStart(7)} µs   ${fmt(sum / cpu.bare, 2)} x bare (the whole decision: ${fmt(cpu.full, 2)} µs; the rest is the async plumbing between steps)`,
    );
    console.log(
      '  with the table over HTTP (canned DynamoDB responder in another process; includes the loopback TCP stack):',
    );
    console.log(
      `    full decision, lean SigV4 client (as deployed)     ${fmt(clients.lean).padStart(7)} µs   ${fmt(clients.lean / cpu.bare, 2)} x bare`,
    );
    console.log(
      `    full decision, @aws-sdk/client-dynamodb reader     ${fmt(clients.sdk).padStart(7)} µs   ${fmt(clients.sdk / cpu.bare, 2)} x bare`,
    );
    console.log(
      `  blocklist lookups per decision (in-process)          ${fmt(cpu.lookupsPerDecision, 3).padStart(7)}`,
    );

    if (process.env.BENCH_CPU_ONLY) return; // iterate on the CPU figures alone

    // 2. Round trips at the wire
    const trips = await roundTrips(jwks.uri, dynamo.endpoint);
    console.log(
      '\nStore round trips per uncached decision (HTTP requests counted by a proxy in front of dynalite)',
    );
    for (const t of trips) {
      console.log(
        `  ${t.shape.padEnd(42)} ${t.requests} requests / ${t.decisions} decisions = ${fmt(t.requests / t.decisions, 2)}`,
      );
    }

    // 3. Cold start
    const driver = join(work, 'driver.js');
    writeFileSync(driver, DRIVER);
    const bare = await bundle(work, 'bare-verifier', BARE_ENTRY);
    const sdk = await bundle(work, 'verifier-sdk', SDK_ENTRY);
    // The table is a canned responder in this (otherwise idle) bench process, next to the JWKS server: both bundles
    // then depend on the same two processes, and the figure is our code's cold path, not the emulator's speed
    // (the round trip itself is still made).
    const canned = await startInProcessCannedDynamo();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: TABLE,
      JWKS_URI: jwks.uri,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: canned.endpoint,
    };
    const token = signAccessToken({ origin_jti: 'o-cold', revocation_sid: 's-cold' });
    const event = restTokenEvent(`Bearer ${token}`);
    const empty = join(work, 'empty.js');
    writeFileSync(
      empty,
      "const u = process.cpuUsage(); process.stdout.write('BENCH_DONE allow ' + (u.user + u.system) + '\\n')",
    );
    const variants: [string, string, string][] = [
      ['node', empty, ''],
      ['bare', driver, bare],
      ['authorizer', driver, AUTHORIZER_BUNDLE],
      ['sdk', driver, sdk],
    ];
    const wall: Record<string, number[]> = {};
    const cpuMs: Record<string, number[]> = {};
    // Warm the OS file cache once per bundle, then interleave the variants.
    for (const [, script, bundlePath] of variants) await coldStart(script, bundlePath, env, event);
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const [name, script, bundlePath] of variants) {
        const run = await coldStart(script, bundlePath, env, event);
        wall[name] = [...(wall[name] ?? []), run.wall];
        cpuMs[name] = [...(cpuMs[name] ?? []), run.cpu];
      }
    }
    await canned.stop();
    const w = (name: string) => median(wall[name] ?? []);
    const c = (name: string) => median(cpuMs[name] ?? []);
    console.log(
      `\nCold start, whole process: spawn → first decision (median of ${COLD_RUNS} runs each, interleaved;`,
    );
    console.log(
      '  JWKS served on loopback and table = canned DynamoDB responder, both in the bench process)',
    );
    console.log(
      '                                                          wall (ratio)        child CPU (ratio)',
    );
    const row = (label: string, name: string, note = '') =>
      console.log(
        `  ${label.padEnd(52)} ${fmt(w(name)).padStart(6)} ms ${name === 'node' ? '       ' : `(${fmt(w(name) / w('bare'), 2)}x)`}  ${fmt(c(name)).padStart(6)} ms ${name === 'node' ? '' : `(${fmt(c(name) / c('bare'), 2)}x)`}${note}`,
      );
    row('empty node process (floor)', 'node');
    row('bare verifier bundle (verify only)', 'bare');
    row('authorizer bundle (verify + 1 DynamoDB lookup)', 'authorizer', '   target wall <= 1.5x');
    row('verifier + @aws-sdk/client-dynamodb (same lookup)', 'sdk', '   rejected option');

    // 4. Sizes
    const size = (p: string) => statSync(p).size / 1024;
    console.log('\nBundle sizes (minified CommonJS)');
    console.log(`  bare verifier                                        ${fmt(size(bare)).padStart(7)} KiB`);
    console.log(
      `  authorizer (dist/authorizer/index.js)                ${fmt(size(AUTHORIZER_BUNDLE)).padStart(7)} KiB   zip ${fmt(size(join(ROOT, 'dist', 'authorizer.zip')))} KiB`,
    );
    console.log(`  verifier + @aws-sdk/client-dynamodb                  ${fmt(size(sdk)).padStart(7)} KiB`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    await dynamo.stop();
    await jwks.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
