/** The token revocation function's configuration, read from the environment contract (config/contract.ts). */
import { type AuthorizerConfig, parseAuthorizerConfig } from '../verification/config.js';
import { ConfigError } from '../config/reader.js';
import { type LifetimePolicy, lifetimePolicy } from '../core/lifetime.js';
import { type FlushTarget, parseFlushTargets } from '../adapters/apigateway/authorizer-cache.js';
import { type CallerConfig, readCallerConfig } from '../library/endpoint-config.js';
import type { LogLevel } from '../adapters/observability.js';

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

export function readTokenRevocationConfig(env: NodeJS.ProcessEnv): TokenRevocationConfig {
  const problems: string[] = [];
  const callers = readCallerConfig({ clientIds: env.CALLER_CLIENT_IDS, scope: env.CALLER_SCOPE }, problems);
  let tokens: TokenRevocationConfig['tokens'] | undefined;
  let logLevel: LogLevel | undefined;
  try {
    const parsed = parseAuthorizerConfig({
      USER_POOL_ID: env.USER_POOL_ID,
      CLIENT_IDS: env.CLIENT_IDS,
      TABLE_NAME: env.TABLE_NAME,
      SESSION_CLAIM: env.SESSION_CLAIM,
      JWKS_URI: env.JWKS_URI,
      LOG_LEVEL: env.LOG_LEVEL,
    });
    tokens = { ...parsed, tokenUse: 'any' };
    logLevel = parsed.logLevel;
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  let policy: LifetimePolicy | undefined;
  try {
    const whole = (name: string) => (env[name]?.trim() ? Number(env[name]) : undefined);
    const token = whole('TOKEN_LIFETIME_SECONDS');
    const refresh = whole('REFRESH_TOKEN_LIFETIME_SECONDS');
    policy = lifetimePolicy({
      ...(token !== undefined ? { tokenLifetimeSeconds: token } : {}),
      ...(refresh !== undefined ? { refreshTokenLifetimeSeconds: refresh } : {}),
    });
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  let flushTargets: readonly FlushTarget[] = [];
  try {
    flushTargets = parseFlushTargets(env.CACHE_FLUSH_TARGETS?.trim() || '[]');
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (problems.length || !tokens || !policy) throw new ConfigError('token-revocation', problems);
  return {
    ...callers,
    tokens,
    tableName: env.TABLE_NAME?.trim() ?? '',
    policy,
    flushTargets,
    logLevel: logLevel ?? 'info',
    metricsNamespace: env.METRICS_NAMESPACE?.trim() || 'CognitoRevocation',
  };
}
