/**
 * Which folder may import which (docs/architecture.md): the core imports nothing of the project, adapters never
 * reach up into configuration, the service or a function, the configuration reader stands on the core alone, and
 * the benchmarks take their fixtures from `test/fixtures/` only, never from a test's own helpers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|cts)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every relative import of `dir`'s sources, as `{ from, to }` repository paths. */
function imports(dir: string): { from: string; to: string }[] {
  return sources(dir).flatMap((from) =>
    [...readFileSync(join(ROOT, from), 'utf8').matchAll(SPECIFIER)].map((m) => ({
      from,
      to: relative(ROOT, resolve(ROOT, dirname(from), m[1] as string)),
    })),
  );
}

/** The folders of lambdas/ that are not entry points: what the doors stand on. */
const FLOORS = ['core', 'adapters', 'config', 'revocation', 'verification', 'identity-provider', 'library'];

const outside = (edges: { from: string; to: string }[], allowed: readonly string[]) =>
  edges.filter((e) => !allowed.some((prefix) => e.to.startsWith(prefix))).map((e) => `${e.from} -> ${e.to}`);

describe('import directions', () => {
  it('the core imports nothing of the project but itself', () => {
    expect(outside(imports('lambdas/core'), ['lambdas/core/'])).toEqual([]);
  });

  it('adapters import only the core and other adapters', () => {
    expect(outside(imports('lambdas/adapters'), ['lambdas/core/', 'lambdas/adapters/'])).toEqual([]);
  });

  it('the configuration reader imports only the core and itself', () => {
    expect(outside(imports('lambdas/config'), ['lambdas/core/', 'lambdas/config/'])).toEqual([]);
  });

  it('benchmarks import from test/ only through test/fixtures/', () => {
    const fromTests = imports('bench').filter((e) => e.to.startsWith('test/'));
    // Arrange check: the benchmarks do use shared fixtures, so the rule below is not vacuous.
    expect(fromTests.length).toBeGreaterThan(0);
    expect(outside(fromTests, ['test/fixtures/'])).toEqual([]);
  });
  it('no door (a function handler or the package entry) imports another door', () => {
    // Arrange: every folder of lambdas/ that is an entry point; what two doors share lives a floor below.
    const doors = readdirSync(join(ROOT, 'lambdas'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !FLOORS.includes(e.name))
      .map((e) => e.name);
    expect(doors).toContain('authorizer');
    // Act
    const crossing = doors.flatMap((door) =>
      imports(`lambdas/${door}`)
        .filter((e) => doors.some((other) => other !== door && e.to.startsWith(`lambdas/${other}/`)))
        .map((e) => `${e.from} -> ${e.to}`),
    );
    // Assert
    expect(crossing).toEqual([]);
  });

  it('the shared floors never import a door', () => {
    const doors = readdirSync(join(ROOT, 'lambdas'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !FLOORS.includes(e.name))
      .map((e) => `lambdas/${e.name}/`);
    const upward = FLOORS.flatMap((floor) =>
      outside(imports(`lambdas/${floor}`), ['lambdas/']).concat(
        imports(`lambdas/${floor}`)
          .filter((e) => doors.some((d) => e.to.startsWith(d)))
          .map((e) => `${e.from} -> ${e.to}`),
      ),
    );
    expect(upward).toEqual([]);
  });
});
