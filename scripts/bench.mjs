#!/usr/bin/env node
// Runs every bench/*.bench.ts in its own process, one after the other (benchmarks must not share a CPU).
// Each prints its figures side by side with the baseline it measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', file)], {
    stdio: 'inherit',
    cwd: root,
  });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
