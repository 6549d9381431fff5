/**
 * The npm package as it would be published: `npm pack` of the built checkout (`npm run build` first, as for the
 * other tests of dist/). What goes in is the library (its CommonJS entry and declarations), the admin CLI the
 * package declares as its `bin`, and the documents — no sources, no tests, no Lambda zips, no Terraform module.
 *
 * The packed tarball is then unpacked into a throw-away application whose node_modules holds only the package and
 * the runtime `dependencies` it declares (linked from this checkout's node_modules: no registry, no network), so a
 * `require` that needed anything undeclared would fail here as it would for a user. `npm pack` runs with
 * `--ignore-scripts`: `prepack` would rebuild dist/ under the other tests' feet; the build it runs is
 * `scripts/build.mjs`, whose output these assertions read.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** Bounds that fail loudly if the package starts carrying more than the library and the CLI. */
const MAX_TARBALL_BYTES = 512 * 1024;
const MAX_LIBRARY_BYTES = 256 * 1024;

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly name: string;
  readonly filename: string;
  readonly size: number;
  readonly files: readonly PackedFile[];
}

function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
}

function pack(extra: readonly string[]): PackResult {
  const out = npm(['pack', '--json', '--ignore-scripts', ...extra], ROOT);
  const results = JSON.parse(out) as PackResult[];
  expect(results).toHaveLength(1);
  return results[0] as PackResult;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('npm pack: what the published package holds', () => {
  let packed: PackResult;
  let paths: string[];

  beforeAll(() => {
    // Arrange: the build this package is made of.
    for (const built of ['dist/lib/index.js', 'dist/lib/types/library/index.d.ts', 'dist/cli/index.js'])
      if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
    packed = pack(['--dry-run']);
    paths = packed.files.map((f) => f.path).sort();
  });

  it('is publishable: not private, public on the npm registry, Node 20 or later', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.publishConfig).toEqual({ access: 'public', registry: 'https://registry.npmjs.org/' });
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.scripts.prepack).toMatch(/node scripts\/build\.mjs\b.*\blib\b/);
  });

  it('holds the library entry, its declarations, the CLI and the documents', () => {
    for (const required of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      pkg.main,
      pkg.types,
      pkg.exports['.'].require,
      pkg.exports['.'].types,
      pkg.bin['cognito-revocation'],
    ])
      expect(paths).toContain(required.replace(/^\.\//, ''));
  });

  it('holds nothing else: no sources, tests, Lambda bundles or zips, Terraform files', () => {
    const documents = ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'];
    const other = paths.filter(
      (p) =>
        !documents.includes(p) &&
        p !== 'dist/lib/index.js' &&
        p !== 'dist/cli/index.js' &&
        !/^dist\/lib\/types\/.+\.d\.ts$/.test(p),
    );
    expect(other).toEqual([]);
    // The same, said the other way round, for a reader of a failure.
    expect(
      paths.filter((p) => /^(lambdas|test|bench|local|cli|scripts|examples|modules|tests)\//.test(p)),
    ).toEqual([]);
    expect(paths.filter((p) => /\.(zip|tf|tfvars|hcl|ts)$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('dist/') && !/^dist\/(lib|cli)\//.test(p))).toEqual([]);
  });

  it('stays small: the tarball and the library each under their bound', () => {
    const library = packed.files.filter((f) => f.path.startsWith('dist/lib/'));
    const libraryBytes = library.reduce((sum, f) => sum + f.size, 0);
    expect(packed.size).toBeLessThan(MAX_TARBALL_BYTES);
    expect(libraryBytes).toBeLessThan(MAX_LIBRARY_BYTES);
  });

  it('runs nothing when installed, and depends at run time on what dist/lib requires, no more', () => {
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts[hook]).toBeUndefined();
    const code = readFileSync(join(ROOT, 'dist/lib/index.js'), 'utf8');
    const required = new Set(
      [...code.matchAll(/require\("([^"]+)"\)/g)]
        .map((m) => m[1] as string)
        .filter((s) => !s.startsWith('node:'))
        .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] as string))),
    );
    expect([...required].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});

describe('the packed tarball, installed in an application', () => {
  let work: string;
  let app: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cognito-revocation-pack-'));
    const { filename } = pack(['--pack-destination', work]);
    app = join(work, 'app');
    const installed = join(app, 'node_modules', 'cognito-revocation');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    execFileSync('tar', ['-xzf', join(work, filename), '-C', installed, '--strip-components=1']);
    const declared = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    // Only the declared runtime dependencies (and Node's types, for the TypeScript check) are present.
    for (const dep of [...Object.keys(declared.dependencies ?? {}), '@types/node']) {
      mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
    }
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function node(script: string): string {
    const env = { ...process.env };
    delete env.NODE_PATH;
    delete env.NODE_OPTIONS;
    return execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env });
  }

  it("require('cognito-revocation') gives the verifier, the adapters and the typed errors", () => {
    const out = node(`
      const lib = require('cognito-revocation');
      const kinds = Object.fromEntries(Object.entries(lib).map(([k, v]) => [k, typeof v]));
      process.stdout.write(JSON.stringify({ kinds, from: require.resolve('cognito-revocation') }));
    `);
    const { kinds, from } = JSON.parse(out);
    expect(from).toBe(join(app, 'node_modules', 'cognito-revocation', 'dist', 'lib', 'index.js'));
    for (const name of [
      'createRevocationVerifier',
      'expressRevocation',
      'fastifyRevocation',
      'albAuthenticator',
      'bearerAuthenticator',
      'TokenRevokedError',
      'RevocationStoreUnavailableError',
      'RevocationConfigError',
      'JwtExpiredError',
    ])
      expect(kinds[name], name).toBe('function');
  });

  it('the installed verifier works offline: bad options and a malformed token are refused, typed', () => {
    const out = node(`
      const lib = require('cognito-revocation');
      let config;
      try { lib.createRevocationVerifier({ userPoolId: 'nope', clientId: [], tableName: 't' }); }
      catch (e) { config = { name: e.name, typed: e instanceof lib.RevocationConfigError, problems: e.problems }; }
      const verifier = lib.createRevocationVerifier({
        userPoolId: 'eu-west-1_AbCdEf123', clientId: 'client1', tableName: 'revocations',
      });
      verifier.verify('not-a-jwt').then(
        () => process.stdout.write(JSON.stringify({ config, token: 'accepted' })),
        (e) => process.stdout.write(JSON.stringify({ config, token: e instanceof lib.JwtParseError })),
      );
    `);
    const { config, token } = JSON.parse(out);
    expect(config).toMatchObject({ name: 'RevocationConfigError', typed: true });
    expect(config.problems.join('\n')).toMatch(/userPoolId/);
    // aws-jwt-verify's own refusal, re-exported so `instanceof` works without a second import path.
    expect(token).toBe(true);
  });

  it('its declarations type-check an application (strict, NodeNext)', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    writeFileSync(
      join(app, 'app.ts'),
      [
        "import { createRevocationVerifier, expressRevocation, type RevocationVerifierOptions, TokenRevokedError } from 'cognito-revocation';",
        "const options: RevocationVerifierOptions = { userPoolId: 'eu-west-1_AbCdEf123', clientId: ['c1'], tableName: 't' };",
        'const verifier = createRevocationVerifier(options);',
        'export const subject = async (token: string): Promise<string> => (await verifier.verify(token)).sub;',
        'export const middleware = expressRevocation(verifier);',
        'export const revoked = (error: unknown): boolean => error instanceof TokenRevokedError;',
        '// The declarations are real, not `any`: a missing required option is a type error.',
        '// @ts-expect-error tableName is required',
        "createRevocationVerifier({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'c1' });",
        '',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', app], { cwd: app, encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });

  it('the CLI runs from the package alone (it bundles what it needs)', () => {
    const cli = join(app, 'node_modules', 'cognito-revocation', 'dist', 'cli', 'index.js');
    const help = execFileSync(process.execPath, [cli, '--help'], { cwd: app, encoding: 'utf8' });
    expect(help).toMatch(/signout/);
  });
});
