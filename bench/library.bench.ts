/**
 * Library benchmark — every figure printed next to the baseline measured in the same run.
 *
 * 1. CPU per decision: bare aws-jwt-verify `verify()` vs the BUILT library's `verify()` in staleness mode (S = 10 s)
 *    against dynalite: strict shape check, verification, revoked-verdict memory, the cached answer (or the one
 *    `Query` on a miss, the hint poll once per S), the core's `decide`. Rounds alternate bare / library; the ratio
 *    is the median of the per-round ratios. Target ≤ 1.3×.
 * 2. Store round trips per decision in staleness mode, counted by the verifier (revocation reads + hint polls, every
 *    attempt) over all library rounds, 100 users. Target ≤ 0.05.
 * 3. Introspection endpoint latency: the BUILT introspection function's handler (form parsing, the M2M caller's
 *    token, the library's exact check — one `Query` per request — the RFC 7662 answer), wall time per request,
 *    median, next to the library's own exact-mode `verify()` against the same table.
 *
 * Run: npm run bench library   (builds first)
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { LOCAL_AWS, startDynalite } from '../local/dynalite.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import {
  nowSeconds,
  signAccessToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
  testJwks,
} from '../test/fixtures/tokens.js';
import type * as Library from '../lambdas/library/index.js';

const ROOT = join(__dirname, '..');
const requireCjs = createRequire(join(ROOT, 'package.json'));
const TABLE = 'bench-library';
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 15);
const ITERATIONS = Number(process.env.BENCH_CPU_ITERATIONS ?? 1000);
const WARMUP = 3000;
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 300);
const CALLER = 'm2mcaller0123456789abcdefg';
const SCOPE = 'cognito-revocation/introspect';

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const staticCredentials = async () => ({ ...LOCAL_AWS.credentials });

function tokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    signAccessToken({
      sub: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      jti: `jti-${i}`,
      origin_jti: `origin-${i}`,
      revocation_sid: `sid-${i}`,
    }),
  );
}

async function main() {
  const lib = requireCjs(ROOT) as typeof Library;
  const dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  const jwks = await startJwksServer();
  const pool = tokens(100);
  const options = {
    userPoolId: TEST_USER_POOL_ID,
    clientId: TEST_CLIENT_ID,
    tableName: TABLE,
    endpoint: dynamo.endpoint,
    jwksUri: jwks.uri,
    credentials: staticCredentials,
  };

  // 1 + 2: CPU per decision and reads per decision, staleness mode.
  const bare = CognitoJwtVerifier.create({
    userPoolId: TEST_USER_POOL_ID,
    clientId: [TEST_CLIENT_ID],
    tokenUse: null,
  });
  bare.cacheJwks(testJwks() as never);
  const stale = lib.createRevocationVerifier({ ...options, stalenessSeconds: 10, maxAgeSeconds: 300 });
  for (let i = 0; i < WARMUP; i++) {
    await bare.verify(pool[i % pool.length] as string);
    await stale.verify(pool[i % pool.length] as string);
  }
  const warm = stale.stats();
  const ratios: number[] = [];
  const bareRounds: number[] = [];
  const libRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = cpuMicros();
    for (let i = 0; i < ITERATIONS; i++) await bare.verify(pool[i % pool.length] as string);
    const b = (cpuMicros() - t) / ITERATIONS;
    t = cpuMicros();
    for (let i = 0; i < ITERATIONS; i++) await stale.verify(pool[i % pool.length] as string);
    const l = (cpuMicros() - t) / ITERATIONS;
    bareRounds.push(b);
    libRounds.push(l);
    ratios.push(l / b);
  }
  const end = stale.stats();
  const decisions = end.decisions; // warm-up included: its first reads are the cache filling
  const readsPerDecision = end.storeRoundTrips / decisions;
  const measuredReads = (end.storeRoundTrips - warm.storeRoundTrips) / (end.decisions - warm.decisions);
  stale.close();

  // 3: introspection latency vs the library's exact decision, same table.
  const exact = lib.createRevocationVerifier(options);
  Object.assign(process.env, {
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    CALLER_CLIENT_IDS: CALLER,
    CALLER_SCOPE: SCOPE,
    JWKS_URI: jwks.uri,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    // One info line per request would time the terminal, not the endpoint.
    LOG_LEVEL: 'warn',
  });
  const { handler } = requireCjs(join(ROOT, 'dist', 'introspection', 'index.js')) as {
    handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;
  };
  const caller = signAccessToken({ sub: CALLER, client_id: CALLER, scope: SCOPE, username: undefined });
  const event = (token: string) => ({
    version: '2.0',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${caller}` },
    requestContext: { http: { method: 'POST', path: '/' } },
    body: new URLSearchParams({ token }).toString(),
    isBase64Encoded: false,
  });
  for (let i = 0; i < 100; i++) {
    await handler(event(pool[i % pool.length] as string));
    await exact.verify(pool[i % pool.length] as string);
  }
  const introMs: number[] = [];
  const exactMs: number[] = [];
  let inactive = 0;
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const token = pool[i % pool.length] as string;
    let t = performance.now();
    const answer = await handler(event(token));
    introMs.push(performance.now() - t);
    if (!answer.body.includes('"active":true')) inactive++;
    t = performance.now();
    await exact.verify(token);
    exactMs.push(performance.now() - t);
  }
  exact.close();
  await jwks.stop();
  await dynamo.stop();

  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(
    `library benchmark (Node ${process.version}, ${ROUNDS} rounds × ${ITERATIONS} decisions, ${pool.length} users)`,
  );
  console.log('');
  console.log('| measure | baseline | library | ratio |');
  console.log('|---|---|---|---|');
  console.log(
    `| CPU per decision (µs, median of rounds), staleness S = 10 s | bare verify() ${f(median(bareRounds))} | ${f(median(libRounds))} | **${f(median(ratios), 2)}×** (rounds ${f(Math.min(...ratios), 2)}–${f(Math.max(...ratios), 2)}; target ≤ 1.3×) |`,
  );
  console.log(
    `| store round trips per decision, staleness mode | exact mode: 1 | ${f(readsPerDecision, 4)} over ${decisions} decisions (${f(measuredReads, 4)} in the timed rounds) | target ≤ 0.05 |`,
  );
  console.log(
    `| introspection endpoint latency (ms, median of ${LATENCY_REQUESTS}) | library exact verify() ${f(median(exactMs), 2)} | ${f(median(introMs), 2)} | ${f(median(introMs) / median(exactMs), 2)}× |`,
  );
  if (inactive > 0)
    throw new Error(`${inactive} introspection answers were not active: the benchmark is broken`);
  if (nowSeconds() <= 0) throw new Error('clock');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
