/** The Shared Signals receiver's configuration, read from the environment contract in `config/contract.ts`. */
import { readEnvironment } from '../config/reader.js';
import { declareUpstream, type UpstreamConfig } from '../identity-provider/config.js';

export interface SharedSignalsConfig extends UpstreamConfig {
  /** SETs older than this (by `iat`) are refused; their `jti` is remembered this long. */
  readonly maxAgeSeconds: number;
}

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readSharedSignalsConfig(env: NodeJS.ProcessEnv = process.env): SharedSignalsConfig {
  return readEnvironment('shared-signals', env, (read) => ({
    ...declareUpstream(read, 'ssf-configuration'),
    maxAgeSeconds: read.integer('SET_MAX_AGE_SECONDS', 60, 86_400),
  }));
}
