/** The Global Token Revocation endpoint's configuration, read from the environment contract in `config/contract.ts`. */
import { ConfigError, readUpstreamConfig, type UpstreamConfig } from '../identity-provider/config.js';

export interface GlobalTokenRevocationConfig extends UpstreamConfig {
  /** The scope the caller's bearer token must carry (in `scope` or `scp`). */
  readonly requiredScope: string;
}

/** Exactly the variables this function reads (the shared reader sees no other). */
const NAMES = [
  'TABLE_NAME',
  'USER_POOL_ID',
  'TOKEN_LIFETIME_SECONDS',
  'REFRESH_TOKEN_LIFETIME_SECONDS',
  'UPSTREAM_ISSUER',
  'UPSTREAM_AUDIENCE',
  'UPSTREAM_JWKS_URI',
  'UPSTREAM_METADATA_URL',
  'UPSTREAM_ALGORITHMS',
  'UPSTREAM_PROVIDER_NAME',
  'MAX_BODY_BYTES',
  'REQUIRED_SCOPE',
  'CACHE_FLUSH_TARGETS',
  'LOG_LEVEL',
  'METRICS_NAMESPACE',
] as const;

/** Parses and validates; throws `ConfigError` naming the variable at fault. */
export function readGlobalTokenRevocationConfig(
  all: NodeJS.ProcessEnv = process.env,
): GlobalTokenRevocationConfig {
  const env = Object.fromEntries(NAMES.map((name) => [name, all[name]]));
  const upstream = readUpstreamConfig(env, 'oauth-authorization-server');
  const requiredScope = env.REQUIRED_SCOPE?.trim() ?? '';
  // A token of this provider without a dedicated scope must not be able to log everyone out.
  if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(requiredScope))
    throw new ConfigError('REQUIRED_SCOPE is required: one scope token (no spaces or quotes)');
  return { ...upstream, requiredScope };
}
