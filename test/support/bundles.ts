/**
 * Loads the shipped bundles (`dist/<fn>/index.js`, as Lambda loads them) as fresh Lambda "containers", each
 * with its own environment: the environment is set, the module registry entry dropped, the bundle required
 * again. Every container gets dummy credentials and region (`LOCAL_ENV`), never the developer's own profile.
 *
 * When the bundles read their environment:
 * - the authorizer at its first invocation, synchronously;
 * - the token trigger and the admin Lambda at load; their AWS SDK clients resolve endpoint and credentials
 *   at their first call — so the environment must stay set while the caller uses them.
 *
 * Three ways to load, by how many containers a test keeps alive at once:
 * - `loadBundle(fn, env)`: one container at a time. The environment is exactly `LOCAL_ENV` plus `env` (every
 *   other variable a bundle reads is unset, so configurations never leak between loads) and stays set until
 *   the next `loadBundle`; the authorizer then reads it at the test's own first invocation.
 * - `loadAuthorizer(env)`: an authorizer container whose warm-up invocation (an unrecognised event, denied)
 *   reads the environment, which is restored before this resolves — so several authorizers with different
 *   settings coexist in one test file.
 * - `loadWithEnvironment(fn, env)`: the token trigger or the admin Lambda with `env` over the current
 *   environment until the caller's `restore()`.
 */
import { createRequire } from 'node:module';
import { LOCAL_AWS } from '../../local/dynalite.js';
import { assertBundlesBuilt, bundlePath, ROOT } from '../../local/lambda-endpoint.js';

export { ROOT };

const requireCjs = createRequire(import.meta.url);

export type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

/** Dummy credentials and region; the developer's own AWS profile is never used. */
export const LOCAL_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
};

/** Every other variable a bundle (or the AWS SDK in it) reads: `loadBundle` unsets those not in `env`. */
const BUNDLE_VARIABLES = [
  'USER_POOL_ID',
  'CLIENT_IDS',
  'TOKEN_USE',
  'TABLE_NAME',
  'SESSION_CLAIM',
  'FAIL_MODE',
  'STORE_TIMEOUT_MS',
  'STORE_MAX_ATTEMPTS',
  'CONSISTENT_READ',
  'REVOCATION_STALENESS_SECONDS',
  'REVOCATION_MAX_AGE_SECONDS',
  'CACHE_FLUSH_TARGETS',
  'HTTP_API_RESPONSE_MODE',
  'JWKS_URI',
  'TOKEN_LIFETIME_SECONDS',
  'REFRESH_TOKEN_LIFETIME_SECONDS',
  'REVOKE_ON',
  'ALLOW_LOGOUT_EVERYWHERE',
  'UPSTREAM_ISSUER',
  'UPSTREAM_AUDIENCE',
  'UPSTREAM_JWKS_URI',
  'UPSTREAM_METADATA_URL',
  'UPSTREAM_ALGORITHMS',
  'UPSTREAM_PROVIDER_NAME',
  'MAX_BODY_BYTES',
  'SET_MAX_AGE_SECONDS',
  'REQUIRED_SCOPE',
  'LOG_LEVEL',
  'METRICS_NAMESPACE',
  'AWS_DEFAULT_REGION',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  'AWS_ENDPOINT_URL_API_GATEWAY',
];

/** Absolute path of the built `dist/<fn>/index.js`; throws, saying to build, when it is missing. */
export function bundleFile(fn: string): string {
  assertBundlesBuilt([fn]);
  return bundlePath(fn);
}

function requireFresh<T>(fn: string): T {
  const file = bundleFile(fn);
  delete requireCjs.cache[file];
  return requireCjs(file) as T;
}

/**
 * Sets `LOCAL_ENV` and `env` (undefined values unset, as is AWS_PROFILE) on top of the current environment;
 * returns a function restoring the previous values.
 */
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

let restoreLoaded: (() => void) | undefined;

/** The bundle required afresh with exactly `LOCAL_ENV` and `env` set, which stay until the next load. */
export function loadBundle<T = { handler: Handler }>(fn: string, env: Record<string, string | undefined>): T {
  restoreLoaded?.();
  const clean = Object.fromEntries(BUNDLE_VARIABLES.map((name) => [name, undefined]));
  restoreLoaded = setEnvironment({ ...clean, ...env });
  return requireFresh<T>(fn);
}

/** A fresh authorizer container configured by `env`; the environment is restored before this resolves. */
export async function loadAuthorizer(env: Record<string, string | undefined>): Promise<Handler> {
  const restore = setEnvironment(env);
  let warmUp: Promise<unknown>;
  let handler: Handler;
  try {
    handler = requireFresh<{ handler: Handler }>('authorizer').handler;
    warmUp = handler({ warmUp: true }); // reads the environment synchronously, then denies
  } finally {
    restore();
  }
  await warmUp;
  return handler;
}

/** Loads the token trigger or admin bundle with `env` set; the environment stays set until `restore()`. */
export function loadWithEnvironment(
  fn:
    | 'token-trigger'
    | 'admin-signout'
    | 'auto-revocation'
    | 'logout'
    | 'shared-signals'
    | 'global-token-revocation',
  env: Record<string, string | undefined>,
): { handler: Handler; restore: () => void } {
  const restore = setEnvironment(env);
  try {
    return { handler: requireFresh<{ handler: Handler }>(fn).handler, restore };
  } catch (error) {
    restore();
    throw error;
  }
}
