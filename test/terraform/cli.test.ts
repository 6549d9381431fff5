/**
 * With the Terraform CLI and an AWS provider mirror (see docs/terraform.md#tests): `terraform fmt -check`, `init` +
 * `validate` on the root, every submodule and every example, and every `terraform test` file (mocked AWS
 * provider: no credentials, no network). All of it runs in temporary copies, so the repository stays clean.
 * Without the CLI or the mirror this file is skipped with one loud line.
 *
 * `terraform test` runs the files of a directory one after the other, in one process; here each file is its own
 * `terraform test -filter=<file>` process, as many at a time as there are cores (each in its own copy of the
 * workspace, `.terraform` included), longest first, and every command attaches to one shared provider process
 * (test/terraform/harness.ts). The commands start when the file does; each test below waits for its own result.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  findTerraform,
  moduleDirs,
  ROOT,
  type RunResult,
  runBounded,
  TF_TIMEOUT_MS,
  terraformLanes,
  type Workspace,
} from './harness.js';

const cli = findTerraform();
const missing = 'missing' in cli ? cli.missing : undefined;
if (missing)
  console.warn(`\n*** SKIPPED Terraform CLI checks (fmt, init, validate, terraform test): ${missing} ***\n`);

const dirs = moduleDirs();

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

const suites: Suite[] = dirs.flatMap((dir) =>
  testFilesOf(dir).map((file) => ({
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
    const initAll = runBounded(
      dirs.map((dir) => async (): Promise<Initialised> => {
        const init = await ws.runAsync(['init', '-backend=false', '-input=false', '-no-color'], dir);
        const validate = init.status === 0 ? await ws.runAsync(['validate', '-no-color'], dir) : init;
        return { init, validate };
      }),
      width,
    );
    for (const [i, dir] of dirs.entries())
      inits.set(
        dir,
        initAll.then((all) => all[i]!),
      );

    const order = [...suites].sort((a, b) => b.runs - a.runs);
    const testAll = initAll.then(() => {
      // Lane 0 is the workspace itself; the others are copies made once every directory is initialised.
      lanes.push(ws, ...Array.from({ length: Math.min(width, order.length) - 1 }, () => ws.clone()));
      return runBounded(
        order.map(
          (suite) => (lane: number) =>
            lanes[lane]!.runAsync(['test', '-no-color', `-filter=${suite.file}`], suite.dir),
        ),
        width,
      );
    });
    for (const [i, suite] of order.entries())
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

  it('runs every test file of every module directory, each on its own', () => {
    // Assert: the split loses no file (the suites below are made from this list)
    for (const dir of dirs) {
      const tests = join(ROOT, dir, 'tests');
      const expected = existsSync(tests)
        ? readdirSync(tests).filter((f) => f.endsWith('.tftest.hcl')).length
        : 0;
      expect(suites.filter((s) => s.dir === dir && s.file.startsWith('tests/')).length, dir).toBe(expected);
    }
    expect(suites.find((s) => s.dir === '.' && s.file === 'tests/validation.tftest.hcl')).toBeDefined();
  });

  describe.each(dirs)('%s', (dir) => {
    it(
      'init -backend=false and validate',
      async () => {
        // Act
        const { init, validate } = await inits.get(dir)!;

        // Assert
        expect(init.status, init.output).toBe(0);
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

          // Assert: every run passed, none was skipped.
          expect(res.status, res.output).toBe(0);
          const summary = /Success! (\d+) passed, (\d+) failed\./.exec(res.output);
          expect(summary, res.output).not.toBeNull();
          expect(Number(summary![1])).toBeGreaterThan(0);
          expect(Number(summary![1]), res.output).toBe(suite.runs);
          expect(res.output).not.toMatch(/\.\.\. skip/);
        },
        WAIT_MS,
      );
    }
  });

  it(
    'validate needs no built zips (they are read at plan time only)',
    async () => {
      // Arrange: the module directory without dist/ (init already ran), once nothing else runs in it.
      await finished.catch(() => {});
      renameSync(join(ws.dir, 'dist'), join(ws.dir, 'dist.hidden'));
      try {
        // Act
        const [root, example] = await Promise.all([
          ws.runAsync(['validate', '-no-color']),
          ws.runAsync(['validate', '-no-color'], 'examples/complete'),
        ]);

        // Assert
        expect(root.status, root.output).toBe(0);
        expect(example.status, example.output).toBe(0);
      } finally {
        renameSync(join(ws.dir, 'dist.hidden'), join(ws.dir, 'dist'));
      }
    },
    WAIT_MS,
  );
});
