// Which parts of the build are up to date, so `npm start`, `npm run demo` and `npm test` rebuild only what changed.
// A part (the functions, the CLI, the library) is up to date when the content of every input file esbuild read for
// it (its metafile), of every output it wrote, and everything else its bytes depend on (`key`: the options, the
// tools' versions, the lockfile, the build script) are what they were after its last build. The record lives in
// <dist>/.build-state.json; it is only ever a cache: anything missing, unreadable or different means a rebuild, and
// `--force` rebuilds everything.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

const sha256 = (data) => createHash('sha256').update(data).digest('base64');

/** The content hash of a file, or undefined when it cannot be read. */
function hashOf(file) {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** A key from everything `parts` holds, stable across runs (JSON of plain values). */
export function buildKey(parts) {
  return sha256(JSON.stringify(parts));
}

/**
 * @param {string} root  the repository (input paths are kept relative to it)
 * @param {string} dist  where the outputs and the record are
 * @param {{ force?: boolean }} options
 */
export function openBuildState(root, dist, { force = false } = {}) {
  const file = join(dist, '.build-state.json');
  let parts = {};
  if (!force && existsSync(file)) {
    try {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      if (json && typeof json === 'object' && json.parts && typeof json.parts === 'object')
        parts = json.parts;
    } catch {
      parts = {};
    }
  }
  const abs = (path) => (isAbsolute(path) ? path : join(root, path));
  return {
    /** Whether `part` was last built with `key` from inputs and into outputs that are all unchanged. */
    isCurrent(part, key) {
      const entry = parts[part];
      if (force || !entry || entry.key !== key) return false;
      const files = { ...entry.inputs, ...entry.outputs };
      if (Object.keys(entry.outputs ?? {}).length === 0) return false;
      return Object.entries(files).every(([path, hash]) => hashOf(abs(path)) === hash);
    },
    /**
     * Records `part` as built with `key` from `inputs` into `outputs` (paths absolute or relative to the
     * repository). An input changed since `startedAt` (edited during the build) leaves the part unrecorded, so the
     * next build builds it again.
     */
    record(part, key, inputs, outputs, startedAt) {
      const entry = { key, inputs: {}, outputs: {} };
      for (const path of inputs) {
        const full = abs(path);
        if (!existsSync(full) || statSync(full).mtimeMs >= startedAt) {
          delete parts[part];
          return;
        }
        entry.inputs[relative(root, full)] = hashOf(full);
      }
      for (const path of outputs) entry.outputs[relative(root, abs(path))] = hashOf(abs(path));
      parts[part] = entry;
    },
    save() {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ parts }, null, 1)}\n`);
      renameSync(tmp, file);
    },
  };
}
