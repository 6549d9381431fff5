#!/usr/bin/env node
// Builds one CommonJS bundle per Lambda at dist/<function>/index.js (exports `handler`) and a deterministic
// dist/<function>.zip for Terraform, plus the admin CLI at dist/cli/index.js, and dist/build.json: the package
// version and each function's zip hash and environment contract (scripts/manifest.mjs), which the Terraform module
// checks at plan time. Same sources and lockfile in, byte-identical zips and build.json out (docs/releasing.md).
// `--out=<dir>` builds somewhere else than dist/ (scripts/check-dist.mjs compares such a build with dist/).
// A part whose inputs, outputs and options are unchanged since its last build is not built again
// (scripts/build-state.mjs); `--force` builds everything.
// CommonJS because an ESM bundle that includes the AWS SDK fails with "Dynamic require of node:https".
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { buildKey, openBuildState } from './build-state.mjs';
import { buildManifest } from './manifest.mjs';
import { deterministicZip } from './zip.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.slice(2).find((a) => a.startsWith('--out='));
const dist = outArg ? resolve(outArg.slice('--out='.length)) : join(root, 'dist');
const state = openBuildState(root, dist, { force: process.argv.includes('--force') });

/** What every part's bytes depend on besides its own files and options: the tools, the lockfile, this script. */
const TOOLCHAIN = {
  esbuild: esbuildVersion,
  typescript: JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8'))
    .version,
  lockfile: createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('base64'),
  script: createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('base64'),
};

export const FUNCTIONS = [
  'authorizer',
  'token-trigger',
  'admin-signout',
  'auto-revocation',
  'logout',
  'introspection',
  'token-revocation',
  'shared-signals',
  'global-token-revocation',
];

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
  // Input paths in the metafile (and in the comments of the unminified CLI and library) are relative to it.
  absWorkingDir: root,
};

/** The environment contract (lambdas/config/contract.ts), compiled on the fly: this script runs on plain Node. */
async function loadEnvironment() {
  const out = await build({
    entryPoints: [join(root, 'lambdas', 'config', 'contract.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const code = out.outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  return mod.ENVIRONMENT;
}

function readPrevious(file) {
  if (!existsSync(file)) return undefined;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package's main export (docs/library.md): dist/lib/index.js, CommonJS, its dependencies left to the
 * installing application's node_modules (not bundled), and its declarations (dist/lib/types) emitted by tsc from
 * the same sources. Not a Lambda: no zip, not in build.json.
 */
async function buildLibrary() {
  const outdir = join(dist, 'lib');
  const options = { ...common, packages: 'external', minify: false };
  const declarations = [
    '--ignoreConfig',
    '--declaration',
    '--emitDeclarationOnly',
    '--skipLibCheck',
    '--strict',
    '--target',
    'es2022',
    '--module',
    'preserve',
    '--moduleResolution',
    'bundler',
    '--types',
    'node',
  ];
  const key = buildKey({ part: 'lib', options, declarations, ...TOOLCHAIN });
  const size = () => (readFileSync(join(outdir, 'index.js')).length / 1024).toFixed(1).padStart(7);
  if (state.isCurrent('lib', key)) {
    console.log(`unchanged lib            ${size()} KiB  + types`);
    return;
  }
  const startedAt = Date.now();
  mkdirSync(outdir, { recursive: true });
  const tmpfile = join(outdir, `.index.${process.pid}.js`);
  const result = await build({
    ...options,
    entryPoints: [join(root, 'lambdas', 'library', 'index.ts')],
    outfile: tmpfile,
  });
  renameSync(tmpfile, join(outdir, 'index.js'));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const types = join(outdir, 'types');
  const run = spawnSync(
    process.execPath,
    [
      tsc,
      ...declarations,
      '--rootDir',
      join(root, 'lambdas'),
      '--outDir',
      types,
      join(root, 'lambdas', 'library', 'index.ts'),
    ],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) throw new Error('build: declarations of the library failed');
  // tsc reads the same sources as esbuild (the packages' own types are pinned by the lockfile, in the key).
  state.record(
    'lib',
    key,
    Object.keys(result.metafile.inputs),
    [join(outdir, 'index.js'), ...filesUnder(types)],
    startedAt,
  );
  console.log(`built     lib            ${size()} KiB  + types`);
}

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** The entry point of a target: `cli/index.ts` for the CLI, `lambdas/<function>/index.ts` for a function. */
function entryOf(name) {
  return name === 'cli' ? join(root, 'cli', 'index.ts') : join(root, 'lambdas', name, 'index.ts');
}

/**
 * Bundles `entries` (target name → entry point) with `options` into a directory beside dist/<name>/, then renames
 * each bundle over dist/<name>/index.js, so a concurrent reader never sees a missing or partial file. Nothing is
 * bundled when the part is up to date. Returns whether it was built.
 */
async function buildInto(names, entries, options) {
  const part = names.join(',');
  const key = buildKey({
    part,
    entries: Object.values(entries).map((e) => relative(root, e)),
    options,
    ...TOOLCHAIN,
  });
  const outputs = names.map((name) => join(dist, name, 'index.js'));
  if (state.isCurrent(part, key)) return false;
  const startedAt = Date.now();
  const staging = join(dist, `.build.${process.pid}`);
  try {
    const result = await build({
      ...options,
      entryPoints: Object.fromEntries(
        Object.entries(entries).map(([name, entry]) => [`${name}/index`, entry]),
      ),
      outdir: staging,
    });
    for (const name of names) {
      mkdirSync(join(dist, name), { recursive: true });
      renameSync(join(staging, name, 'index.js'), join(dist, name, 'index.js'));
    }
    state.record(part, key, Object.keys(result.metafile.inputs), outputs, startedAt);
    return true;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const targets = (only.length ? only : [...FUNCTIONS, 'cli', 'lib']).filter((t) => t !== 'lib');
  const withLibrary = only.length === 0 || only.includes('lib');
  mkdirSync(dist, { recursive: true });
  const reportFile = join(dist, 'build.json');
  const previous = readPrevious(reportFile);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const environment = await loadEnvironment();
  const report = [];
  const present = targets.filter((name) => existsSync(entryOf(name)));
  for (const name of targets.filter((t) => !present.includes(t))) {
    console.error(`build: no entry point at ${entryOf(name)}`);
    process.exitCode = 1;
  }
  const functions = present.filter((name) => name !== 'cli');
  // The functions in one esbuild call: it reads and parses the modules they share (the AWS SDK above all) once,
  // and writes each bundle exactly as a call of its own would (the same bytes; docs/releasing.md). 2.2 s of CPU
  // for the nine, against 4.0 s in nine calls.
  const built = new Set();
  if (
    functions.length > 0 &&
    (await buildInto(functions, Object.fromEntries(functions.map((name) => [name, entryOf(name)])), common))
  )
    for (const name of functions) built.add(name);
  if (
    present.includes('cli') &&
    (await buildInto(
      ['cli'],
      { cli: entryOf('cli') },
      {
        ...common,
        banner: { js: '#!/usr/bin/env node' },
        minify: false,
      },
    ))
  )
    built.add('cli');
  for (const name of present) {
    const code = readFileSync(join(dist, name, 'index.js'));
    const line = { name, bundleBytes: code.length, built: built.has(name) };
    if (name !== 'cli') {
      const zip = deterministicZip([{ name: 'index.js', data: code }]);
      const zipFile = join(dist, `${name}.zip`);
      writeFileSync(`${zipFile}.${process.pid}.tmp`, zip);
      renameSync(`${zipFile}.${process.pid}.tmp`, zipFile);
      line.zipBytes = zip.length;
      line.sha256 = createHash('sha256').update(zip).digest('base64');
    }
    report.push(line);
  }
  // A partial build (`node scripts/build.mjs authorizer`) keeps the other functions' entries of the same version.
  const zips = {};
  if (previous?.version === version)
    for (const [name, f] of Object.entries(previous.functions ?? {}))
      if (FUNCTIONS.includes(name))
        zips[name] = { zipBytes: f.zipBytes, bundleBytes: f.bundleBytes, sha256: f.sha256 };
  // The CLI is not a release artifact of the module: only the zips are described.
  for (const l of report)
    if (l.name !== 'cli')
      zips[l.name] = { zipBytes: l.zipBytes, bundleBytes: l.bundleBytes, sha256: l.sha256 };
  const manifest = buildManifest({ version, environment, zips });
  writeFileSync(`${reportFile}.${process.pid}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${reportFile}.${process.pid}.tmp`, reportFile);
  if (withLibrary) await buildLibrary();
  state.save();
  for (const l of report) {
    console.log(
      `${l.built ? 'built    ' : 'unchanged'} ${l.name.padEnd(14)} ${(l.bundleBytes / 1024).toFixed(1).padStart(7)} KiB` +
        (l.zipBytes ? `  zip ${(l.zipBytes / 1024).toFixed(1).padStart(6)} KiB  sha256 ${l.sha256}` : ''),
    );
  }
}

await main();
