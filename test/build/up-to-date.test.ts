/**
 * The build rebuilds only what changed (scripts/build-state.mjs): a second build of unchanged sources writes the
 * same bytes without bundling, a changed source, a missing or altered output, another option and `--force` each
 * bring a rebuild. Run on a copy of the build's own sources (scripts/, lambdas/, the lockfile), so a source can be
 * changed without touching the repository; the two small functions keep each build short.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const TARGETS = ['authorizer', 'introspection'];

let copy: string;
let dist: string;

/** Runs the copy's build script; returns each target's state word (`built` / `unchanged`) by name. */
function build(...extra: string[]): Record<string, string> {
  const out = execFileSync(
    process.execPath,
    [join(copy, 'scripts', 'build.mjs'), ...TARGETS, `--out=${dist}`, ...extra],
    { cwd: copy, encoding: 'utf8', stdio: 'pipe' },
  );
  return Object.fromEntries([...out.matchAll(/^(built|unchanged)\s+(\S+)/gm)].map((m) => [m[2], m[1]]));
}

const bytes = (file: string) => readFileSync(join(dist, file));

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'cognito-revocation-up-to-date-'));
  for (const dir of ['scripts', 'lambdas']) cpSync(join(root, dir), join(copy, dir), { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(copy, file));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  dist = join(copy, 'dist');
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('the build rebuilds only what changed', () => {
  it('builds everything the first time, then nothing while nothing changes, writing the same bytes', () => {
    // Act
    const first = build();
    const zip = bytes('authorizer.zip');
    const manifest = bytes('build.json');
    const second = build();
    // Assert
    expect(first).toEqual({ authorizer: 'built', introspection: 'built' });
    expect(second).toEqual({ authorizer: 'unchanged', introspection: 'unchanged' });
    expect(bytes('authorizer.zip').equals(zip)).toBe(true);
    expect(bytes('build.json').equals(manifest)).toBe(true);
  });

  it('rebuilds when a source it read changes, and the output follows the source', () => {
    // Arrange: a source of both functions
    const before = bytes('authorizer/index.js').toString('utf8');
    appendFileSync(
      join(copy, 'lambdas', 'authorizer', 'index.ts'),
      '\nexport const upToDateProbe = "changed-source-probe";\n',
    );
    // Act
    const after = build();
    // Assert
    expect(after).toEqual({ authorizer: 'built', introspection: 'built' });
    expect(before).not.toContain('changed-source-probe');
    expect(bytes('authorizer/index.js').toString('utf8')).toContain('changed-source-probe');
    expect(build()).toEqual({ authorizer: 'unchanged', introspection: 'unchanged' });
  });

  it('rebuilds when an output is missing or was altered', () => {
    // Act / Assert
    rmSync(join(dist, 'introspection', 'index.js'));
    expect(build()).toEqual({ authorizer: 'built', introspection: 'built' });
    appendFileSync(join(dist, 'authorizer', 'index.js'), '\n// altered\n');
    expect(build()).toEqual({ authorizer: 'built', introspection: 'built' });
    expect(bytes('authorizer/index.js').toString('utf8')).not.toContain('// altered');
  });

  it('rebuilds with --force, after a change of the build script, and over an unreadable record', () => {
    // Act / Assert
    expect(build('--force')).toEqual({ authorizer: 'built', introspection: 'built' });
    appendFileSync(join(copy, 'scripts', 'build.mjs'), '\n// a change of the build script\n');
    expect(build()).toEqual({ authorizer: 'built', introspection: 'built' });
    writeFileSync(join(dist, '.build-state.json'), '{ not json');
    expect(build()).toEqual({ authorizer: 'built', introspection: 'built' });
    expect(build()).toEqual({ authorizer: 'unchanged', introspection: 'unchanged' });
  });
});
