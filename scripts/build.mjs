#!/usr/bin/env node
// Builds one CommonJS bundle per Lambda at dist/<function>/index.js (exports `handler`) and a deterministic
// dist/<function>.zip for Terraform, plus the admin CLI at dist/cli/index.js.
// CommonJS because an ESM bundle that includes the AWS SDK fails with "Dynamic require of node:https".
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deterministicZip } from './zip.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

export const FUNCTIONS = ['authorizer', 'token-trigger', 'admin-signout', 'auto-revocation', 'logout'];

const common = {
  bundle: true,
  platform: 'node',
  // Runs on the nodejs22.x runtime in AWS and on Node 20 locally.
  target: 'node20',
  format: 'cjs',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  metafile: true,
};

async function main() {
  const only = process.argv.slice(2);
  const targets = only.length ? only : [...FUNCTIONS, 'cli'];
  mkdirSync(dist, { recursive: true });
  const reportFile = join(dist, 'build.json');
  const previous = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : [];
  const report = [];
  for (const name of targets) {
    const isCli = name === 'cli';
    const entry = isCli ? join(root, 'cli', 'index.ts') : join(root, 'lambdas', name, 'index.ts');
    if (!existsSync(entry)) {
      console.error(`build: no entry point at ${entry}`);
      process.exitCode = 1;
      continue;
    }
    const outdir = join(dist, name);
    mkdirSync(outdir, { recursive: true });
    // Build beside the old bundle and rename over it, so a concurrent reader never sees a missing or partial file.
    const outfile = join(outdir, 'index.js');
    const tmpfile = join(outdir, `.index.${process.pid}.js`);
    await build({
      ...common,
      entryPoints: [entry],
      outfile: tmpfile,
      ...(isCli ? { banner: { js: '#!/usr/bin/env node' }, minify: false } : {}),
    });
    renameSync(tmpfile, outfile);
    const code = readFileSync(outfile);
    const line = { name, bundleBytes: code.length };
    if (!isCli) {
      const zip = deterministicZip([{ name: 'index.js', data: code }]);
      const zipFile = join(dist, `${name}.zip`);
      writeFileSync(`${zipFile}.${process.pid}.tmp`, zip);
      renameSync(`${zipFile}.${process.pid}.tmp`, zipFile);
      line.zipBytes = zip.length;
      line.sha256 = createHash('sha256').update(zip).digest('base64');
    }
    report.push(line);
  }
  const merged = [...previous.filter((p) => !report.some((r) => r.name === p.name)), ...report];
  writeFileSync(reportFile, `${JSON.stringify(merged, null, 2)}\n`);
  for (const l of report) {
    console.log(
      `built ${l.name.padEnd(14)} ${(l.bundleBytes / 1024).toFixed(1).padStart(7)} KiB` +
        (l.zipBytes ? `  zip ${(l.zipBytes / 1024).toFixed(1).padStart(6)} KiB  sha256 ${l.sha256}` : ''),
    );
  }
}

await main();
