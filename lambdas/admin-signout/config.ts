/** The admin signout function's configuration: its variables in `config/contract.ts`, read by `config/reader.ts`. */
import { type FlushTarget, parseFlushTargets } from '../adapters/apigateway/authorizer-cache.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { parseUserPoolId, REFRESH_TOKEN_LIFETIME_RANGE, TOKEN_LIFETIME_RANGE } from '../config/fields.js';
import { readEnvironment } from '../config/reader.js';
import { type LifetimePolicy, lifetimePolicy } from '../core/lifetime.js';

export interface AdminConfig {
  readonly tableName: string;
  readonly userPoolId: string;
  readonly policy: LifetimePolicy;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
  /** Cognito session management on the pool: `COGNITO_SESSION_MANAGEMENT`. */
  readonly cognitoSessionManagement: boolean;
  /** API Gateway stages whose authorizer cache is flushed after every revocation (`CACHE_FLUSH_TARGETS`). */
  readonly flushTargets: readonly FlushTarget[];
}

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readAdminConfig(env: NodeJS.ProcessEnv = process.env): AdminConfig {
  return readEnvironment('admin-signout', env, (read) => ({
    tableName: read.text('TABLE_NAME'),
    userPoolId: read.parse('USER_POOL_ID', parseUserPoolId, ''),
    policy: lifetimePolicy({
      tokenLifetimeSeconds: read.integer('TOKEN_LIFETIME_SECONDS', ...TOKEN_LIFETIME_RANGE),
      refreshTokenLifetimeSeconds: read.integer(
        'REFRESH_TOKEN_LIFETIME_SECONDS',
        ...REFRESH_TOKEN_LIFETIME_RANGE,
      ),
    }),
    cognitoSessionManagement: read.flag('COGNITO_SESSION_MANAGEMENT'),
    flushTargets: read.parse('CACHE_FLUSH_TARGETS', parseFlushTargets, []),
    logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
    metricsNamespace: read.text('METRICS_NAMESPACE'),
  }));
}
