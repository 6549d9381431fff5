/**
 * `npm run fuzz`: the hardening suite's property tests and fuzzers with many more runs than `npm test` and a fresh
 * seed each time. Builds the bundles the fuzzers load, then runs vitest with FUZZ_SCALE and FUZZ_SEED;
 * a failure prints the exact command that replays it.
 *
 *   npm run fuzz                      # scale 20, random seed
 *   npm run fuzz -- --scale 100       # longer
 *   npm run fuzz -- --seed 12345      # replay a seed
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILES = [
  'test/hardening/core-decide.property.test.ts',
  'test/hardening/ttl-invariant.property.test.ts',
  'test/hardening/event-fuzz.test.ts',
  'test/hardening/log-secrets.test.ts',
];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} needs a positive integer, got "${process.argv[index + 1] ?? ''}"`);
    process.exit(2);
  }
  return value;
}

const scale = option('scale', 20);
const seed = option('seed', randomInt(1, 2 ** 31 - 1));
console.log(`fuzz: seed ${seed}, scale ${scale} (npm test runs scale 1, seed 20261129)`);

const build = spawnSync(
  process.execPath,
  ['scripts/build.mjs', 'authorizer', 'token-trigger', 'admin-signout'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    ...FILES,
    '--testTimeout=3600000',
    '--hookTimeout=120000',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_SCALE: String(scale) },
  },
);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
if (run.status === 0) {
  console.log(`fuzz: passed in ${minutes} min (seed ${seed}, scale ${scale})`);
} else {
  console.error(
    `fuzz: FAILED after ${minutes} min. Replay: FUZZ_SEED=${seed} FUZZ_SCALE=${scale} npx vitest run ${FILES.join(' ')}`,
  );
}
process.exit(run.status ?? 1);
