#!/usr/bin/env node
// Runs before the npm scripts (`node scripts/preflight.mjs <task>`): says in ONE line what to do when the machine
// is not ready — an old Node, `npm ci` not run (or run without scripts, so cognito-local is unpatched), or
// `npm run build` not run — instead of a stack trace from a missing module. Imports nothing outside Node.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const task = process.argv[2] ?? 'build';
const label =
  { build: 'npm run build', test: 'npm test', demo: 'npm run demo', start: 'npm start', cli: 'npm run cli' }[
    task
  ] ?? `npm run ${task}`;

/** What each task needs from node_modules (package.json of each) and from dist/. */
const NEEDS = {
  build: { modules: ['esbuild'], dist: [] },
  test: { modules: ['esbuild', 'vitest', 'dynalite', 'cognito-local'], dist: [] },
  demo: { modules: ['esbuild', 'tsx', 'dynalite', 'cognito-local', 'aws-jwt-verify'], dist: [] },
  start: { modules: ['esbuild', 'tsx', 'dynalite', 'cognito-local'], dist: [] },
  cli: { modules: [], dist: ['cli/index.js'] },
};
const needs = NEEDS[task] ?? NEEDS.build;

function fail(message) {
  process.stderr.write(`${label}: ${message}\n`);
  process.exit(1);
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) fail(`needs Node.js 20 or later, this is ${process.version}.`);

const missing = needs.modules.filter((m) => !existsSync(join(root, 'node_modules', m, 'package.json')));
if (missing.length) {
  fail(
    existsSync(join(root, 'node_modules'))
      ? `node_modules is incomplete (no ${missing.join(', ')}): run \`npm ci\` first.`
      : 'dependencies are not installed: run `npm ci` first.',
  );
}
if (
  needs.modules.includes('cognito-local') &&
  !existsSync(join(root, 'node_modules', 'cognito-local', 'lib', 'targets', 'adminUserGlobalSignOut.js'))
) {
  fail(
    'cognito-local is not patched (was `npm ci` run with --ignore-scripts?): run `npx patch-package` or `npm ci`.',
  );
}
const unbuilt = needs.dist.filter((f) => !existsSync(join(root, 'dist', f)));
if (unbuilt.length) {
  fail(
    existsSync(join(root, 'node_modules', 'esbuild', 'package.json'))
      ? `not built yet (no dist/${unbuilt.join(', dist/')}): run \`npm run build\` first.`
      : 'not installed and not built: run `npm ci`, then `npm run build`.',
  );
}
