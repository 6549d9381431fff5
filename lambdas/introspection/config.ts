/** The introspection function's configuration: the verifier's (the authorizer's rules) and its callers'. */
import { ConfigError } from '../config/reader.js';
import { type CallerConfig, readCallerConfig } from '../library/endpoint-config.js';
import type { RevocationVerifierOptions } from '../library/options.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';

export interface IntrospectionConfig extends CallerConfig {
  readonly verifier: RevocationVerifierOptions;
  readonly userPoolId: string;
  /** The bound S: answers may be reused for this long (`Cache-Control`). */
  readonly stalenessSeconds: number;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
}

export function readIntrospectionConfig(env: NodeJS.ProcessEnv): IntrospectionConfig {
  const problems: string[] = [];
  const callers = readCallerConfig({ clientIds: env.CALLER_CLIENT_IDS, scope: env.CALLER_SCOPE }, problems);
  const rawS = env.REVOCATION_STALENESS_SECONDS?.trim() || '0';
  const stalenessSeconds = Number(rawS);
  if (!/^\d+$/.test(rawS) || stalenessSeconds > 10)
    problems.push(`REVOCATION_STALENESS_SECONDS must be an integer from 0 to 10; got "${rawS}"`);
  let logLevel: LogLevel = 'info';
  try {
    logLevel = parseLogLevel(env.LOG_LEVEL?.trim() || undefined);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length) throw new ConfigError('introspection', problems);
  const optional = (name: string) => env[name]?.trim() || undefined;
  const userPoolId = env.USER_POOL_ID?.trim() ?? '';
  const verifier: RevocationVerifierOptions = {
    userPoolId,
    clientId: env.CLIENT_IDS ?? '',
    tableName: env.TABLE_NAME ?? '',
    ...(optional('SESSION_CLAIM') ? { sessionClaim: optional('SESSION_CLAIM') } : {}),
    ...(optional('FAIL_MODE') ? { failMode: optional('FAIL_MODE') as 'closed' | 'open' } : {}),
    ...(optional('STORE_TIMEOUT_MS') ? { storeTimeoutMs: Number(optional('STORE_TIMEOUT_MS')) } : {}),
    ...(optional('JWKS_URI') ? { jwksUri: optional('JWKS_URI') } : {}),
    // Exact reads: the staleness budget is the callers' cache (answer.ts).
    stalenessSeconds: 0,
  };
  const metricsNamespace = env.METRICS_NAMESPACE?.trim() || 'CognitoRevocation';
  return { ...callers, verifier, userPoolId, stalenessSeconds, logLevel, metricsNamespace };
}
