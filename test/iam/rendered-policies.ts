/**
 * The policies the IAM proof evaluates against: `terraform test` applies `tests/iam_proof.tftest.hcl` in a throw-away
 * copy of the module (mocked AWS provider: fixed account, region, table, pool and API ids) with `-verbose -json`,
 * which prints the apply run's state; each function's policy document is read from its outputs — the five
 * functions' `role_policies`, and each opt-in door's `role_policy` in its own output.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createWorkspace, type TerraformCli, testOutcomes } from '../terraform/harness.js';

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
}
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: Statement[];
}

const execFileAsync = promisify(execFile);

/** The test file, as `-filter` names it. */
const FILE = 'tests/iam_proof.tftest.hcl';

/** The apply run of tests/iam_proof.tftest.hcl whose state holds the policies. */
const APPLY_RUN = 'every_function_on';

/** Policy documents by the outputs' keys, from `terraform test -verbose -json` output. */
export function policiesFromTestOutput(
  output: string,
  doorOutputs: readonly string[],
): Record<string, PolicyDocument> {
  for (const line of output.split('\n')) {
    if (!line.includes('"test_state"')) continue;
    const message = JSON.parse(line) as {
      type?: string;
      '@testrun'?: string;
      test_state?: { outputs?: Record<string, { value?: unknown }> };
    };
    if (message.type !== 'test_state' || message['@testrun'] !== APPLY_RUN) continue;
    const outputs = message.test_state?.outputs ?? {};
    const documents: Record<string, string | null> = {
      ...((outputs.role_policies?.value ?? {}) as Record<string, string | null>),
    };
    for (const door of doorOutputs)
      documents[door] = (outputs[door]?.value as { role_policy?: string } | null)?.role_policy ?? null;
    return Object.fromEntries(
      Object.entries(documents)
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
        .map(([k, v]) => [k, JSON.parse(v) as PolicyDocument]),
    );
  }
  return {};
}

/**
 * Runs the file and returns the policies; throws with Terraform's diagnostics when a run of it fails or it renders
 * none. Asynchronous, so the proof records the functions' calls meanwhile.
 */
export async function renderPolicies(
  cli: TerraformCli,
  doorOutputs: readonly string[],
): Promise<Record<string, PolicyDocument>> {
  const ws = createWorkspace(cli);
  try {
    const init = await ws.runAsync(['init', '-backend=false', '-input=false', '-no-color']);
    if (init.status !== 0) throw new Error(init.output);
    // `-verbose -json` prints each run's state, outputs included (megabytes: the harness's buffer is too small),
    // on stdout, kept apart from stderr so no line of it is cut.
    const test = await execFileAsync(cli.bin, ['test', '-no-color', '-verbose', '-json', `-filter=${FILE}`], {
      cwd: ws.dir,
      env: ws.env,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      timeout: 600_000,
    }).then(
      (out) => ({ status: 0, stdout: out.stdout, stderr: out.stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        status: typeof error.code === 'number' ? error.code : null,
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? String(error),
      }),
    );
    // The Terraform CLI test file leaves this file to the IAM proof, so every run of it must pass here.
    const outcome = testOutcomes(test.stdout).get(FILE);
    if (test.status !== 0 || outcome?.status !== 'pass') {
      throw new Error(
        `terraform test -filter=${FILE} did not pass (exit ${test.status}):\n${outcome?.diagnostics.join('\n') ?? ''}${test.stderr}`,
      );
    }
    const policies = policiesFromTestOutput(test.stdout, doorOutputs);
    if (Object.keys(policies).length === 0) {
      throw new Error(`terraform test rendered no policies:\n${test.stdout.slice(-4000)}${test.stderr}`);
    }
    return policies;
  } finally {
    ws.dispose();
  }
}
