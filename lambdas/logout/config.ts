/** The logout function's configuration: its variables in `config/contract.ts`, read by `config/reader.ts`. */
import { type FlushTarget, parseFlushTargets } from '../adapters/apigateway/authorizer-cache.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { REFRESH_TOKEN_LIFETIME_RANGE, TOKEN_LIFETIME_RANGE } from '../config/fields.js';
import { readEnvironment } from '../config/reader.js';
import { type LifetimePolicy, lifetimePolicy } from '../core/lifetime.js';

export interface LogoutConfig {
  readonly tableName: string;
  readonly policy: LifetimePolicy;
  readonly allowEverywhere: boolean;
  /** API Gateway stages whose authorizer cache is flushed after every revocation (`CACHE_FLUSH_TARGETS`). */
  readonly flushTargets: readonly FlushTarget[];
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
}

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readLogoutConfig(env: NodeJS.ProcessEnv = process.env): LogoutConfig {
  return readEnvironment('logout', env, (read) => ({
    tableName: read.text('TABLE_NAME'),
    policy: lifetimePolicy({
      tokenLifetimeSeconds: read.integer('TOKEN_LIFETIME_SECONDS', ...TOKEN_LIFETIME_RANGE),
      refreshTokenLifetimeSeconds: read.integer(
        'REFRESH_TOKEN_LIFETIME_SECONDS',
        ...REFRESH_TOKEN_LIFETIME_RANGE,
      ),
    }),
    allowEverywhere: read.flag('ALLOW_LOGOUT_EVERYWHERE'),
    flushTargets: read.parse('CACHE_FLUSH_TARGETS', parseFlushTargets, []),
    logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
    metricsNamespace: read.text('METRICS_NAMESPACE'),
  }));
}
