/** The Shared Signals receiver's configuration, read from the environment contract in `config/contract.ts`. */
import { integerVar, readUpstreamConfig, type UpstreamConfig } from '../identity-provider/config.js';

export interface SharedSignalsConfig extends UpstreamConfig {
  /** SETs older than this (by `iat`) are refused; their `jti` is remembered this long. */
  readonly maxAgeSeconds: number;
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
  'SET_MAX_AGE_SECONDS',
  'CACHE_FLUSH_TARGETS',
  'LOG_LEVEL',
  'METRICS_NAMESPACE',
] as const;

/** Parses and validates; throws `ConfigError` naming the variable at fault. */
export function readSharedSignalsConfig(all: NodeJS.ProcessEnv = process.env): SharedSignalsConfig {
  const env = Object.fromEntries(NAMES.map((name) => [name, all[name]]));
  return {
    ...readUpstreamConfig(env, 'ssf-configuration'),
    maxAgeSeconds: integerVar(env, 'SET_MAX_AGE_SECONDS', 900, 60, 86_400),
  };
}
