/**
 * Order of the test files in `npm test`: the Terraform CLI file first, then vitest's own order (files that failed
 * last time, then the longest last time, then the largest).
 *
 * The Terraform file is by far the longest (every `terraform test` file, two at a time) and keeps one worker busy
 * from start to end; every other file fits on the other worker meanwhile. Left to vitest's order it starts wherever
 * its size or its last duration puts it: in a fresh clone (no recorded durations) by size, which placed it behind
 * 54 other files and made the whole run as long as the files before it plus itself.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Repository-relative paths of the files that start first, in this order. */
export const FIRST = ['test/terraform/cli.test.ts'];

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
