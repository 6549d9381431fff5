/** The Global Token Revocation endpoint's configuration, read from the environment contract in `config/contract.ts`. */
import { readEnvironment } from '../config/reader.js';
import { declareUpstream, type UpstreamConfig } from '../identity-provider/config.js';

export interface GlobalTokenRevocationConfig extends UpstreamConfig {
  /** The scope the caller's bearer token must carry (in `scope` or `scp`). */
  readonly requiredScope: string;
}

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readGlobalTokenRevocationConfig(
  env: NodeJS.ProcessEnv = process.env,
): GlobalTokenRevocationConfig {
  return readEnvironment('global-token-revocation', env, (read) => {
    const requiredScope = read.text('REQUIRED_SCOPE');
    // A token of this provider without a dedicated scope must not be able to log everyone out.
    if (requiredScope && !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(requiredScope))
      read.problem('REQUIRED_SCOPE must be one scope token (no spaces or quotes)');
    return { ...declareUpstream(read, 'oauth-authorization-server'), requiredScope };
  });
}
