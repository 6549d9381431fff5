/**
 * Distribution: a release is consumable with no Node toolchain on the Terraform runner.
 * In a temporary git repository holding this working tree's files, `scripts/release.mjs` cuts a release (version
 * bump, CHANGELOG, build, a tagged commit that carries the zips). A consumer then plans the module from
 * `git::file://<repo>?ref=<tag>` without `package_dir`; a tag whose package.json names another version than its
 * zips fails the plan with the version line; and `scripts/check-dist.mjs` passes on release commits and on
 * ordinary ones, and fails when a committed zip is not what the sources build.
 * Git tags do not travel with a submission, so the test tags its own copy. Mocked AWS provider: no credentials,
 * no network. Skipped with one loud line without the Terraform CLI, the provider mirror or git.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliConfig,
  findTerraform,
  packageVersion,
  ROOT,
  sharedProvider,
  TF_TIMEOUT_MS,
  type TerraformCli,
  terraformEnv,
} from './harness.js';

const cli = findTerraform();
const gitVersion = spawnSync('git', ['--version'], { encoding: 'utf8' });
const missing =
  'missing' in cli
    ? cli.missing
    : gitVersion.status !== 0
      ? 'no `git` on PATH (needed for git:: sources)'
      : undefined;
if (missing)
  console.warn(`\n*** SKIPPED release tests (git-tagged module consumed by Terraform): ${missing} ***\n`);

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'release test',
  GIT_AUTHOR_EMAIL: 'release-test@example.invalid',
  GIT_COMMITTER_NAME: 'release test',
  GIT_COMMITTER_EMAIL: 'release-test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = GIT_ENV) {
  const res = spawnSync(cmd, [...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: TF_TIMEOUT_MS,
    maxBuffer: 1 << 26,
  });
  return {
    status: res.status,
    output: `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? String(res.error) : ''}`,
  };
}

function nextPatch(version: string): string {
  const [major, minor, patch] = version.split(/[.-]/).map(Number);
  return `${major}.${minor}.${(patch ?? 0) + 1}`;
}

/** A consumer root module of `source`, with a mocked-provider test suite that plans it. */
function writeConsumer(dir: string, source: string): void {
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(
    join(dir, 'main.tf'),
    `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.77.0, < 7.0"
    }
  }
}

module "cognito_revocation" {
  source = ${JSON.stringify(source)}

  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
  rest_apis    = { orders = { rest_api_id = "a1b2c3d4e5" } }
}

output "module_version" {
  value = module.cognito_revocation.module_version
}
`,
  );
  writeFileSync(
    join(dir, 'tests', 'plan.tftest.hcl'),
    `mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

run "plans_from_the_tag" {
  command = plan

  assert {
    condition     = output.module_version != null
    error_message = "The module states its version."
  }
}
`,
  );
}

describe.skipIf(missing !== undefined)('a release consumed from a git tag', () => {
  let base: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;
  let initEnv: NodeJS.ProcessEnv;
  let tf: TerraformCli;
  const version = nextPatch(packageVersion());
  const tag = `v${version}`;

  beforeAll(() => {
    if ('missing' in cli) return;
    tf = cli;
    base = mkdtempSync(join(tmpdir(), 'cognito-revocation-release-'));
    repo = join(base, 'repo');
    // Arrange: the working tree's files (tracked and new, not ignored), as they are now.
    const listed = sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], ROOT);
    expect(listed.status, listed.output).toBe(0);
    for (const file of listed.output.split('\0').filter(Boolean)) {
      if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(repo, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
    for (const args of [
      ['init', '--quiet', '--initial-branch=main'],
      ['add', '--all'],
      ['commit', '--quiet', '-m', 'sources'],
    ]) {
      const res = sh('git', args, repo);
      expect(res.status, res.output).toBe(0);
    }
    writeFileSync(join(repo, '.git', 'info', 'exclude'), 'node_modules\n');
    const rc = join(base, '.terraformrc');
    writeFileSync(rc, cliConfig(tf));
    initEnv = terraformEnv(rc);
    // Every command but init attaches to the test process's one provider (test/terraform/harness.ts).
    const reattach = sharedProvider(tf);
    env = reattach ? { ...initEnv, TF_REATTACH_PROVIDERS: reattach } : initEnv;
  }, TF_TIMEOUT_MS);

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it(
    '`npm run release` tags a commit carrying the zips, and leaves the branch without them',
    () => {
      // Act
      const release = sh(process.execPath, ['scripts/release.mjs', version, '--no-install'], repo);

      // Assert
      expect(release.status, release.output).toBe(0);
      const inTag = sh('git', ['ls-tree', '-r', '--name-only', tag, '--', 'dist/'], repo)
        .output.split('\n')
        .filter(Boolean);
      const inBranch = sh('git', ['ls-tree', '-r', '--name-only', 'main', '--', 'dist/'], repo).output.trim();
      expect(inTag.sort()).toEqual([
        'dist/admin-signout.zip',
        'dist/authorizer.zip',
        'dist/auto-revocation.zip',
        'dist/build.json',
        'dist/global-token-revocation.zip',
        'dist/introspection.zip',
        'dist/logout.zip',
        'dist/shared-signals.zip',
        'dist/token-revocation.zip',
        'dist/token-trigger.zip',
      ]);
      expect(inBranch).toBe('');
      const manifest = JSON.parse(sh('git', ['show', `${tag}:dist/build.json`], repo).output) as {
        version: string;
      };
      expect(manifest.version).toBe(version);
      expect(sh('git', ['show', `${tag}:package.json`], repo).output).toContain(`"version": "${version}"`);
      expect(sh('git', ['show', `main:CHANGELOG.md`], repo).output).toMatch(
        new RegExp(`^## ${version.replace(/\./g, '\\.')} — \\d{4}-\\d{2}-\\d{2}$`, 'm'),
      );
    },
    TF_TIMEOUT_MS,
  );

  it(
    'check-dist passes on the tagged commit and on the branch',
    () => {
      // Act
      const onTag = sh(process.execPath, ['scripts/check-dist.mjs', `--rev=${tag}`], repo);
      const onBranch = sh(process.execPath, ['scripts/check-dist.mjs'], repo);

      // Assert
      expect(onTag.status, onTag.output).toBe(0);
      expect(onTag.output).toContain('equal a fresh build');
      expect(onBranch.status, onBranch.output).toBe(0);
      expect(onBranch.output).toContain('nothing to compare');
    },
    TF_TIMEOUT_MS,
  );

  it(
    'a consumer plans the module from git::file://...?ref=<tag> with no package_dir and no build; a swapped zip fails',
    () => {
      // Arrange
      const consumer = join(base, 'consumer');
      writeConsumer(consumer, `git::file://${repo}?ref=${tag}`);

      // Act
      const init = sh(tf.bin, ['init', '-input=false', '-no-color'], consumer, initEnv);
      const test = init.status === 0 ? sh(tf.bin, ['test', '-no-color'], consumer, env) : init;

      // Assert
      expect(init.status, init.output).toBe(0);
      expect(test.status, test.output).toBe(0);
      expect(test.output).toMatch(/Success! 1 passed, 0 failed\./);
      expect(
        existsSync(join(consumer, '.terraform', 'modules', 'cognito_revocation', 'dist', 'authorizer.zip')),
      ).toBe(true);

      // Act again: a zip swapped after the build (here, in the downloaded module) is refused too.
      const zip = join(consumer, '.terraform', 'modules', 'cognito_revocation', 'dist', 'authorizer.zip');
      writeFileSync(zip, Buffer.concat([readFileSync(zip), Buffer.from('tampered')]));
      const swapped = sh(tf.bin, ['test', '-no-color'], consumer, env);

      // Assert
      expect(swapped.status).not.toBe(0);
      expect(swapped.output.replace(/\s+/g, ' ')).toContain(
        'cognito-revocation: authorizer.zip in .terraform/modules/cognito_revocation/dist is not the zip build.json describes',
      );
    },
    TF_TIMEOUT_MS,
  );

  it(
    'a tag whose zips belong to another version fails the plan with the version line',
    () => {
      // Arrange: a commit on the tag that changes the module's version without rebuilding its zips.
      const badTag = 'v9.9.9';
      for (const args of [['checkout', '--quiet', '--detach', tag]]) sh('git', args, repo);
      const pkgFile = join(repo, 'package.json');
      writeFileSync(
        pkgFile,
        readFileSync(pkgFile, 'utf8').replace(`"version": "${version}"`, '"version": "9.9.9"'),
      );
      for (const args of [
        ['commit', '--quiet', '-am', 'version without a build'],
        ['tag', badTag],
        ['checkout', '--quiet', 'main'],
      ]) {
        const res = sh('git', args, repo);
        expect(res.status, res.output).toBe(0);
      }
      const consumer = join(base, 'consumer-mismatch');
      writeConsumer(consumer, `git::file://${repo}?ref=${badTag}`);

      // Act
      const init = sh(tf.bin, ['init', '-input=false', '-no-color'], consumer, initEnv);
      const test = init.status === 0 ? sh(tf.bin, ['test', '-no-color'], consumer, env) : init;

      // Assert: Terraform wraps long messages; compare with whitespace folded.
      expect(init.status, init.output).toBe(0);
      expect(test.status).not.toBe(0);
      expect(test.output.replace(/\s+/g, ' ')).toContain(
        `cognito-revocation: the zips in .terraform/modules/cognito_revocation/dist are version ${version}, this module is version 9.9.9`,
      );
    },
    TF_TIMEOUT_MS,
  );

  it(
    'check-dist fails a release commit whose zip is not what its sources build',
    () => {
      // Arrange: the tagged commit with one zip replaced.
      sh('git', ['checkout', '--quiet', '--detach', tag], repo);
      writeFileSync(join(repo, 'dist', 'authorizer.zip'), 'not the build');
      const commit = sh('git', ['commit', '--quiet', '-am', 'tampered zip'], repo);
      expect(commit.status, commit.output).toBe(0);

      // Act
      const check = sh(process.execPath, ['scripts/check-dist.mjs'], repo);
      sh('git', ['checkout', '--quiet', '--force', 'main'], repo);

      // Assert
      expect(check.status).toBe(1);
      expect(check.output).toContain('dist/authorizer.zip differs from a fresh build');
    },
    TF_TIMEOUT_MS,
  );
});
