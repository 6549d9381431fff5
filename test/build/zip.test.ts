import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../lambdas/config/contract.js';
import { type BuildManifest, environmentContract } from '../../scripts/manifest.mjs';
// @ts-expect-error -- plain ESM build script without types
import { deterministicZip } from '../../scripts/zip.mjs';

const root = join(__dirname, '..', '..');
const FUNCTIONS = [
  'authorizer',
  'token-trigger',
  'admin-signout',
  'auto-revocation',
  'logout',
  'introspection',
  'token-revocation',
  'shared-signals',
  'global-token-revocation',
];

/** Minimal reader of our own zips: local header → name, compressed data → inflated content. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    const method = zip.readUInt16LE(offset + 8);
    const compressedSize = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extraLength;
    const data = zip.subarray(start, start + compressedSize);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    offset = start + compressedSize;
  }
  return files;
}

describe('deterministicZip', () => {
  it('gives byte-identical output for the same files in any order', () => {
    // Arrange
    const a = { name: 'index.js', data: Buffer.from('exports.handler = async () => 1;\n') };
    const b = { name: 'lib/other.js', data: Buffer.from('module.exports = 2;\n') };
    // Act
    const first = deterministicZip([a, b]);
    const second = deterministicZip([b, a]);
    // Assert
    expect(Buffer.compare(first, second)).toBe(0);
    expect(readZip(first).get('lib/other.js')?.toString()).toBe('module.exports = 2;\n');
  });

  it('changes when the content changes', () => {
    const one = deterministicZip([{ name: 'index.js', data: Buffer.from('1') }]);
    const two = deterministicZip([{ name: 'index.js', data: Buffer.from('2') }]);
    expect(Buffer.compare(one, two)).not.toBe(0);
  });

  it('is a valid archive for a standard zip reader (python3 zipfile), when python3 exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
    try {
      const file = join(dir, 'x.zip');
      writeFileSync(file, deterministicZip([{ name: 'index.js', data: Buffer.from('hello') }]));
      let out: string;
      try {
        out = execFileSync(
          'python3',
          [
            '-c',
            'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip(), z.read("index.js").decode())',
            file,
          ],
          { encoding: 'utf8' },
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          console.warn('SKIPPED: python3 not found; zip validity checked by our own reader only');
          return;
        }
        throw error;
      }
      expect(out.trim()).toBe('None hello');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dist/<function>.zip (the artifact Terraform ships)', () => {
  const report = JSON.parse(readFileSync(join(root, 'dist', 'build.json'), 'utf8')) as BuildManifest;
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
    .version;

  it('build.json names the package and its version (the Terraform module checks it at plan)', () => {
    // Assert
    expect(report.name).toBe('cognito-revocation');
    expect(report.version).toBe(version);
    expect(Object.keys(report.functions).sort()).toEqual([...FUNCTIONS].sort());
  });

  it.each(FUNCTIONS)(
    '%s: build.json states the environment contract of lambdas/config/contract.ts',
    (name) => {
      // Arrange
      const names = ENVIRONMENT[name as keyof typeof ENVIRONMENT].map((v) => v.name);

      // Act / Assert: the fingerprint Terraform computes as sha256(jsonencode(sort(keys(env)))).
      expect(report.functions[name]?.environmentContract).toBe(
        createHash('sha256')
          .update(JSON.stringify([...names].sort()))
          .digest('hex'),
      );
      expect(report.functions[name]?.environmentContract).toBe(environmentContract(names));
    },
  );

  it('the contract fingerprint is order-free and changes with any name', () => {
    // Act / Assert
    expect(environmentContract(['B', 'A'])).toBe(environmentContract(['A', 'B']));
    expect(environmentContract(['A', 'B'])).not.toBe(environmentContract(['A', 'B', 'C']));
    // Terraform: sha256(jsonencode(["A","B"]))
    expect(environmentContract(['A', 'B'])).toBe(createHash('sha256').update('["A","B"]').digest('hex'));
  });

  it.each(FUNCTIONS)('%s.zip holds exactly the bundle, and build.json states its hash', (name) => {
    const zip = readFileSync(join(root, 'dist', `${name}.zip`));
    const files = readZip(zip);
    expect([...files.keys()]).toEqual(['index.js']);
    expect(Buffer.compare(files.get('index.js')!, readFileSync(join(root, 'dist', name, 'index.js')))).toBe(
      0,
    );
    expect(report.functions[name]?.sha256).toBe(createHash('sha256').update(zip).digest('base64'));
  });

  it.each(FUNCTIONS)('%s bundle is CommonJS exporting handler', (name) => {
    // biome-ignore lint/suspicious/noExplicitAny: loading the built artifact
    const mod: any = require(join(root, 'dist', name, 'index.js'));
    expect(typeof mod.handler).toBe('function');
  });
});
