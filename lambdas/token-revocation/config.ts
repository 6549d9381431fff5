/**
 * The token revocation function's configuration, read from its environment contract (config/contract.ts) by the
 * one reader (config/reader.ts), so every problem is reported at once. Which tokens are this pool's follows the
 * authorizer's rules (verification/config.ts).
 */
import { type FlushTarget, parseFlushTargets } from '../adapters/apigateway/authorizer-cache.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { type CallerConfig, declareCallers, declareLifetimes } from '../config/fields.js';
import { readEnvironment } from '../config/reader.js';
import type { LifetimePolicy } from '../core/lifetime.js';
import { type AuthorizerConfig, declareTokenSource } from '../verification/config.js';

export interface TokenRevocationConfig extends CallerConfig {
  /** Which tokens are this pool's: pool, app clients, session claim, JWKS override (the authorizer's rules). */
  readonly tokens: Pick<
    AuthorizerConfig,
    'userPoolId' | 'clientIds' | 'tokenUse' | 'jwksUri' | 'sessionClaim'
  >;
  readonly tableName: string;
  readonly policy: LifetimePolicy;
  readonly flushTargets: readonly FlushTarget[];
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
}

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readTokenRevocationConfig(env: NodeJS.ProcessEnv): TokenRevocationConfig {
  return readEnvironment('token-revocation', env, (read) => {
    const { userPoolId, clientIds, jwksUri, sessionClaim, tableName } = declareTokenSource(read);
    return {
      ...declareCallers(read),
      tokens: { userPoolId, clientIds, tokenUse: 'any', jwksUri, sessionClaim },
      tableName,
      policy: declareLifetimes(read),
      flushTargets: read.parse('CACHE_FLUSH_TARGETS', parseFlushTargets, []),
      logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
      metricsNamespace: read.text('METRICS_NAMESPACE'),
    };
  });
}
