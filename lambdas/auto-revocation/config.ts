/** The auto-revocation function's configuration, read from the environment contract in `config/contract.ts`. */
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { ConfigError, readAdminConfig } from '../admin-signout/config.js';
import type { FlushTarget } from '../adapters/apigateway/authorizer-cache.js';
import type { LifetimePolicy } from '../core/lifetime.js';
import { parseRevokeOn, type RevokingEventName } from './events.js';

export interface AutoRevocationConfig {
  readonly tableName: string;
  readonly userPoolId: string;
  readonly policy: LifetimePolicy;
  readonly revokeOn: readonly RevokingEventName[];
  /** This pool's app client ids (`CLIENT_IDS`): see `crossPoolProblem` in events.ts. */
  readonly clientIds: readonly string[];
  /** API Gateway stages whose authorizer cache is flushed after every revocation (`CACHE_FLUSH_TARGETS`). */
  readonly flushTargets: readonly FlushTarget[];
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
}

const SHARED = [
  'TABLE_NAME',
  'USER_POOL_ID',
  'TOKEN_LIFETIME_SECONDS',
  'REFRESH_TOKEN_LIFETIME_SECONDS',
  'CACHE_FLUSH_TARGETS',
  'LOG_LEVEL',
  'METRICS_NAMESPACE',
] as const;

/** Parses and validates; throws `ConfigError` naming the variable at fault. */
export function readAutoRevocationConfig(env: NodeJS.ProcessEnv = process.env): AutoRevocationConfig {
  // These mean exactly what they mean for the admin function.
  const admin = readAdminConfig(Object.fromEntries(SHARED.map((name) => [name, env[name]])));
  let revokeOn: RevokingEventName[];
  try {
    revokeOn = parseRevokeOn(env.REVOKE_ON);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const clientIds = (env.CLIENT_IDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const malformed = clientIds.find((c) => !/^[0-9a-zA-Z]{1,128}$/.test(c));
  if (malformed !== undefined)
    throw new ConfigError(
      `CLIENT_IDS: "${malformed.slice(0, 64)}" is not an app client id (letters and digits)`,
    );
  return {
    tableName: admin.tableName,
    userPoolId: admin.userPoolId,
    policy: admin.policy,
    revokeOn,
    clientIds,
    flushTargets: admin.flushTargets,
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metricsNamespace: admin.metricsNamespace,
  };
}
