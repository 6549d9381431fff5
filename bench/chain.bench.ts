/**
 * Chaining the pool's existing pre-token-generation function: latency the chain adds per token issuance, on the
 * shipped bundle (dist/token-trigger/index.js, in-process) against dynalite, the chained stand-in
 * (test/token-trigger/fixtures/chained-stand-in.cjs) hosted on the local Lambda Invoke endpoint (HTTP on loopback, a
 * worker thread per function). Side by side in the same run: the same bundle without a chained function (the
 * baseline), and a direct Invoke of the stand-in through the endpoint (what the chain cannot go below).
 * Also: a chained function that never answers (the deadline), and the bundle's load time (cold start share).
 * Run: npm run bench chain
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startDynalite } from '../local/dynalite.js';
import { startLambdaEndpoint } from '../local/lambda-endpoint.js';
import { bundleFile, loadBundle, ROOT } from '../test/fixtures/bundles.js';
import { preTokenV1, preTokenV2 } from '../test/fixtures/trigger-events.js';

type Handler = (event: unknown) => Promise<unknown>;
const TABLE = 'bench-chain';
const STAND_IN = join(ROOT, 'test', 'token-trigger', 'fixtures', 'chained-stand-in.cjs');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)] ?? Number.NaN;
};

async function measure(handler: Handler, iterations: number, warmup = 20): Promise<number[]> {
  for (let i = 0; i < warmup; i++)
    await handler(i % 2 ? preTokenV1() : preTokenV2('2')).catch(() => undefined);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const event = i % 2 ? preTokenV1() : preTokenV2('2');
    const started = performance.now();
    await handler(event).catch(() => undefined);
    times.push(performance.now() - started);
  }
  return times;
}

async function measureInterleaved(handlers: Handler[], iterations: number): Promise<number[][]> {
  for (const handler of handlers) await measure(handler, 0);
  const times = handlers.map((): number[] => []);
  for (let i = 0; i < iterations; i++) {
    for (const [k, handler] of handlers.entries()) {
      const event = i % 2 ? preTokenV1() : preTokenV2('2');
      const started = performance.now();
      await handler(event);
      times[k]?.push(performance.now() - started);
    }
  }
  return times;
}

/** Milliseconds to require the bundle in a fresh Node process (the module-evaluation part of a cold start). */
function loadTimes(runs: number): number[] {
  const file = bundleFile('token-trigger');
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TABLE_NAME: 'x' } }).toString(),
    ),
  );
}

async function main() {
  const silence = process.stdout.write.bind(process.stdout);
  const out: string[] = [];
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  const lambda = await startLambdaEndpoint({
    functions: [
      { name: 'existing', bundle: STAND_IN },
      { name: 'existing-hang', bundle: STAND_IN, env: { STAND_IN_MODE: 'hang' } },
    ],
  });
  const rows: [string, number[]][] = [];
  try {
    const env = { TABLE_NAME: TABLE, LOG_LEVEL: 'warn', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint };
    const plain = loadBundle<{ handler: Handler }>('token-trigger', env).handler;
    const direct: Handler = (event) => lambda.invoke('existing', event);
    const chained = loadBundle<{ handler: Handler }>('token-trigger', {
      ...env,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      CHAINED_TRIGGER_FUNCTION: 'existing',
    }).handler;
    // Interleaved, so that load from other processes on the machine hits all three alike.
    const [a = [], b = [], c = []] = await measureInterleaved([plain, direct, chained], 400);
    rows.push(['baseline: no chained function (table healthy)', a]);
    rows.push(['reference: the stand-in invoked directly (endpoint, no HTTP)', b]);
    rows.push(['chained stand-in (Invoke over loopback HTTP) + session record', c]);
    const hung = loadBundle<{ handler: Handler }>('token-trigger', {
      ...env,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      CHAINED_TRIGGER_FUNCTION: 'existing-hang',
      CHAINED_TRIGGER_TIMEOUT_MS: '300',
    }).handler;
    rows.push(['chained function never answers, CHAINED_TRIGGER_TIMEOUT_MS=300', await measure(hung, 10, 1)]);
  } finally {
    process.stdout.write = silence;
    await lambda.stop();
    await dynamo.stop();
  }
  const base = median(rows[0]?.[1] ?? []);
  out.push(
    `Chained pre-token-generation function: latency per issuance (Node ${process.version}; ${new Date().toISOString()})`,
  );
  out.push(
    `${'case'.padEnd(66)} ${'n'.padStart(4)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  ${'p50 vs baseline'.padStart(16)}`,
  );
  for (const [name, xs] of rows) {
    out.push(
      `${name.padEnd(66)} ${String(xs.length).padStart(4)} ${median(xs).toFixed(2).padStart(8)} ${p99(xs).toFixed(2).padStart(8)}  ${`+${(median(xs) - base).toFixed(2)} ms`.padStart(16)}`,
    );
  }
  const loads = loadTimes(9);
  out.push(
    `Bundle load (require, fresh process, 9 runs): median ${median(loads).toFixed(1)} ms — the Lambda client is loaded only when a function is chained.`,
  );
  for (const line of out) console.log(line);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
