/**
 * examples/complete/try-it.sh before `terraform apply` and with `--help`: it must not run the scenario (which creates
 * a user in a real account). Runs the real script with the real `terraform` (no state: Terraform prints its
 * "No outputs found" warning on stdout with exit code 0 for `output -raw`) and with recording stand-ins for `aws`
 * and `curl` on PATH, so nothing can reach AWS and every call they would have made is seen.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../fixtures/bundles.js';

const SCRIPT = join(ROOT, 'examples', 'complete', 'try-it.sh');
let bin: string;
let calls: string;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      SCRIPT,
      args,
      {
        timeout: 60_000,
        env: {
          PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
          HOME: process.env.HOME ?? tmpdir(),
          TF_IN_AUTOMATION: '1',
          CHECKPOINT_DISABLE: '1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const recorded = () => (existsSync(calls) ? readFileSync(calls, 'utf8') : '');

beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'try-it-bin-'));
  calls = join(bin, 'calls.log');
  for (const tool of ['aws', 'curl']) {
    const file = join(bin, tool);
    writeFileSync(file, `#!/bin/sh\necho "${tool} $*" >> "${calls}"\nexit 0\n`);
    chmodSync(file, 0o755);
  }
});
afterAll(() => {
  rmSync(bin, { recursive: true, force: true });
});

describe.runIf(process.platform !== 'win32')('examples/complete/try-it.sh', () => {
  it('--help prints the usage and does nothing else', async () => {
    // Act
    const out = await run(['--help']);
    // Assert
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: \.\/try-it\.sh \[--help\]/);
    expect(out.stdout).toContain('real AWS account');
    expect(recorded()).toBe('');
  });

  it('an unknown argument is refused with the usage, doing nothing', async () => {
    // Act
    const out = await run(['--region']);
    // Assert
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("try-it: unknown argument '--region'");
    expect(recorded()).toBe('');
  });

  it.runIf(existsSync(join(ROOT, 'dist', 'cli', 'index.js')))(
    'before terraform apply: one line saying to apply, and no AWS call',
    async () => {
      // Act
      const out = await run([]);
      // Assert
      expect(out.code).toBe(1);
      expect(out.stderr.trim().split('\n').at(-1)).toMatch(
        /^try-it: no Terraform outputs here yet: run 'terraform init && terraform apply' in .+ first$/,
      );
      expect(recorded()).toBe('');
    },
  );
});
