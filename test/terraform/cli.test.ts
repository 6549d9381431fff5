/**
 * With the Terraform CLI and an AWS provider mirror (see docs/terraform.md#tests): `terraform fmt -check`, `init`
 * on the root and every example (where users run it), `validate` on the root, and every `terraform test` file but
 * the one the IAM proof runs (mocked AWS provider: no credentials, no network). The tests of the submodules and of
 * the examples are root test files whose runs name the module they plan (`module { source = "./modules/table" }`),
 * so `terraform test` validates and plans each of them from the root's processes. All of it runs in temporary
 * copies, so the repository stays clean.
 * Without the CLI or the mirror this file is skipped with one loud line.
 *
 * `terraform test` pays a fixed price per process before its first run, so the files of a directory share one
 * `terraform test -json -filter=<file>...` process, and only the root module (most of the runs) is split, into as
 * many processes as there are lanes (test/terraform/harness.ts `groupTestFiles`). The processes run side by side,
 * each in its own copy of the workspace (`.terraform` included), longest first, all attached to one shared provider
 * process. The commands start when the file does; each test below waits for its own file's result, read from the
 * JSON output.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  findTerraform,
  groupTestFiles,
  moduleDirs,
  ROOT,
  type RunResult,
  runBounded,
  TF_TIMEOUT_MS,
  terraformLanes,
  testOutcomes,
  type Workspace,
} from './harness.js';

const cli = findTerraform();
const missing = 'missing' in cli ? cli.missing : undefined;
if (missing)
  console.warn(`\n*** SKIPPED Terraform CLI checks (fmt, init, validate, terraform test): ${missing} ***\n`);

/**
 * Where `init` runs: the root and the examples, where users run Terraform. A submodule is only called by the root
 * and by its own runs in tests/, which the root's init installs.
 */
const dirs = moduleDirs().filter((dir) => !dir.startsWith('modules/'));

/** The `terraform test` files of a module directory as `-filter` names them: its own and those under tests/. */
function testFilesOf(dir: string): string[] {
  const files: string[] = [];
  for (const sub of ['.', 'tests']) {
    const abs = join(ROOT, dir, sub);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs).sort())
      if (name.endsWith('.tftest.hcl')) files.push(sub === '.' ? name : `tests/${name}`);
  }
  return files;
}

interface Suite {
  readonly dir: string;
  readonly file: string;
  /** Number of `run` blocks: the longest files start first, so the last one to finish is a short one. */
  readonly runs: number;
}

/**
 * Test files another test file runs and checks in full (every run passed), so this one does not run them again:
 * the IAM proof applies `tests/iam_proof.tftest.hcl` and reads the policies from its state.
 */
const RUN_ELSEWHERE: Readonly<Record<string, string>> = {
  '.|tests/iam_proof.tftest.hcl': 'test/iam/policy-proof.test.ts',
};

const suites: Suite[] = dirs.flatMap((dir) =>
  testFilesOf(dir)
    .filter((file) => !(`${dir}|${file}` in RUN_ELSEWHERE))
    .map((file) => ({
      dir,
      file,
      runs: (readFileSync(join(ROOT, dir, file), 'utf8').match(/^run\s+"/gm) ?? []).length,
    })),
);
const key = (s: { dir: string; file: string }) => `${s.dir}|${s.file}`;

/**
 * How long a test below may wait for its result: it waits for the commands queued before its own as well, and each
 * command is killed after TF_TIMEOUT_MS, so the bound is theirs added up (a hung command fails its own test).
 */
const WAIT_MS = TF_TIMEOUT_MS * (2 * dirs.length + suites.length);

/**
 * Where `validate` runs on its own: the root, without dist/, as a user's CI validates before any build. Every
 * submodule and example is the module of some run in tests/ (checked below), and `terraform test` validates a run's
 * module before the run; a separate validate cost 1.7 s of CPU per submodule and 2.4–2.7 s per example, mostly
 * loading the provider's schema.
 */
const validatedAlone = (dir: string) => dir === '.';

interface Initialised {
  readonly init: RunResult;
  readonly validate: RunResult;
}

describe.skipIf(missing !== undefined)('Terraform CLI', () => {
  let ws: Workspace;
  let fmt: RunResult;
  const lanes: Workspace[] = [];
  const inits = new Map<string, Promise<Initialised>>();
  const tests = new Map<string, Promise<RunResult>>();
  let finished: Promise<unknown> = Promise.resolve();

  beforeAll(() => {
    if ('missing' in cli) return;
    ws = createWorkspace(cli);
    // Before any init, so the copy holds only our files.
    fmt = ws.run(['fmt', '-check', '-recursive', '-diff', '-no-color']);

    const width = terraformLanes();
    // init and validate run without dist/: neither may need the built zips (they are read at plan time only).
    const dist = join(ws.dir, 'dist');
    renameSync(dist, `${dist}.hidden`);
    const initAll = runBounded(
      dirs.map((dir) => async (): Promise<Initialised> => {
        const init = await ws.runAsync(['init', '-backend=false', '-input=false', '-no-color'], dir);
        const validate =
          init.status !== 0 || !validatedAlone(dir)
            ? init
            : await ws.runAsync(['validate', '-no-color'], dir);
        return { init, validate };
      }),
      width,
    ).finally(() => renameSync(`${dist}.hidden`, dist));
    for (const [i, dir] of dirs.entries())
      inits.set(
        dir,
        initAll.then((all) => all[i]!),
      );

    const jobs = groupTestFiles(suites, width);
    const testAll = initAll.then(() => {
      // Lane 0 is the workspace itself; the others are copies made once every directory is initialised.
      lanes.push(ws, ...Array.from({ length: Math.min(width, jobs.length) - 1 }, () => ws.clone()));
      return runBounded(
        jobs.map(
          (job) => (lane: number) =>
            lanes[lane]!.runAsync(['test', '-json', ...job.suites.map((s) => `-filter=${s.file}`)], job.dir),
        ),
        width,
      );
    });
    for (const [i, job] of jobs.entries())
      for (const suite of job.suites)
        tests.set(
          key(suite),
          testAll.then((all) => all[i]!),
        );
    finished = testAll;
    // Each test awaits its own promise; this keeps a failure from also surfacing as an unhandled rejection.
    finished.catch(() => {});
    for (const p of [...inits.values(), ...tests.values()]) p.catch(() => {});
  }, 200_000);

  afterAll(async () => {
    await finished.catch(() => {});
    for (const lane of lanes.slice(1)) lane.dispose();
    ws?.dispose();
  }, WAIT_MS);

  it('every file is canonically formatted (terraform fmt -check -recursive)', () => {
    // Assert (the check ran first thing, on the untouched copy)
    expect(fmt.output, 'run `terraform fmt -recursive` on the files listed').toBe('');
    expect(fmt.status).toBe(0);
  });

  it('fmt -check reports a misformatted file (the check above can fail)', () => {
    // Arrange: a directory no module and no test file reads, so the commands running meanwhile never see it
    const probe = join(ws.dir, 'fmt-probe');
    mkdirSync(probe);
    writeFileSync(join(probe, 'probe.tf'), 'variable "x" {\ntype=string\n}\n');

    // Act
    const res = ws.run(['fmt', '-check', '-no-color', 'fmt-probe']);
    rmSync(probe, { recursive: true });

    // Assert
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('probe.tf');
  });

  it('runs every test file in tests/, and no other directory holds one', () => {
    // Assert: every root test file is run here or by the test file named in RUN_ELSEWHERE
    const files = readdirSync(join(ROOT, 'tests')).filter((f) => f.endsWith('.tftest.hcl'));
    expect(suites.map((s) => s.file).sort()).toEqual(
      files
        .map((f) => `tests/${f}`)
        .filter((f) => !(`.|${f}` in RUN_ELSEWHERE))
        .sort(),
    );
    expect(suites.every((s) => s.dir === '.')).toBe(true);
    for (const [file, runner] of Object.entries(RUN_ELSEWHERE)) {
      expect(existsSync(join(ROOT, ...file.split('|'))), file).toBe(true);
      expect(readFileSync(join(ROOT, runner), 'utf8'), runner).toContain(file.split('|')[1]);
    }
    // `terraform test` reads tests/ of the directory it runs in: a test file left in a submodule or an example
    // would never run.
    for (const dir of moduleDirs().filter((d) => d !== '.'))
      for (const sub of ['.', 'tests'])
        expect(
          existsSync(join(ROOT, dir, sub))
            ? readdirSync(join(ROOT, dir, sub)).filter((f) => f.endsWith('.tftest.hcl'))
            : [],
          `${dir}/${sub}`,
        ).toEqual([]);
    // and the grouping into processes loses none and runs none twice
    const grouped = groupTestFiles(suites, terraformLanes()).flatMap((j) => j.suites.map(key));
    expect(grouped.sort()).toEqual(suites.map(key).sort());
  });

  it('every submodule and example is the module of some run, so terraform test validates and plans it', () => {
    const sources = new Set(
      suites.flatMap((s) =>
        [
          ...readFileSync(join(ROOT, s.dir, s.file), 'utf8').matchAll(/^ {4}source\s*=\s*"\.\/([^"]+)"/gm),
        ].map((m) => m[1]),
      ),
    );
    for (const dir of moduleDirs().filter((d) => d !== '.')) expect(sources.has(dir), dir).toBe(true);
  });

  describe.each(dirs)('%s', (dir) => {
    it(
      validatedAlone(dir) ? 'init -backend=false and validate' : 'init -backend=false',
      async () => {
        // Act
        const { init, validate } = await inits.get(dir)!;

        // Assert
        expect(init.status, init.output).toBe(0);
        if (!validatedAlone(dir)) return;
        expect(validate.status, validate.output).toBe(0);
        expect(validate.output).toContain('The configuration is valid');
      },
      WAIT_MS,
    );

    for (const suite of suites.filter((s) => s.dir === dir)) {
      it(
        `terraform test -filter=${suite.file} (mocked AWS provider)`,
        async () => {
          // Act
          const res = await tests.get(key(suite))!;
          const outcome = testOutcomes(res.output).get(suite.file);

          // Assert: the file completed and passed, with every one of its runs passed (none skipped).
          const why = outcome?.diagnostics.length ? outcome.diagnostics.join('\n') : res.output;
          expect(outcome, `no result for ${suite.file} in the output:\n${res.output}`).toBeDefined();
          expect(outcome!.status, why).toBe('pass');
          const statuses = [...outcome!.runs.values()];
          expect(statuses.length, why).toBe(suite.runs);
          expect(
            statuses.every((s) => s === 'pass'),
            why,
          ).toBe(true);
        },
        WAIT_MS,
      );
    }
  });

  it(
    'validate needs no built zips (they are read at plan time only)',
    async () => {
      // Act: the root was validated above with dist/ moved away
      const root = await inits.get('.')!;

      // Assert
      expect(existsSync(join(ws.dir, 'dist', 'build.json'))).toBe(true);
      expect(root.validate.status, root.validate.output).toBe(0);
      expect(root.validate.output).toContain('The configuration is valid');
    },
    WAIT_MS,
  );
});
