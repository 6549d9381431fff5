/** The auto-revocation function's configuration: its variables in `config/contract.ts`, read by `config/reader.ts`. */
import { type FlushTarget, parseFlushTargets } from '../adapters/apigateway/authorizer-cache.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { clientIdList, declareLifetimes, parseUserPoolId } from '../config/fields.js';
import { readEnvironment } from '../config/reader.js';
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

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readAutoRevocationConfig(env: NodeJS.ProcessEnv = process.env): AutoRevocationConfig {
  return readEnvironment('auto-revocation', env, (read) => ({
    tableName: read.text('TABLE_NAME'),
    userPoolId: read.parse('USER_POOL_ID', parseUserPoolId, ''),
    policy: declareLifetimes(read),
    revokeOn: read.parse('REVOKE_ON', parseRevokeOn, []),
    clientIds: read.parse('CLIENT_IDS', clientIdList('CLIENT_IDS'), []),
    flushTargets: read.parse('CACHE_FLUSH_TARGETS', parseFlushTargets, []),
    logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
    metricsNamespace: read.text('METRICS_NAMESPACE'),
  }));
}
