#!/usr/bin/env node
// CI check of a release commit: the Lambda zips and dist/build.json committed in it must be exactly what a fresh
// build of that same commit's sources produces (docs/releasing.md). Only the commits `npm run release` tags carry
// built files; on any other commit (every commit of the main branch) there is nothing to compare and the check
// passes, so ordinary source changes never fail it.
//   node scripts/check-dist.mjs [--rev=<commit>]   (default HEAD)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rev = process.argv.find((a) => a.startsWith('--rev='))?.slice('--rev='.length) ?? 'HEAD';

const git = (args, opts = {}) => execFileSync('git', args, { cwd: root, maxBuffer: 1 << 28, ...opts });

function main() {
  const tracked = git(['ls-tree', '-r', '--name-only', rev, '--', 'dist/'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .sort();
  if (tracked.length === 0) {
    console.log(`check-dist: ${rev} commits no built files (only release tags do): nothing to compare.`);
    return 0;
  }
  const problems = [];
  const out = mkdtempSync(join(tmpdir(), 'cognito-revocation-check-dist-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), `--out=${out}`, '--force'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // The release files are build.json and every zip it lists (one per function of the contract).
    const manifest = JSON.parse(readFileSync(join(out, 'build.json'), 'utf8'));
    const releaseFiles = [
      'dist/build.json',
      ...Object.values(manifest.functions).map((f) => `dist/${f.zip}`),
    ].sort();
    const missing = releaseFiles.filter((f) => !tracked.includes(f));
    const extra = tracked.filter((f) => !releaseFiles.includes(f));
    if (missing.length) problems.push(`missing from the release commit: ${missing.join(', ')}`);
    if (extra.length)
      problems.push(`not release artifacts (commit only the zips and build.json): ${extra.join(', ')}`);
    for (const file of tracked.filter((f) => releaseFiles.includes(f))) {
      const committed = git(['show', `${rev}:${file}`]);
      const fresh = readFileSync(join(out, basename(file)));
      if (!committed.equals(fresh))
        problems.push(
          `${file} differs from a fresh build of ${rev}'s sources (${committed.length} vs ${fresh.length} bytes)`,
        );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(`check-dist: ${rev} is not a reproducible release commit:\n  - ${problems.join('\n  - ')}`);
    console.error(
      'Re-create the release with `npm run release -- <version>` from a clean checkout (docs/releasing.md).',
    );
    return 1;
  }
  console.log(`check-dist: ${rev}'s ${tracked.length} built files equal a fresh build of its sources.`);
  return 0;
}

process.exitCode = main();
