/**
 * Bytes of log per allowed decision, measured on the built authorizer bundle — the shipped `dist/authorizer`
 * next to the baseline commit's authorizer (built here from `git archive`), same run, same tokens.
 *
 * Each bundle runs in its own `node` process as Lambda runs it: `handler` called once per event, stdout a pipe the
 * bench reads and counts. Environment = the Terraform module's defaults (nothing optional set), the JWKS served on
 * loopback, the table a canned DynamoDB responder answering "no revocations" (every decision reads it and allows).
 * What is counted: every byte the function writes to stdout — decision lines, EMF metrics documents, anything
 * else. Lambda's own START/END/REPORT lines are not the function's output and are priced in docs/cost.md.
 *
 * Run: npm run bench log-bytes   (builds first). BENCH_LOG_DECISIONS (default 10,000), BENCH_BASELINE (default
 * 23a94fb, the commit before decision logs were sampled; bench/baseline-bundle.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { LOCAL_AWS } from '../local/dynalite.js';
import { BASELINE_COMMIT as BASELINE, buildBaselineAuthorizer } from './baseline-bundle.js';
import { mintSessionId } from '../lambdas/token-trigger/trigger.js';
import { restTokenEvent } from '../test/fixtures/authorizer-events.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import { signAccessToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../test/fixtures/tokens.js';

const ROOT = join(__dirname, '..');
const DECISIONS = Number(process.env.BENCH_LOG_DECISIONS ?? 10_000);
const TARGET_BYTES = 60;

/** The canned table: every Query answers "no items". */
async function startCannedDynamo(): Promise<{ endpoint: string; stop(): Promise<void> }> {
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

// The child: calls the bundle's handler once per event, as Lambda does; reports to stderr, never to stdout.
const DRIVER = `
const { readFileSync } = require('node:fs');
const events = JSON.parse(readFileSync(process.env.BENCH_EVENTS, 'utf8'));
const { handler } = require(process.env.BENCH_BUNDLE);
(async () => {
  let allows = 0;
  const n = Number(process.env.BENCH_DECISIONS);
  for (let i = 0; i < n; i++) {
    const r = await handler(events[i % events.length]);
    if (r && r.policyDocument && r.policyDocument.Statement[0].Effect === 'Allow') allows++;
  }
  process.stderr.write(JSON.stringify({ allows }) + '\\n');
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

interface Measured {
  readonly allows: number;
  readonly bytes: number;
  readonly lines: number;
  readonly decisionLines: number;
  readonly metricDocuments: number;
}

async function measure(bundle: string, eventsFile: string, env: NodeJS.ProcessEnv): Promise<Measured> {
  const child = spawn(process.execPath, ['-e', DRIVER], {
    env: { ...env, BENCH_BUNDLE: bundle, BENCH_EVENTS: eventsFile, BENCH_DECISIONS: String(DECISIONS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let bytes = 0;
  let text = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    bytes += d.length;
    text += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`bundle ${bundle} failed: ${err}`);
  const { allows } = JSON.parse(err.trim().split('\n').pop() as string) as { allows: number };
  const lines = text.split('\n').filter((l) => l !== '');
  return {
    allows,
    bytes,
    lines: lines.length,
    decisionLines: lines.filter((l) => l.includes('"message":"authorizer decision"')).length,
    metricDocuments: lines.filter((l) => l.includes('"_aws"')).length,
  };
}

async function main() {
  const jwks = await startJwksServer();
  const dynamo = await startCannedDynamo();
  const work = mkdtempSync(join(tmpdir(), 'log-bytes-bench-'));
  try {
    const baseline = await buildBaselineAuthorizer(work);
    const shipped = join(ROOT, 'dist', 'authorizer', 'index.js');
    // Production-like access tokens: all four revocation keys, a time-ordered session id.
    const events = Array.from({ length: 100 }, (_, i) =>
      restTokenEvent(
        `Bearer ${signAccessToken({ jti: `jti-${i}`, origin_jti: `origin-${i % 10}`, revocation_sid: mintSessionId(Date.now() + i) })}`,
      ),
    );
    const eventsFile = join(work, 'events.json');
    writeFileSync(eventsFile, JSON.stringify(events));
    // What the Terraform module sets (defaults for everything optional); Lambda's own variables.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: 'bench-blocklist',
      JWKS_URI: jwks.uri,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: 'x'.repeat(900),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    };
    // Interleaved, baseline first: each run is its own process (a fresh container).
    const old = await measure(baseline, eventsFile, env);
    const now = await measure(shipped, eventsFile, env);
    for (const [name, m] of [
      ['baseline', old],
      ['shipped', now],
    ] as const) {
      if (m.allows !== DECISIONS) throw new Error(`${name}: ${m.allows} of ${DECISIONS} decisions allowed`);
    }
    const perOld = old.bytes / old.allows;
    const perNew = now.bytes / now.allows;
    console.log(`node ${process.version}; ${DECISIONS} allowed decisions per bundle, module defaults`);
    console.log(
      `\nBytes of stdout per allowed decision (built bundles; Lambda's START/END/REPORT lines not included)`,
    );
    console.log(
      `  ${'bundle'.padEnd(40)} ${'bytes/allow'.padStart(12)} ${'stdout bytes'.padStart(13)} ${'lines'.padStart(7)} ${'decision lines'.padStart(15)} ${'EMF documents'.padStart(14)}`,
    );
    for (const [name, m, per] of [
      [`baseline (${BASELINE}): a line per decision`, old, perOld],
      ['shipped: 1 % of allows, aggregated EMF', now, perNew],
    ] as const) {
      console.log(
        `  ${name.padEnd(40)} ${per.toFixed(1).padStart(12)} ${String(m.bytes).padStart(13)} ${String(m.lines).padStart(7)} ${String(m.decisionLines).padStart(15)} ${String(m.metricDocuments).padStart(14)}`,
      );
    }
    const met = perNew <= TARGET_BYTES;
    console.log(
      `  shipped / baseline = ${(perNew / perOld).toFixed(3)}   target <= ${TARGET_BYTES} bytes per allowed decision: ${met ? 'met' : 'MISSED'}`,
    );
    if (!met) process.exitCode = 1;
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
