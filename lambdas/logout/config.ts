/** The logout function's configuration, read from the environment contract in `config/contract.ts`. */
import { type LifetimePolicy, lifetimePolicy } from '../core/lifetime.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { ConfigError, readFlushTargets } from '../admin-signout/config.js';
import type { FlushTarget } from '../adapters/apigateway/authorizer-cache.js';

export interface LogoutConfig {
  readonly tableName: string;
  readonly policy: LifetimePolicy;
  readonly allowEverywhere: boolean;
  /** API Gateway stages whose authorizer cache is flushed after every revocation (`CACHE_FLUSH_TARGETS`). */
  readonly flushTargets: readonly FlushTarget[];
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw new ConfigError(`${name} must be a whole number of seconds, got "${raw}"`);
  return value;
}

/** Parses and validates; throws `ConfigError` naming the variable at fault. */
export function readLogoutConfig(env: NodeJS.ProcessEnv = process.env): LogoutConfig {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) throw new ConfigError('TABLE_NAME is required');
  let policy: LifetimePolicy;
  try {
    const token = integer(env, 'TOKEN_LIFETIME_SECONDS');
    const refresh = integer(env, 'REFRESH_TOKEN_LIFETIME_SECONDS');
    policy = lifetimePolicy({
      ...(token !== undefined ? { tokenLifetimeSeconds: token } : {}),
      ...(refresh !== undefined ? { refreshTokenLifetimeSeconds: refresh } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError((error as Error).message);
  }
  const everywhere = (env.ALLOW_LOGOUT_EVERYWHERE ?? 'true').trim().toLowerCase();
  if (everywhere !== 'true' && everywhere !== 'false')
    throw new ConfigError(`ALLOW_LOGOUT_EVERYWHERE must be true or false, got "${everywhere}"`);
  const flushTargets = readFlushTargets(env.CACHE_FLUSH_TARGETS);
  return {
    tableName,
    policy,
    flushTargets,
    allowEverywhere: everywhere === 'true',
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metricsNamespace: env.METRICS_NAMESPACE?.trim() || 'CognitoRevocation',
  };
}
