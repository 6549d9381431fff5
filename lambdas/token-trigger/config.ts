/** The token trigger's configuration, read from the environment contract in `config/contract.ts`. */
import { lifetimePolicy, type LifetimePolicy } from '../core/lifetime.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { isValidClaimName } from './events.js';

export interface TokenTriggerConfig {
  readonly tableName: string;
  readonly claim: string;
  readonly policy: LifetimePolicy;
  readonly storeTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** Parses and validates; throws `ConfigError` naming the variable at fault. */
export function readTokenTriggerConfig(env: NodeJS.ProcessEnv = process.env): TokenTriggerConfig {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) throw new ConfigError('TABLE_NAME is required');
  const claim = env.SESSION_CLAIM?.trim() || 'revocation_sid';
  if (!isValidClaimName(claim)) {
    throw new ConfigError(
      `SESSION_CLAIM "${claim}" is not a claim the trigger may set (letters, digits, _ : . -; not a standard or cognito: claim)`,
    );
  }
  let policy: LifetimePolicy;
  try {
    policy = lifetimePolicy({ tokenLifetimeSeconds: integer(env, 'TOKEN_LIFETIME_SECONDS', 86400, 1, 1e9) });
  } catch (error) {
    throw new ConfigError(`TOKEN_LIFETIME_SECONDS: ${(error as Error).message}`);
  }
  return {
    tableName,
    claim,
    policy,
    storeTimeoutMs: integer(env, 'STORE_TIMEOUT_MS', 300, 50, 3000),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metricsNamespace: env.METRICS_NAMESPACE?.trim() || 'CognitoRevocation',
  };
}
