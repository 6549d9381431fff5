/** The admin signout Lambda's configuration, read from the environment contract in `config/contract.ts`. */
import { type LifetimePolicy, lifetimePolicy } from '../core/lifetime.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { type FlushTarget, parseFlushTargets } from '../adapters/apigateway/authorizer-cache.js';

export interface AdminConfig {
  readonly tableName: string;
  readonly userPoolId: string;
  readonly policy: LifetimePolicy;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
  /** Cognito session management on the pool (issue #14): `COGNITO_SESSION_MANAGEMENT`. */
  readonly cognitoSessionManagement: boolean;
  /** API Gateway stages whose authorizer cache is flushed after every revocation (`CACHE_FLUSH_TARGETS`). */
  readonly flushTargets: readonly FlushTarget[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw new ConfigError(`${name} must be a whole number of seconds, got "${raw}"`);
  return value;
}

function booleanVar(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** `CACHE_FLUSH_TARGETS` of any revoking function (admin, automatic revocation, logout); throws `ConfigError`. */
export function readFlushTargets(raw: string | undefined): FlushTarget[] {
  try {
    return parseFlushTargets(raw);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Parses and validates; throws `ConfigError` naming the variable at fault. */
export function readAdminConfig(env: NodeJS.ProcessEnv = process.env): AdminConfig {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) throw new ConfigError('TABLE_NAME is required');
  const userPoolId = env.USER_POOL_ID?.trim();
  if (!userPoolId || !/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) {
    throw new ConfigError(
      `USER_POOL_ID must be a user pool id like eu-west-1_AbCdEf123, got "${userPoolId ?? ''}"`,
    );
  }
  let policy: LifetimePolicy;
  try {
    const values: { tokenLifetimeSeconds?: number; refreshTokenLifetimeSeconds?: number } = {};
    const token = integer(env, 'TOKEN_LIFETIME_SECONDS');
    const refresh = integer(env, 'REFRESH_TOKEN_LIFETIME_SECONDS');
    if (token !== undefined) values.tokenLifetimeSeconds = token;
    if (refresh !== undefined) values.refreshTokenLifetimeSeconds = refresh;
    policy = lifetimePolicy(values);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError((error as Error).message);
  }
  const flushTargets = readFlushTargets(env.CACHE_FLUSH_TARGETS);
  return {
    flushTargets,
    tableName,
    userPoolId,
    policy,
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metricsNamespace: env.METRICS_NAMESPACE?.trim() || 'CognitoRevocation',
    cognitoSessionManagement: booleanVar(env, 'COGNITO_SESSION_MANAGEMENT'),
  };
}
