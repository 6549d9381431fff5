/**
 * With the Terraform CLI and an AWS provider mirror (see docs/terraform.md#tests): `terraform fmt -check`, `init` +
 * `validate` on the root, every submodule and every example, and every `terraform test` suite (mocked AWS
 * provider: no credentials, no network). All of it runs in a temporary copy, so the repository stays clean.
 * Without the CLI or the mirror this file is skipped with one loud line.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  findTerraform,
  moduleDirs,
  ROOT,
  TF_TIMEOUT_MS,
  type Workspace,
} from './harness.js';

const cli = findTerraform();
const missing = 'missing' in cli ? cli.missing : undefined;
if (missing)
  console.warn(`\n*** SKIPPED Terraform CLI checks (fmt, init, validate, terraform test): ${missing} ***\n`);

const dirs = moduleDirs();
const withSuites = dirs.filter((d) => {
  const tests = join(ROOT, d, 'tests');
  return existsSync(tests) && readdirSync(tests).some((f) => f.endsWith('.tftest.hcl'));
});

describe.skipIf(missing !== undefined)('Terraform CLI', () => {
  let ws: Workspace;

  beforeAll(() => {
    if ('missing' in cli) return;
    ws = createWorkspace(cli);
  });

  afterAll(() => ws?.dispose());

  it('every file is canonically formatted (terraform fmt -check -recursive)', () => {
    // Act: before any init, so the copy holds only our files.
    const res = ws.run(['fmt', '-check', '-recursive', '-diff', '-no-color']);

    // Assert
    expect(res.output, 'run `terraform fmt -recursive` on the files listed').toBe('');
    expect(res.status).toBe(0);
  });

  it('fmt -check reports a misformatted file (the check above can fail)', () => {
    // Arrange
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

  describe.each(dirs)('%s', (dir) => {
    it(
      'init -backend=false and validate',
      () => {
        // Act
        const init = ws.run(['init', '-backend=false', '-input=false', '-no-color'], dir);
        const validate = init.status === 0 ? ws.run(['validate', '-no-color'], dir) : init;

        // Assert
        expect(init.status, init.output).toBe(0);
        expect(validate.status, validate.output).toBe(0);
        expect(validate.output).toContain('The configuration is valid');
      },
      TF_TIMEOUT_MS,
    );

    it.runIf(withSuites.includes(dir))(
      'terraform test (mocked AWS provider)',
      () => {
        // Act
        const res = ws.run(['test', '-no-color'], dir);

        // Assert: every run passed, none was skipped.
        expect(res.status, res.output).toBe(0);
        const summary = /Success! (\d+) passed, (\d+) failed\./.exec(res.output);
        expect(summary, res.output).not.toBeNull();
        expect(Number(summary![1])).toBeGreaterThan(0);
        expect(res.output).not.toMatch(/\.\.\. skip/);
      },
      TF_TIMEOUT_MS,
    );
  });

  it('validate needs no built zips (they are read at plan time only)', () => {
    // Arrange: the module directory without dist/ (init already ran in the example above).
    renameSync(join(ws.dir, 'dist'), join(ws.dir, 'dist.hidden'));
    try {
      // Act
      const root = ws.run(['validate', '-no-color']);
      const example = ws.run(['validate', '-no-color'], 'examples/complete');

      // Assert
      expect(root.status, root.output).toBe(0);
      expect(example.status, example.output).toBe(0);
    } finally {
      renameSync(join(ws.dir, 'dist.hidden'), join(ws.dir, 'dist'));
    }
  }, 120_000);
});
