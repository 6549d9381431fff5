// What a newcomer meets before `npm ci` / `npm run build`, and when the CLI cannot reach the stack: one line that
// says what to do, never a stack trace. The npm scripts run in a scratch copy of package.json + scripts/preflight.mjs
// (no node_modules, or a stand-in one), exactly as typed: `npm run demo`, `npm start`, …
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../../local/demo.js';
import { ROOT } from '../../local/lambda-endpoint.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, [...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A scratch project: the real package.json and preflight, plus whatever `setup` adds. */
function scratch(setup: (dir: string) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'newcomer-'));
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(ROOT, 'scripts', 'preflight.mjs'), join(dir, 'scripts', 'preflight.mjs'));
  setup(dir);
  return dir;
}

const noStackTrace = (text: string) => !/^\s+at .+:\d+:\d+\)?$/m.test(text);

describe('before `npm ci`: every script says so in one line', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratch();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['run', 'build'], 'npm run build'],
    [['run', 'demo'], 'npm run demo'],
    [['start'], 'npm start'],
    [['test'], 'npm test'],
  ])('npm %j', { timeout: 40_000 }, async (args, label) => {
    const out = await run('npm', args, dir);
    expect(out.code).not.toBe(0);
    expect(out.stderr.split('\n')[0]).toBe(`${label}: dependencies are not installed: run \`npm ci\` first.`);
    expect(noStackTrace(out.stderr + out.stdout)).toBe(true);
  });

  it('npm run cli', { timeout: 40_000 }, async () => {
    const out = await run('npm', ['run', 'cli', '--', 'sessions', 'alice'], dir);
    expect(out.code).not.toBe(0);
    expect(out.stderr.split('\n')[0]).toBe(
      'npm run cli: not installed and not built: run `npm ci`, then `npm run build`.',
    );
    expect(noStackTrace(out.stderr + out.stdout)).toBe(true);
  });
});

describe('after `npm ci`, before `npm run build`', () => {
  it('npm run cli says to build', { timeout: 40_000 }, async () => {
    const dir = scratch((d) => symlinkSync(join(ROOT, 'node_modules'), join(d, 'node_modules')));
    try {
      const out = await run('npm', ['run', 'cli', '--', '--help'], dir);
      expect(out.code).not.toBe(0);
      expect(out.stderr.split('\n')[0]).toBe(
        'npm run cli: not built yet (no dist/cli/index.js): run `npm run build` first.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('`npm ci --ignore-scripts`: cognito-local left unpatched', () => {
  it('npm run demo says how to apply the patch', { timeout: 40_000 }, async () => {
    // Arrange: a stand-in node_modules with the packages present but cognito-local as published (no patch)
    const dir = scratch((d) => {
      for (const pkg of ['esbuild', 'tsx', 'dynalite', 'cognito-local', 'aws-jwt-verify']) {
        mkdirSync(join(d, 'node_modules', pkg), { recursive: true });
        writeFileSync(join(d, 'node_modules', pkg, 'package.json'), '{}');
      }
    });
    try {
      // Act
      const out = await run('npm', ['run', 'demo'], dir);
      // Assert
      expect(out.code).not.toBe(0);
      expect(out.stderr.split('\n')[0]).toBe(
        'npm run demo: cognito-local is not patched (was `npm ci` run with --ignore-scripts?): run `npx patch-package` or `npm ci`.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the admin CLI when the stack is not there', () => {
  const cli = (args: string[]) =>
    run(
      process.execPath,
      ['--no-warnings', CLI_PATH, '--function', 'cognito-revocation-admin-signout', ...args],
      ROOT,
    );

  it('ECONNREFUSED: says nothing listens there and to run `npm start`', async () => {
    const out = await cli(['--endpoint-url', 'http://127.0.0.1:1', 'sessions', 'alice']);
    expect(out.code).toBe(3);
    expect(out.stderr.trim()).toMatch(
      /^Error: could not invoke cognito-revocation-admin-signout: .*ECONNREFUSED.* — nothing listens at http:\/\/127\.0\.0\.1:1: is the local stack running \(`npm start`\)\? Use the Lambda endpoint it prints\.$/,
    );
  });

  it.each(['127.0.0.1:9001', 'not a url', 'ftp://127.0.0.1:9001'])(
    'invalid --endpoint-url %j: says what to give',
    async (url) => {
      const out = await cli(['--endpoint-url', url, 'sessions', 'alice']);
      expect(out.code).toBe(3);
      expect(out.stderr.trim()).toBe(
        `Error: --endpoint-url "${url}" is not an http(s) URL: give the Lambda endpoint \`npm start\` prints, e.g. http://127.0.0.1:9001`,
      );
    },
  );
});
