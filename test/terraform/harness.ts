/**
 * Shared by the Terraform test files: finding the module's files, the Terraform CLI and the provider mirror, and a
 * throw-away workspace so `terraform init` never writes into the repository.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { ENVIRONMENT } from '../../lambdas/config/contract.js';
import { ROOT } from '../../scripts/docs.js';
import { buildManifest } from '../../scripts/manifest.mjs';

export { ROOT };

/** Module directories: the root, every submodule, every example that holds `.tf` files. */
export function moduleDirs(root = ROOT): string[] {
  const dirs = ['.'];
  for (const parent of ['modules', 'examples']) {
    const abs = join(root, parent);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs).sort()) {
      const dir = join(abs, name);
      if (statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.tf'))) {
        dirs.push(`${parent}/${name}`);
      }
    }
  }
  return dirs;
}

const SKIP_DIRS = new Set(['node_modules', '.terraform', 'cdktf.out', '.git', 'dist']);

/** Every Terraform file we own (`.tf`, `.tftest.hcl`, `.tfmock.hcl`), repository-relative. */
export function terraformFiles(root = ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string, recurse: boolean): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) {
        if (recurse && !SKIP_DIRS.has(name)) walk(abs, true);
      } else if (/\.(tf|tftest\.hcl|tfmock\.hcl)$/.test(name)) {
        out.push(relative(root, abs));
      }
    }
  };
  walk(root, false);
  for (const sub of ['modules', 'examples', 'tests'])
    if (existsSync(join(root, sub))) walk(join(root, sub), true);
  return out;
}

/**
 * Upper bound of one Terraform command (a whole `terraform test` process included). The longest, half of the root
 * module's test files, takes about a minute on the quiet 2-core machine; such a process measured several times that
 * under a load average near 10, so the bound is generous: a slow machine must not fail a correct module.
 */
export const TF_TIMEOUT_MS = 900_000;

export interface TerraformCli {
  readonly bin: string;
  readonly mirror: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The Terraform CLI and an AWS provider mirror, or the reason they are unavailable. */
export function findTerraform(): TerraformCli | { missing: string } {
  const bin = process.env.TERRAFORM_BIN ?? onPath('terraform');
  if (!bin) return { missing: 'no `terraform` on PATH (set TERRAFORM_BIN to use another)' };
  if (!existsSync(bin)) return { missing: `TERRAFORM_BIN=${bin} does not exist` };
  const candidates = [process.env.TF_PLUGIN_MIRROR, '/opt/tf-plugins'].filter((d): d is string => Boolean(d));
  const mirror = candidates.find((d) => existsSync(join(d, 'registry.terraform.io', 'hashicorp', 'aws')));
  if (!mirror) {
    return {
      missing: `no hashicorp/aws provider mirror in ${candidates.join(' or ')} (set TF_PLUGIN_MIRROR; see docs/terraform.md#tests)`,
    };
  }
  return { bin, mirror };
}

/** Whether the mirror holds packed provider zips (then a plugin cache saves unzipping for every init). */
function mirrorIsPacked(mirror: string): boolean {
  const dir = join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  return readdirSync(dir).some((f) => f.endsWith('.zip'));
}

export interface RunResult {
  readonly status: number | null;
  readonly output: string;
}

export interface Workspace {
  readonly dir: string;
  /** Environment of every command; holds TF_REATTACH_PROVIDERS while a shared provider serves this process. */
  readonly env: NodeJS.ProcessEnv;
  run(args: readonly string[], cwd?: string): RunResult;
  /** As `run`, without blocking the event loop, so several Terraform processes can run side by side. */
  runAsync(args: readonly string[], cwd?: string): Promise<RunResult>;
  /** A copy of the workspace as it is now (`.terraform` included), for a command running beside this one's. */
  clone(): Workspace;
  dispose(): void;
}

/** An empty but valid zip (end-of-central-directory record only): enough for `filebase64sha256` and mocks. */
export const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

/** One zip per function of the environment contract (lambdas/config/contract.ts), named like the function. */
export const FUNCTION_ZIPS = Object.keys(ENVIRONMENT);

/** The package version the module reads (package.json), which build.json must state. */
export function packageVersion(root = ROOT): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Placeholder zips and the build manifest `npm run build` would write for them (same version, same environment
 * contract), so plans do not depend on a build; `version` makes a mismatched one.
 */
export function writePlaceholderPackage(distDir: string, version = packageVersion()): void {
  mkdirSync(distDir, { recursive: true });
  const zips: Record<string, { zipBytes: number; bundleBytes: number; sha256: string }> = {};
  for (const fn of FUNCTION_ZIPS) {
    writeFileSync(join(distDir, `${fn}.zip`), EMPTY_ZIP);
    zips[fn] = {
      zipBytes: EMPTY_ZIP.length,
      bundleBytes: 0,
      sha256: createHash('sha256').update(EMPTY_ZIP).digest('base64'),
    };
  }
  const manifest = buildManifest({ version, environment: ENVIRONMENT, zips });
  writeFileSync(join(distDir, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The Terraform CLI configuration that installs providers only from the mirror (and a plugin cache if packed). */
export function cliConfig(cli: TerraformCli): string {
  const cacheLine = mirrorIsPacked(cli.mirror)
    ? `plugin_cache_dir = ${JSON.stringify(join(tmpdir(), 'cognito-revocation-tf-plugin-cache'))}\n`
    : '';
  if (cacheLine) mkdirSync(join(tmpdir(), 'cognito-revocation-tf-plugin-cache'), { recursive: true });
  return `${cacheLine}provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(cli.mirror)}
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`;
}

/** Environment of every Terraform run: mirror-only providers, no prompts, no credentials that could reach AWS. */
export function terraformEnv(rcFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: rcFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    // Mocked tests need no credentials; make sure none leak in and nothing reaches AWS.
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Terraform (Go) spends most of a mocked plan allocating: collecting garbage at 400 % heap growth instead of
    // Go's default 100 % took tests/validation.tftest.hcl (51 runs) from 30.4 s to 21.9 s of CPU (1.39x) for 0.3 GB
    // more peak memory; 800 % and more cost more again (docs/testing.md). A GOGC of the caller's wins.
    GOGC: process.env.GOGC ?? '400',
  };
  for (const key of ['TF_DATA_DIR', 'TF_PLUGIN_CACHE_DIR', 'TF_CLI_ARGS', 'AWS_PROFILE', 'AWS_SESSION_TOKEN'])
    delete env[key];
  return env;
}

/**
 * A temporary copy of the module (root `.tf`, `package.json`, `tests/`, `modules/`, `examples/`), with placeholder
 * `dist/*.zip` and their `dist/build.json` so plans do not depend on `npm run build`, and a CLI config that installs
 * providers only from the mirror.
 * An unpacked mirror is linked straight from `.terraform/` (measured 0.4 s per init); a packed one goes through
 * a plugin cache shared by every workspace of the run.
 */
export function createWorkspace(cli: TerraformCli): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-revocation-tf-'));
  for (const file of readdirSync(ROOT)) {
    if (file.endsWith('.tf')) cpSync(join(ROOT, file), join(dir, file));
  }
  for (const sub of ['tests', 'modules', 'examples']) {
    if (!existsSync(join(ROOT, sub))) continue;
    cpSync(join(ROOT, sub), join(dir, sub), {
      recursive: true,
      filter: (src) => !SKIP_DIRS.has(src.split(/[\\/]/).pop() ?? ''),
    });
  }
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  writePlaceholderPackage(join(dir, 'dist'));

  const rc = join(dir, '.terraformrc');
  writeFileSync(rc, cliConfig(cli));
  const env = terraformEnv(rc);
  const reattach = sharedProvider(cli);
  if (reattach) env.TF_REATTACH_PROVIDERS = reattach;
  return workspaceAt(cli, dir, env);
}

function workspaceAt(cli: TerraformCli, dir: string, env: NodeJS.ProcessEnv): Workspace {
  const reattach = env.TF_REATTACH_PROVIDERS;
  // `init` without the shared provider: it installs the provider from the mirror as a user's init would (and
  // writes the lock file); every later command attaches to the running one.
  const envFor = (args: readonly string[]): NodeJS.ProcessEnv => {
    if (args[0] !== 'init' || !reattach) return env;
    const { TF_REATTACH_PROVIDERS: _, ...rest } = env;
    return rest;
  };
  return {
    dir,
    env,
    run(args, cwd = '.') {
      const res = spawnSync(cli.bin, [...args], {
        cwd: join(dir, cwd),
        env: envFor(args),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: TF_TIMEOUT_MS,
      });
      return {
        status: res.status,
        output: `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? String(res.error) : ''}`,
      };
    },
    runAsync(args, cwd = '.') {
      return runAsync(cli.bin, args, join(dir, cwd), envFor(args));
    },
    clone() {
      const copy = mkdtempSync(join(tmpdir(), 'cognito-revocation-tf-'));
      cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
      return workspaceAt(cli, copy, env);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runAsync(
  bin: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const child = spawn(bin, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\n(killed after ${TF_TIMEOUT_MS} ms)\n`));
      child.kill('SIGKILL');
    }, TF_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (error) => chunks.push(Buffer.from(String(error))));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/**
 * How many Terraform processes run side by side: one per core (`terraform test` runs the files of a directory one
 * after the other in one process, so the suite is split by file). `TERRAFORM_TEST_LANES` overrides it.
 */
export function terraformLanes(): number {
  const forced = Number(process.env.TERRAFORM_TEST_LANES);
  return Number.isInteger(forced) && forced > 0 ? forced : Math.max(1, availableParallelism());
}

/** Runs `jobs` with at most `limit` at a time; each result at its job's index. */
export async function runBounded<T>(
  jobs: readonly ((lane: number) => Promise<T>)[],
  limit: number,
): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  const lane = async (id: number): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!(id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, (_, id) => lane(id)));
  return results;
}

/** The provider's own plugin logs (trace level in debug mode) are switched off: they cost CPU and nobody reads them. */
const QUIET_PROVIDER_ENV = {
  TF_LOG: 'off',
  TF_LOG_PROVIDER: 'off',
  TF_LOG_SDK: 'off',
  TF_LOG_SDK_PROTO: 'off',
  TF_LOG_SDK_FRAMEWORK: 'off',
  TF_LOG_SDK_HELPER_SCHEMA: 'off',
};

/** The unpacked AWS provider binary of the mirror, when it holds exactly one version for this platform. */
function unpackedProvider(mirror: string): string | undefined {
  const base = join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const found = readdirSync(base)
    .map((version) => join(base, version, platform))
    .filter((dir) => existsSync(dir) && statSync(dir).isDirectory())
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.startsWith('terraform-provider-aws'))
        .map((f) => join(dir, f)),
    );
  return found.length === 1 ? found[0] : undefined;
}

let shared: { reattach: string | undefined } | undefined;

/**
 * One AWS provider process serving every Terraform command of this test process, as `TF_REATTACH_PROVIDERS`.
 * Terraform otherwise starts the provider (a 600 MB binary that builds its whole schema at start) afresh for every
 * `run` block of every `terraform test` file and for every validate; attached, it starts once, and Terraform keeps
 * its schema after the first request. Measured on the 2-core box: `tests/enterprise.tftest.hcl` (15 runs) took 25–26 s
 * of CPU attached against 68 s with a provider per command (docs/testing.md). The mocked tests never configure the provider, so one
 * process serves concurrent commands.
 *
 * Started in debug mode (`-debug`, the provider's documented way to run under a debugger), which prints the
 * reattach configuration and serves until it is killed; a watcher kills it when this process exits, however it
 * exits. Only with an unpacked mirror of one version (anything else: every command starts its own provider, as
 * before); `TERRAFORM_SHARED_PROVIDER=0` turns it off.
 */
export function sharedProvider(cli: TerraformCli): string | undefined {
  if (shared) return shared.reattach;
  shared = { reattach: undefined };
  if (process.env.TERRAFORM_SHARED_PROVIDER === '0' || process.platform === 'win32') return undefined;
  const bin = unpackedProvider(cli.mirror);
  if (!bin) return undefined;
  const out = join(mkdtempSync(join(tmpdir(), 'cognito-revocation-tf-provider-')), 'provider.out');
  // Every background process writes to a file, so spawnSync returns as soon as the reattach line is there.
  const script = [
    '"$1" -debug >"$3" 2>&1 </dev/null &',
    'p=$!',
    '( while kill -0 "$2" 2>/dev/null && kill -0 "$p" 2>/dev/null; do sleep 1; done; kill "$p" 2>/dev/null; rm -rf "$(dirname "$3")" ) >/dev/null 2>&1 </dev/null &',
    'i=0',
    'until grep -q "TF_REATTACH_PROVIDERS=" "$3" 2>/dev/null; do',
    '  kill -0 "$p" 2>/dev/null || exit 3',
    '  i=$((i + 1)); [ "$i" -gt 1200 ] && { kill "$p"; exit 4; }',
    '  sleep 0.1',
    'done',
    'echo "$p"',
  ].join('\n');
  const res = spawnSync('sh', ['-c', script, 'sh', bin, String(process.pid), out], {
    env: { ...process.env, ...QUIET_PROVIDER_ENV },
    encoding: 'utf8',
    timeout: 150_000,
  });
  const pid = Number(res.stdout?.trim());
  const line = existsSync(out) ? /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(readFileSync(out, 'utf8')) : null;
  if (res.status !== 0 || !line || !Number.isInteger(pid)) {
    console.warn(
      `shared Terraform provider did not start (every command starts its own): ${res.stderr ?? ''}`,
    );
    return undefined;
  }
  process.once('exit', () => {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
    rmSync(dirname(out), { recursive: true, force: true });
  });
  shared.reattach = line[1];
  return shared.reattach;
}

/** One `run` block's or one test file's outcome as `terraform test -json` reports it. */
export interface FileOutcome {
  /** `pass`, `fail`, `error` or `skip`; undefined when the file never completed (the process died first). */
  readonly status: string | undefined;
  /** Every `run` block that completed, by name, with its status. */
  readonly runs: ReadonlyMap<string, string>;
  /** The diagnostics Terraform printed for this file (its runs' failed assertions included), one per entry. */
  readonly diagnostics: readonly string[];
}

/**
 * The outcome of every test file of a `terraform test -json` output, by path (as `-filter` names it). Lines that
 * are not JSON (a crash's stack trace) are ignored here; the caller keeps the raw output for its messages.
 */
export function testOutcomes(output: string): Map<string, FileOutcome> {
  type Outcome = { status: string | undefined; runs: Map<string, string>; diagnostics: string[] };
  const files = new Map<string, Outcome>();
  const of = (path: string): Outcome => {
    const outcome = files.get(path) ?? { status: undefined, runs: new Map(), diagnostics: [] };
    files.set(path, outcome);
    return outcome;
  };
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: {
      type?: string;
      '@testfile'?: string;
      '@testrun'?: string;
      test_file?: { path: string; progress: string; status?: string };
      test_run?: { path: string; run: string; progress: string; status?: string };
      diagnostic?: { severity?: string; summary?: string; detail?: string };
    };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.type === 'test_file' && msg.test_file?.progress === 'complete')
      of(msg.test_file.path).status = msg.test_file.status;
    else if (msg.type === 'test_run' && msg.test_run?.progress === 'complete')
      of(msg.test_run.path).runs.set(msg.test_run.run, msg.test_run.status ?? 'unknown');
    else if (msg.type === 'diagnostic' && msg['@testfile'] && msg.diagnostic) {
      const d = msg.diagnostic;
      const where = msg['@testrun'] ? `run "${msg['@testrun']}": ` : '';
      of(msg['@testfile']).diagnostics.push(`${where}${d.severity}: ${d.summary}\n${d.detail ?? ''}`);
    }
  }
  return files;
}

/** A set of test files of one module directory, run by one `terraform test` process. */
export interface TestJob<S extends { readonly dir: string; readonly file: string; readonly runs: number }> {
  readonly dir: string;
  readonly suites: readonly S[];
  readonly runs: number;
}

/**
 * The test files grouped into `terraform test` processes, longest first. Each process pays a fixed price before its
 * first run (loading the configuration and the provider's schema: about 3 s of CPU on the 2-core box), so a
 * directory's files share one process, and only a directory holding more runs than one lane's share of all of them
 * (the root module) is split, into as few balanced groups as that takes.
 */
export function groupTestFiles<
  S extends { readonly dir: string; readonly file: string; readonly runs: number },
>(suites: readonly S[], lanes: number): TestJob<S>[] {
  const total = suites.reduce((n, s) => n + s.runs, 0);
  const share = Math.max(1, Math.ceil(total / Math.max(1, lanes)));
  const jobs: TestJob<S>[] = [];
  for (const dir of [...new Set(suites.map((s) => s.dir))]) {
    const own = suites.filter((s) => s.dir === dir).sort((a, b) => b.runs - a.runs);
    const runs = own.reduce((n, s) => n + s.runs, 0);
    const count = Math.min(own.length, Math.ceil(runs / share));
    const groups = Array.from({ length: count }, () => ({ suites: [] as S[], runs: 0 }));
    for (const suite of own) {
      const lightest = groups.reduce((a, b) => (b.runs < a.runs ? b : a));
      lightest.suites.push(suite);
      lightest.runs += suite.runs;
    }
    for (const g of groups) jobs.push({ dir, suites: g.suites, runs: g.runs });
  }
  return jobs.sort((a, b) => b.runs - a.runs);
}
