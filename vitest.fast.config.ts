import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:fast`: the tests that need nothing but Node — units, properties, parsers — while you work.
 * A test file is left out when its source starts an emulator, loads a built bundle, runs a child process or the
 * Terraform CLI; the selection is made from the sources at each run, so a new file lands on the right side
 * without a list to keep. `npm test` runs everything.
 */
const NEEDS_MORE =
  /startDynalite|startCognitoLocal|startLocalStack|support\/bundles|terraform|harness|child_process|spawn|execFile|dist\//;

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const root = import.meta.dirname;
export const FAST_TESTS = testFiles(join(root, 'test'))
  .filter((file) => !NEEDS_MORE.test(readFileSync(file, 'utf8')))
  .map((file) => relative(root, file))
  .sort();

export default defineConfig({
  test: {
    include: FAST_TESTS,
    pool: 'forks',
    testTimeout: 30_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
