/**
 * The library of an earlier commit, bundled as scripts/build.mjs bundles dist/lib (its dependencies left to this
 * checkout's node_modules, not minified): the "previous library" timed in the same rounds as this one.
 * BENCH_LIBRARY_BASELINE picks the commit (default 5a0ca33: before the answer was built without an object spread
 * and the staleness hit without a second async frame).
 *
 * That commit's verifier had no in-process store seam (its second argument took only `tokenVerifier` and `env`),
 * so this checkout's lambdas/library/store.ts is laid over it and its verifier made to pass its parts on: the store
 * wiring only — the decision path (verifier, staleness cache, claims, decide) is the commit's own.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..');
export const LIBRARY_BASELINE_COMMIT = process.env.BENCH_LIBRARY_BASELINE ?? '5a0ca33';

/**
 * Builds the baseline library and returns its bundle's path. The bundle is written under this checkout (.bench/,
 * ignored by git) so that its `require('aws-jwt-verify')` resolves to the same node_modules as dist/lib's.
 */
export async function buildBaselineLibrary(): Promise<{ path: string; remove(): void }> {
  const dir = join(ROOT, '.bench', `library-baseline-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const tar = join(dir, 'src.tar');
  execFileSync('git', ['-C', ROOT, 'archive', '-o', tar, LIBRARY_BASELINE_COMMIT, 'lambdas']);
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  copyFileSync(join(ROOT, 'lambdas', 'library', 'store.ts'), join(dir, 'lambdas', 'library', 'store.ts'));
  const verifierFile = join(dir, 'lambdas', 'library', 'verifier.ts');
  const source = readFileSync(verifierFile, 'utf8');
  const wired = source.replace(
    /(onCacheHit: \(\) => counts\.cacheHits\+\+,\s*\n\s*\})\)/,
    '$1, parts as never)',
  );
  if (wired === source)
    throw new Error(`library baseline ${LIBRARY_BASELINE_COMMIT}: store wiring not found`);
  writeFileSync(verifierFile, wired);
  const outfile = join(dir, 'index.js');
  await build({
    entryPoints: [join(dir, 'lambdas', 'library', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    keepNames: true,
    legalComments: 'none',
    outfile,
    logLevel: 'error',
  });
  return { path: outfile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
