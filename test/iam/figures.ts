/**
 * The IAM proof's figures per function, for docs/iam-proof.md: how many signed AWS calls the run recorded, how many
 * distinct (action, resource) pairs they were, and how many granted actions the run made or the proof lists with
 * why they cannot be made locally. Written as JSON to the path in `IAM_PROOF_FIGURES` when it is set:
 *   IAM_PROOF_FIGURES=/tmp/iam-proof.json npx vitest run test/iam/policy-proof.test.ts --maxWorkers=1
 */
import { writeFileSync } from 'node:fs';

export interface ProofPolicy {
  readonly Statement: readonly { readonly Action: string | string[] }[];
}

export interface FunctionFigures {
  /** Signed calls the function made in the run (every one evaluated; repeats included). */
  readonly recordedCalls: number;
  /** The same, by action. */
  readonly recordedByAction: Readonly<Record<string, number>>;
  /** Distinct (action, resource) pairs among them. */
  readonly distinctCalls: number;
  /** Actions its policy grants. */
  readonly grantedActions: number;
  /** Granted actions the run made. */
  readonly madeInRun: number;
  /** Granted actions not made, each listed in the proof with why no local run can make it. */
  readonly listedWithReason: number;
}

export function proofFigures(
  policies: Readonly<Record<string, ProofPolicy>>,
  distinct: readonly { readonly policy: string; readonly action: string }[],
  recorded: readonly { readonly policy: string; readonly action: string }[],
): Record<string, FunctionFigures> {
  const out: Record<string, FunctionFigures> = {};
  for (const [key, policy] of Object.entries(policies).sort(([a], [b]) => a.localeCompare(b))) {
    const granted = new Set(
      policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    );
    const own = distinct.filter((c) => c.policy === key);
    const made = new Set(own.map((c) => c.action));
    const madeGranted = [...granted].filter((a) => made.has(a)).length;
    const byAction: Record<string, number> = {};
    for (const c of recorded) if (c.policy === key) byAction[c.action] = (byAction[c.action] ?? 0) + 1;
    out[key] = {
      recordedCalls: Object.values(byAction).reduce((a, b) => a + b, 0),
      recordedByAction: Object.fromEntries(Object.entries(byAction).sort(([a], [b]) => a.localeCompare(b))),
      distinctCalls: own.length,
      grantedActions: granted.size,
      madeInRun: madeGranted,
      listedWithReason: granted.size - madeGranted,
    };
  }
  return out;
}

/** Writes the figures when `IAM_PROOF_FIGURES` names a file; otherwise nothing (the test output stays quiet). */
export function writeFiguresIfAsked(figures: unknown): void {
  const path = process.env.IAM_PROOF_FIGURES;
  if (path) writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
}
