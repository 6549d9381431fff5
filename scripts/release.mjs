#!/usr/bin/env node
// Cuts a release (docs/releasing.md):
//   npm run release -- <version> [--no-install]
// 1. refuses unless the working tree is clean, <version> is a semver not below package.json's (equal only for a
//    version never tagged, such as the first release) and its tag does not exist;
// 2. sets the version in package.json and package-lock.json, turns CHANGELOG.md's `## Unreleased` into
//    `## <version> — <date>` (under a fresh, empty `## Unreleased`);
// 3. `npm ci` (skipped with --no-install), then a fresh `npm run build` (deterministic zips, dist/build.json);
// 4. commits the version bump on the current branch ("release: v<version>");
// 5. makes one more commit on top of it that adds the built zips and dist/build.json — without moving the branch —
//    and tags that commit `v<version>` (annotated). The branch never carries built files; the tag does, so a
//    `git::...?ref=v<version>` or registry source has the zips and needs no Node on the Terraform runner.
// Nothing is pushed: the script prints the push command.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const version = args.find((a) => !a.startsWith('--'));
const install = !args.includes('--no-install');

const run = (cmd, cmdArgs, opts = {}) =>
  (
    execFileSync(cmd, cmdArgs, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      ...opts,
    }) ?? ''
  ).trim();
const git = (...a) => run('git', a);

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;
function compare(a, b) {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  for (let i = 1; i <= 3; i++) if (Number(pa[i]) !== Number(pb[i])) return Number(pa[i]) - Number(pb[i]);
  if (pa[4] === pb[4]) return 0;
  if (!pa[4]) return 1;
  if (!pb[4]) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

if (!version || !SEMVER.test(version)) fail('usage: npm run release -- <version>   (semver, e.g. 0.2.0)');
const pkgFile = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
// The first release of a version may keep package.json's number (0.1.0 was never tagged); otherwise it must rise.
if (compare(version, pkg.version) < 0) fail(`${version} is below the current version ${pkg.version}`);
if (git('status', '--porcelain')) fail('the working tree has changes: commit or stash them first');
const tag = `v${version}`;
if (git('tag', '--list', tag)) fail(`tag ${tag} exists already`);

const changelogFile = join(root, 'CHANGELOG.md');
const changelog = readFileSync(changelogFile, 'utf8');
const UNRELEASED = /^## \[?Unreleased\]?[ \t]*$/m;
if (!UNRELEASED.test(changelog))
  fail('CHANGELOG.md has no `## Unreleased` section: write the release notes there first');
const date = new Date().toISOString().slice(0, 10);

// 2. Version everywhere it is written.
pkg.version = version;
writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
const lockFile = join(root, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
lock.version = version;
if (lock.packages?.['']) lock.packages[''].version = version;
writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
writeFileSync(changelogFile, changelog.replace(UNRELEASED, `## Unreleased\n\n## ${version} — ${date}`));

// 3. A build from the lockfile's dependencies.
if (install) run('npm', ['ci', '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--force'], {
  stdio: ['ignore', 'inherit', 'inherit'],
});

// 4. The branch's release commit: version and notes only.
git('add', 'package.json', 'package-lock.json', 'CHANGELOG.md');
git('commit', '--quiet', '--allow-empty', '-m', `release: ${tag}`);

// 5. The tagged commit: the release commit plus the built files (build.json and every zip it lists), off the branch.
const manifest = JSON.parse(readFileSync(join(root, 'dist', 'build.json'), 'utf8'));
const releaseFiles = ['dist/build.json', ...Object.values(manifest.functions).map((f) => `dist/${f.zip}`)];
git('add', '--force', ...releaseFiles);
const tree = git('write-tree');
const tagged = git(
  'commit-tree',
  tree,
  '-p',
  'HEAD',
  '-m',
  `${tag}: the built Lambda zips and dist/build.json`,
);
git('reset', '--quiet');
git('tag', '-a', tag, tagged, '-m', `cognito-revocation ${version}`);

console.log(`release: tagged ${tag} at ${tagged.slice(0, 12)} (the branch's release commit plus dist/).`);
console.log(`Check it: node scripts/check-dist.mjs --rev=${tag}`);
console.log(`Publish:  git push origin HEAD ${tag}`);
