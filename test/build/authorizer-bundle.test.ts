/**
 * The authorizer bundle holds no AWS SDK code: its cold start and its per-request CPU rest on the lean SigV4 client
 * (docs/authorizer.md, docs/dependencies.md). Two checks: the modules esbuild reads at all for the authorizer (an
 * import of an SDK-using adapter fails it even when tree-shaking would later drop the code), and the text of the
 * bundle the build script ships. The token trigger's bundle, which uses the SDK, shows that both checks see it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const SDK_MODULE = /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//;
const SDK_MARKER = /@aws-sdk\/|@smithy\/|aws-sdk-js/g;

/** Every source module esbuild reads to bundle `fn` (the same entry and resolution as scripts/build.mjs). */
async function modulesRead(fn: string): Promise<string[]> {
  const out = await build({
    entryPoints: [join(root, 'lambdas', fn, 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(out.metafile.inputs);
}

let dist: string;
const shipped = (fn: string) => readFileSync(join(dist, fn, 'index.js'), 'utf8');

beforeAll(() => {
  // Arrange: the shipped bundles, built by the build script itself, outside dist/.
  dist = mkdtempSync(join(tmpdir(), 'cognito-revocation-bundle-'));
  execFileSync(
    process.execPath,
    [join(root, 'scripts', 'build.mjs'), 'authorizer', 'token-trigger', `--out=${dist}`],
    {
      cwd: root,
      stdio: 'pipe',
    },
  );
}, 120_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('the authorizer bundle holds no AWS SDK', () => {
  it('esbuild reads no AWS SDK module for the authorizer', async () => {
    // Act
    const modules = await modulesRead('authorizer');
    // Assert
    expect(modules.some((m) => m.startsWith('lambdas/authorizer/'))).toBe(true);
    expect(modules.filter((m) => SDK_MODULE.test(m))).toEqual([]);
  });

  it('the shipped authorizer bundle carries no SDK module marker', () => {
    // Act
    const markers = shipped('authorizer').match(SDK_MARKER) ?? [];
    // Assert
    expect(markers).toEqual([]);
  });

  it('control: both checks find the SDK in the token trigger, which uses it', async () => {
    // Act
    const modules = await modulesRead('token-trigger');
    const markers = shipped('token-trigger').match(SDK_MARKER) ?? [];
    // Assert
    expect(modules.filter((m) => SDK_MODULE.test(m)).length).toBeGreaterThan(0);
    expect(markers.length).toBeGreaterThan(0);
  });
});
