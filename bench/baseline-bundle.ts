/**
 * The authorizer of an earlier commit, bundled as scripts/build.mjs bundles it (`git archive` of its `lambdas/`,
 * esbuild against this checkout's node_modules): the "previous release" measured next to the shipped bundle.
 * BENCH_BASELINE picks the commit (default 23a94fb: before decision logs were sampled and outcomes built as literals).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..');
export const BASELINE_COMMIT = process.env.BENCH_BASELINE ?? '23a94fb';

/** Builds the baseline authorizer into `dir` and returns the bundle's path. */
export async function buildBaselineAuthorizer(dir: string): Promise<string> {
  const tar = join(dir, 'baseline-src.tar');
  execFileSync('git', ['-C', ROOT, 'archive', '-o', tar, BASELINE_COMMIT, 'lambdas']);
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  const outfile = join(dir, 'baseline-authorizer.js');
  await build({
    entryPoints: [join(dir, 'lambdas', 'authorizer', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    nodePaths: [join(ROOT, 'node_modules')],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
