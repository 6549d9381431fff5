/**
 * Library benchmark — every figure printed next to the baseline measured in the same run.
 *
 * 1. CPU per decision: bare aws-jwt-verify `verify()` vs the BUILT library's `verify()` (what
 *    `require('cognito-revocation')` loads), exact mode and staleness mode (S = 10 s), each with an in-process store
 *    (bench/library-store.ts: a Map lookup; hints answered at once) so the figure is the library's own CPU and not
 *    an emulator's — and the staleness mode once more with the real lean DynamoDB client against dynalite (cache
 *    hits; its hint poll once per S). Many interleaved rounds, the order reversed every other round; the figure is
 *    the median of the per-round ratios decision / bare (min and max beside it), after a warm-up. Target ≤ 1.3×.
 *    In the same rounds: the previous library (bench/library-baseline.ts), the Lambda authorizer's whole decision
 *    (reference), a control (bare `verify()` again: its ratio shows the run's noise), and the per-step breakdown
 *    (bench/library-breakdown.ts).
 * 2. Store round trips per decision in staleness mode, counted by the verifier (revocation reads + hint polls, every
 *    attempt) against dynalite, 100 users. Target ≤ 0.05.
 * 3. Introspection endpoint latency: the BUILT introspection function's handler (form parsing, the M2M caller's
 *    token, the library's exact check — one `Query` per request — the RFC 7662 answer), wall time per request,
 *    median, next to the library's own exact-mode `verify()` against the same table.
 *
 * The box's load average is printed with the figures: on a shared box the absolute µs move with the load, the
 * per-round ratio far less (both sides of a round see the same load).
 *
 * Run: npm run bench library   (builds first; BENCH_CPU_ROUNDS, BENCH_CPU_ITERATIONS; BENCH_CPU_ONLY=1 stops
 * after the CPU figures)
 */
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { createAuthorizerFromEnvironment } from '../lambdas/authorizer/index.js';
import { stdoutLineWriter } from '../lambdas/authorizer/decision-record.js';
import { LOCAL_AWS, startDynalite } from '../local/dynalite.js';
import { restTokenEvent } from '../test/fixtures/authorizer-events.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import {
  nowSeconds,
  signAccessToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
  testJwks,
} from '../test/fixtures/tokens.js';
import type * as Library from '../lambdas/library/index.js';
import { CONTROL, LIBRARY_STEPS, libraryCpu, median } from './library-breakdown.js';
import { buildBaselineLibrary, LIBRARY_BASELINE_COMMIT } from './library-baseline.js';
import { inProcessStore, libraryTokens } from './library-store.js';

const ROOT = join(__dirname, '..');
const requireCjs = createRequire(join(ROOT, 'package.json'));
const TABLE = 'bench-library';
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 201);
const ITERATIONS = Number(process.env.BENCH_CPU_ITERATIONS ?? 250);
const WARMUP = 5000;
const USERS = 100;
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 300);
const CALLER = 'm2mcaller0123456789abcdefg';
const SCOPE = 'cognito-revocation/introspect';

const AUTHORIZER = 'authorizer';
const staticCredentials = async () => ({ ...LOCAL_AWS.credentials });
const f = (n: number, d = 1) => n.toFixed(d);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

async function main() {
  const lib = requireCjs(ROOT) as typeof Library;
  const dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  const jwks = await startJwksServer();
  const pool = libraryTokens(USERS);
  const options = {
    userPoolId: TEST_USER_POOL_ID,
    clientId: TEST_CLIENT_ID,
    tableName: TABLE,
    endpoint: dynamo.endpoint,
    jwksUri: jwks.uri,
    credentials: staticCredentials,
  };

  // 1: CPU per decision, bare verify() vs the library, in-process store; 2: reads per decision against dynalite.
  const bare = CognitoJwtVerifier.create({
    userPoolId: TEST_USER_POOL_ID,
    clientId: [TEST_CLIENT_ID],
    tokenUse: null,
  });
  bare.cacheJwks(testJwks() as never);
  const inProcess = { exact: inProcessStore(), staleness: inProcessStore() };
  const baseline = await buildBaselineLibrary();
  const previous = requireCjs(baseline.path) as typeof Library;
  const decisions = {
    exact: lib.createRevocationVerifier(options, inProcess.exact),
    staleness: lib.createRevocationVerifier(
      { ...options, stalenessSeconds: 10, maxAgeSeconds: 300 },
      inProcess.staleness,
    ),
    'previous exact': previous.createRevocationVerifier(options, inProcessStore()),
    'previous staleness': previous.createRevocationVerifier(
      { ...options, stalenessSeconds: 10, maxAgeSeconds: 300 },
      inProcessStore(),
    ),
    'staleness, dynalite': lib.createRevocationVerifier({
      ...options,
      stalenessSeconds: 10,
      maxAgeSeconds: 300,
    }),
  };
  // Reference: the Lambda authorizer's whole decision (same verification floor; event parsing, the IAM policy and
  // the decision line added), built from its environment as its handler builds it, in-process blocklist, its
  // decision lines written to /dev/null by the shipped writer.
  const devNull = openSync('/dev/null', 'w');
  const authorize = createAuthorizerFromEnvironment(
    {
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: TABLE,
      JWKS_URI: jwks.uri,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    },
    {
      reader: inProcessStore().reader,
      write: stdoutLineWriter(devNull, () => ({ fd: devNull, write: () => true }) as never),
    },
  );
  const events = new Map(pool.map((t) => [t, restTokenEvent(`Bearer ${t}`)]));
  const authorizer = {
    async verify(token: string) {
      const answer = (await authorize(events.get(token))) as { policyDocument?: unknown };
      if (!answer.policyDocument) throw new Error('the reference authorizer did not allow a valid token');
      return answer;
    },
  };
  const allDecisions = { ...decisions, [AUTHORIZER]: authorizer };
  for (let i = 0; i < WARMUP; i++) {
    const token = pool[i % pool.length] as string;
    await bare.verify(token);
    for (const d of Object.values(allDecisions)) await d.verify(token);
    if (i % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const loadBefore = load();
  const warm = decisions['staleness, dynalite'].stats();
  const cpu = await libraryCpu({
    bare,
    decisions: allDecisions,
    tokens: pool,
    store: inProcessStore(),
    rounds: ROUNDS,
    iterations: ITERATIONS,
  });
  const loadAfter = load();
  const end = decisions['staleness, dynalite'].stats();
  const decided = end.decisions; // warm-up included: its first reads are the cache filling
  const readsPerDecision = end.storeRoundTrips / decided;
  const measuredReads = (end.storeRoundTrips - warm.storeRoundTrips) / (end.decisions - warm.decisions);
  const exactReads = inProcess.exact.reads() / decisions.exact.stats().decisions;
  for (const d of Object.values(decisions)) d.close();
  closeSync(devNull);
  baseline.remove();
  printCpu(cpu, { loadBefore, loadAfter, exactReads });
  if (process.env.BENCH_CPU_ONLY) {
    await jwks.stop();
    await dynamo.stop();
    return;
  }

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

  console.log('');
  console.log('| measure | baseline | library | ratio |');
  console.log('|---|---|---|---|');
  console.log(
    `| store round trips per decision, staleness S = 10 s, dynalite | exact mode: 1 | ${f(readsPerDecision, 4)} over ${decided} decisions (${f(measuredReads, 4)} in the timed rounds) | target ≤ 0.05 |`,
  );
  console.log(
    `| introspection endpoint latency (ms, median of ${LATENCY_REQUESTS}) | library exact verify() ${f(median(exactMs), 2)} | ${f(median(introMs), 2)} | ${f(median(introMs) / median(exactMs), 2)}× |`,
  );
  if (inactive > 0)
    throw new Error(`${inactive} introspection answers were not active: the benchmark is broken`);
  if (nowSeconds() <= 0) throw new Error('clock');
}

function printCpu(
  cpu: Awaited<ReturnType<typeof libraryCpu>>,
  box: { loadBefore: string; loadAfter: string; exactReads: number },
) {
  const cores = availableParallelism();
  const busiest = Math.max(...[box.loadBefore, box.loadAfter].flatMap((l) => l.split(' / ').map(Number)));
  console.log(
    `library benchmark (Node ${process.version}, ${ROUNDS} interleaved rounds × ${ITERATIONS} decisions, ${USERS} users)`,
  );
  console.log(
    `box: ${cores} cores, load average (1 / 5 / 15 min) ${box.loadBefore} before, ${box.loadAfter} after` +
      (busiest > cores * 0.75
        ? ' — LOADED: other work shares the CPUs; absolute µs are inflated, the per-round ratio is the figure'
        : ''),
  );
  console.log('');
  console.log(
    '| CPU per decision | µs (median of rounds) | ratio to bare verify() (median of per-round ratios; min–max) |',
  );
  console.log('|---|---|---|');
  const m = cpu.micros;
  console.log(`| baseline: bare aws-jwt-verify verify() | ${f(m.bare as number)} | 1 |`);
  const label: Record<string, string> = {
    exact: 'library verify(), exact mode, in-process store',
    staleness: 'library verify(), staleness S = 10 s, in-process store',
    'staleness, dynalite':
      'library verify(), staleness S = 10 s, DynamoDB client → dynalite in this process (a round with a hint poll counts dynalite too)',
    [CONTROL]: 'control: bare verify() again (noise of this run)',
    [AUTHORIZER]:
      "reference: the Lambda authorizer's decision (REST TOKEN event, in-process blocklist, log to /dev/null)",
    'previous exact': `previous library (${LIBRARY_BASELINE_COMMIT}), exact mode, in-process store`,
    'previous staleness': `previous library (${LIBRARY_BASELINE_COMMIT}), staleness S = 10 s, in-process store`,
  };
  for (const [name, r] of Object.entries(cpu.ratios)) {
    const verdict =
      name === 'exact' || name === 'staleness'
        ? r.median <= 1.3
          ? '; target ≤ 1.3×: met'
          : '; target ≤ 1.3×: NOT met'
        : '';
    console.log(
      `| ${label[name] ?? name} | ${f(m[name] as number)} | **${f(r.median, 3)}×** (min ${f(r.min, 2)}, quartiles ${f(r.p25, 2)}–${f(r.p75, 2)}, max ${f(r.max, 2)}${verdict}) |`,
    );
  }
  console.log(`(exact mode: ${f(box.exactReads, 3)} store reads per decision)`);
  console.log('');
  console.log('| step of the decision (same rounds) | µs | share of bare verify() |');
  console.log('|---|---|---|');
  const exactSteps = LIBRARY_STEPS.filter(
    (s) => s !== 'staleness cache hit' && s !== 'bearer header (adapters)',
  );
  for (const step of LIBRARY_STEPS)
    console.log(
      `| ${step} | ${f(m[step] as number, 2)} | ${f((100 * (m[step] as number)) / (m.bare as number))} % |`,
    );
  const sum = exactSteps.reduce((t, s) => t + (m[s] as number), 0);
  console.log(
    `| exact decision − sum of its steps (promise layers, glue) | ${f((m.exact as number) - sum, 2)} | ${f((100 * ((m.exact as number) - sum)) / (m.bare as number))} % |`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
