/**
 * Loads the shipped bundles (`dist/<fn>/index.js`) as fresh Lambda "containers", each with its own environment.
 *
 * The authorizer reads its environment at its first invocation, synchronously: `loadAuthorizer` sets the
 * environment, requires the bundle afresh, starts a warm-up invocation (an unrecognised event, denied), and restores
 * the environment — so several authorizer containers with different settings coexist in one test file.
 * The token trigger and the admin Lambda read it at load and their AWS SDK clients resolve endpoint and credentials
 * at the first call: `withEnvironment` keeps the environment set while the caller uses them.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { LOCAL_AWS } from '../../../local/dynalite.js';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const requireCjs = createRequire(import.meta.url);

export type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

/** Dummy credentials and region; the developer's own AWS profile is never used. */
export const LOCAL_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
};

export function bundleFile(fn: string): string {
  const file = join(ROOT, 'dist', fn, 'index.js');
  if (!existsSync(file))
    throw new Error(`dist/${fn}/index.js is missing: run \`node scripts/build.mjs ${fn}\``);
  return file;
}

function requireFresh(fn: string): { handler: Handler } {
  const file = bundleFile(fn);
  delete requireCjs.cache[file];
  return requireCjs(file) as { handler: Handler };
}

/** Sets `env` (undefined values unset), returns a function restoring the previous values. */
export function setEnvironment(env: Record<string, string | undefined>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries({ ...LOCAL_ENV, AWS_PROFILE: undefined, ...env })) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A fresh authorizer container configured by `env`; the environment is restored before this resolves. */
export async function loadAuthorizer(env: Record<string, string | undefined>): Promise<Handler> {
  const restore = setEnvironment(env);
  let warmUp: Promise<unknown>;
  let handler: Handler;
  try {
    handler = requireFresh('authorizer').handler;
    warmUp = handler({ warmUp: true }); // reads the environment synchronously, then denies
  } finally {
    restore();
  }
  await warmUp;
  return handler;
}

/** Loads the token trigger or admin bundle with `env` set; the environment stays set until `restore()`. */
export function loadWithEnvironment(
  fn: 'token-trigger' | 'admin-signout',
  env: Record<string, string | undefined>,
): { handler: Handler; restore: () => void } {
  const restore = setEnvironment(env);
  try {
    return { handler: requireFresh(fn).handler, restore };
  } catch (error) {
    restore();
    throw error;
  }
}
