/**
 * Token trigger: latency added per token issuance, measured on the shipped bundle (dist/token-trigger/index.js)
 * called in-process, side by side with a bare passthrough handler (`async (event) => event`) measured in the same run.
 *
 * Table states: healthy (dynalite on loopback), refused (closed port: connection refused at once), and hung (a
 * listener that accepts and never answers) at the default STORE_TIMEOUT_MS (300 ms) and at 1000 ms.
 * Run: npm run bench trigger
 */
import { startDynalite } from '../local/dynalite.js';
import { loadBundle } from '../test/fixtures/bundles.js';
import { closedPortEndpoint, startBlackhole } from '../test/fixtures/network.js';
import { preTokenV1, preTokenV2 } from '../test/fixtures/trigger-events.js';

type Handler = (event: unknown) => Promise<unknown>;
const TABLE = 'bench-trigger';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(
  handler: Handler,
  iterations: number,
  warmup = 20,
): Promise<{ p50: number; p99: number; max: number; n: number }> {
  for (let i = 0; i < warmup; i++) await handler(i % 2 ? preTokenV1() : preTokenV2('2'));
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const event = i % 2 ? preTokenV1() : preTokenV2('2');
    const started = performance.now();
    await handler(event);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? 0,
    n: iterations,
  };
}

async function main() {
  const silence = process.stdout.write.bind(process.stdout);
  const out: string[] = [];
  const print = (line: string) => out.push(line);
  // The bundle logs one JSON line per issuance; keep them out of the report.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  const blackhole = await startBlackhole();
  const rows: [string, Awaited<ReturnType<typeof measure>>][] = [];
  try {
    const bare: Handler = async (event) => event;
    rows.push(['baseline: bare passthrough handler', await measure(bare, 2000)]);
    const env = { TABLE_NAME: TABLE, LOG_LEVEL: 'warn' };
    const passthrough = loadBundle<{ handler: Handler }>('token-trigger', {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    }).handler;
    const unknownSource: Handler = (event) =>
      passthrough({ ...(event as object), triggerSource: 'PreSignUp_SignUp' });
    rows.push(['baseline: the bundle passing an unknown event through', await measure(unknownSource, 2000)]);
    const healthy = loadBundle<{ handler: Handler }>('token-trigger', {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    }).handler;
    rows.push(['table healthy (dynalite)', await measure(healthy, 1000)]);
    const refused = loadBundle<{ handler: Handler }>('token-trigger', {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: await closedPortEndpoint(),
    }).handler;
    rows.push(['table unreachable: connection refused', await measure(refused, 300)]);
    const hungDefault = loadBundle<{ handler: Handler }>('token-trigger', {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: blackhole.endpoint,
      STORE_TIMEOUT_MS: undefined,
    }).handler;
    rows.push([
      'table hung (never answers), default STORE_TIMEOUT_MS (300)',
      await measure(hungDefault, 20, 2),
    ]);
    const hung1000 = loadBundle<{ handler: Handler }>('token-trigger', {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: blackhole.endpoint,
      STORE_TIMEOUT_MS: '1000',
    }).handler;
    rows.push(['table hung (never answers), STORE_TIMEOUT_MS=1000', await measure(hung1000, 12, 1)]);
  } finally {
    process.stdout.write = silence;
    await blackhole.stop();
    await dynamo.stop();
  }
  const base = rows[0]?.[1] ?? { p50: 0, p99: 0 };
  print(
    `Token trigger latency per issuance (bundle, in-process; Node ${process.version}; ${new Date().toISOString()})`,
  );
  print(
    `${'case'.padEnd(62)} ${'n'.padStart(5)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}  ${'added p50/p99 ms vs bare'.padStart(24)}`,
  );
  for (const [name, r] of rows) {
    print(
      `${name.padEnd(62)} ${String(r.n).padStart(5)} ${r.p50.toFixed(3).padStart(9)} ${r.p99.toFixed(3).padStart(9)} ${r.max.toFixed(3).padStart(9)}  ${`${(r.p50 - base.p50).toFixed(3)} / ${(r.p99 - base.p99).toFixed(3)}`.padStart(24)}`,
    );
  }
  // The 1000 ms row shows what a longer deadline costs; the budget line is about what ships.
  const worst = Math.max(...rows.filter(([name]) => !name.includes('=1000')).map(([, r]) => r.p99));
  print(
    `Cognito's trigger budget: 5000 ms. Worst p99 at the default settings: ${worst.toFixed(0)} ms (${((worst / 5000) * 100).toFixed(0)}% of the budget).`,
  );
  for (const line of out) console.log(line);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
