/**
 * The introspection function's configuration, read from its environment contract (config/contract.ts) by the one
 * reader (config/reader.ts), so every problem — the callers', the verifier's, the log's — is reported at once.
 * Which tokens are this pool's follows the authorizer's rules (verification/config.ts).
 */
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { type CallerConfig, declareCallers } from '../config/fields.js';
import { readEnvironment } from '../config/reader.js';
import type { RevocationVerifierOptions } from '../library/options.js';
import { declareTokenSource } from '../verification/config.js';

export interface IntrospectionConfig extends CallerConfig {
  readonly verifier: RevocationVerifierOptions;
  readonly userPoolId: string;
  /** The bound S: answers may be reused for this long (`Cache-Control`). */
  readonly stalenessSeconds: number;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
}

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readIntrospectionConfig(env: NodeJS.ProcessEnv): IntrospectionConfig {
  return readEnvironment('introspection', env, (read) => {
    const tokens = declareTokenSource(read);
    const verifier: RevocationVerifierOptions = {
      userPoolId: tokens.userPoolId,
      clientId: tokens.clientIds,
      tableName: tokens.tableName,
      sessionClaim: tokens.sessionClaim,
      failMode: read.oneOf('FAIL_MODE', ['closed', 'open'] as const),
      storeTimeoutMs: read.integer('STORE_TIMEOUT_MS', 50, 5000),
      ...(tokens.jwksUri ? { jwksUri: tokens.jwksUri } : {}),
      // Exact reads: the staleness budget is the callers' cache (answer.ts).
      stalenessSeconds: 0,
    };
    return {
      ...declareCallers(read),
      verifier,
      userPoolId: tokens.userPoolId,
      stalenessSeconds: read.integer('REVOCATION_STALENESS_SECONDS', 0, 10),
      logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
      metricsNamespace: read.text('METRICS_NAMESPACE'),
    };
  });
}
