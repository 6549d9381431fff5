/**
 * Order of the test files in `npm test`: the longest files first (the Terraform CLI file, then the end-to-end files
 * that run the demo, the IAM proof, `npm start` and a release as a user would), then vitest's own order (files that
 * failed last time, then the longest last time, then the largest).
 *
 * The Terraform file is by far the longest and keeps one worker busy from start to end; the four after it wait on
 * child processes and deadlines more than they compute, and each takes a minute or more in a whole run. Left to vitest's order a file starts
 * wherever its size or its last duration puts it: in a fresh clone (no recorded durations) by size, which placed the
 * Terraform file behind 54 other files and `npm start`'s file 139 s into the run, so the whole run lasted as long as
 * the files before them plus themselves.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Repository-relative paths of the files that start first, in this order. */
export const FIRST = [
  'test/terraform/cli.test.ts',
  'test/e2e/demo.test.ts',
  'test/iam/policy-proof.test.ts',
  'test/e2e/start.test.ts',
  'test/terraform/release.test.ts',
];

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = FIRST.indexOf(relative(this.ctx.config.root, spec.moduleId).split('\\').join('/'));
      return index === -1 ? FIRST.length : index;
    };
    // Array.prototype.sort is stable: every other file keeps vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
