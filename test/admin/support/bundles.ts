/**
 * Loads a built bundle (`dist/<fn>/index.js`, the shipped artifact) as a fresh Lambda "container": the environment
 * is set first, the module registry entry dropped, the bundle required again. Shared by the trigger, admin and
 * full-loop tests.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_AWS } from '../../../local/dynalite.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const requireCjs = createRequire(import.meta.url);

export function bundleFile(fn: string): string {
  const file = join(ROOT, 'dist', fn, 'index.js');
  if (!existsSync(file))
    throw new Error(`dist/${fn}/index.js is missing: run \`node scripts/build.mjs ${fn}\``);
  return file;
}

/** Environment every local container gets: dummy credentials and region, never the developer's own profile. */
export function localAwsEnv(): Record<string, string> {
  return {
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
  };
}

const touched = new Set<string>();

/** Sets `env` on process.env (removing `unset` names), then requires the bundle afresh. */
export function loadBundle<T = Record<string, unknown>>(
  fn: string,
  env: Record<string, string | undefined>,
): T {
  for (const name of touched) delete process.env[name];
  touched.clear();
  for (const [name, value] of Object.entries({ ...localAwsEnv(), ...env })) {
    touched.add(name);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  delete process.env.AWS_PROFILE;
  const file = bundleFile(fn);
  delete requireCjs.cache[file];
  return requireCjs(file) as T;
}

/** A TCP listener that accepts connections and never answers: a table that hangs. */
export async function startBlackhole(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A loopback port nothing listens on: connections are refused at once. */
export async function closedPortEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** Captures what the code under test writes to stdout (its logs and EMF metrics), as parsed JSON lines. */
export function captureStdout(): { lines(): Record<string, unknown>[]; raw(): string; restore(): void } {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  return {
    raw: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => {
      process.stdout.write = original;
    },
  };
}
