/**
 * The authorizer's configuration, parsed from the environment contract (lambdas/config/contract.ts) and nothing
 * else. Every problem is collected and reported at once in a `ConfigError` so an operator fixes them in one go.
 */
import { ENVIRONMENT } from '../config/contract.js';
import { isLoopbackHost } from '../adapters/dynamodb/http-client.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';

export type TokenUse = 'id' | 'access' | 'any';
export type FailMode = 'closed' | 'open';
export type HttpApiResponseMode = 'simple' | 'iam';

export interface AuthorizerConfig {
  readonly userPoolId: string;
  readonly region: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: TokenUse;
  readonly tableName: string;
  readonly sessionClaim: string;
  readonly failMode: FailMode;
  readonly storeTimeoutMs: number;
  readonly storeMaxAttempts: number;
  readonly consistentRead: boolean;
  /** Staleness mode bound S (0 = exact mode). */
  readonly stalenessSeconds: number;
  /** Staleness mode: oldest cached answer used. */
  readonly maxAgeSeconds: number;
  readonly httpApiResponseMode: HttpApiResponseMode;
  /** Empty when the JWKS comes from Cognito itself. */
  readonly jwksUri: string;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
  /** Share of ordinary allows logged at `info` (0–1). */
  readonly allowLogSampleRate: number;
  /** Decisions per EMF metrics document at most. */
  readonly metricsFlushDecisions: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid authorizer configuration: ${problems.join('; ')}`);
  }
}

const DEFAULTS = new Map(ENVIRONMENT.authorizer.map((spec) => [spec.name, spec.default]));

/** Same rule as aws-jwt-verify: `<region>_<id>`, e.g. `eu-west-1_AbCdEf123`. */
const USER_POOL_ID = /^((?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d)_[a-zA-Z0-9]+$/;
const CLIENT_ID = /^[\w+]{1,128}$/;
const TABLE_NAME = /^[\w.-]{3,255}$/;
const CLAIM_NAME = /^[\w:.-]{1,128}$/;

export function parseAuthorizerConfig(env: NodeJS.ProcessEnv): AuthorizerConfig {
  const problems: string[] = [];
  const read = (name: string): string => {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return value;
    const fallback = DEFAULTS.get(name);
    if (fallback === undefined) problems.push(`${name} is required`);
    return fallback ?? '';
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T => {
    const value = read(name).toLowerCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
    return allowed[0] as T;
  };
  const integer = (name: string, min: number, max: number): number => {
    const raw = read(name);
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
      return min;
    }
    return value;
  };

  const userPoolId = read('USER_POOL_ID');
  const poolMatch = USER_POOL_ID.exec(userPoolId);
  if (userPoolId && !poolMatch) {
    problems.push(`USER_POOL_ID must look like "eu-west-1_AbCdEf123"; got "${userPoolId}"`);
  }
  const clientIds = read('CLIENT_IDS')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const badClients = clientIds.filter((c) => !CLIENT_ID.test(c));
  if (badClients.length > 0) problems.push(`CLIENT_IDS has invalid app client ids: ${badClients.join(', ')}`);
  if (env.CLIENT_IDS?.trim() && clientIds.length === 0) problems.push('CLIENT_IDS lists no app client id');
  const tableName = read('TABLE_NAME');
  if (tableName && !TABLE_NAME.test(tableName)) {
    problems.push(`TABLE_NAME is not a valid DynamoDB table name: "${tableName}"`);
  }
  const sessionClaim = read('SESSION_CLAIM');
  if (!CLAIM_NAME.test(sessionClaim))
    problems.push(`SESSION_CLAIM is not a valid claim name: "${sessionClaim}"`);
  const jwksUri = read('JWKS_URI');
  if (jwksUri) {
    let url: URL | undefined;
    try {
      url = new URL(jwksUri);
    } catch {
      problems.push(`JWKS_URI is not a URL: "${jwksUri}"`);
    }
    if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      problems.push(`JWKS_URI must be https (plain http only on a loopback host); got "${url.origin}"`);
    }
  }
  let logLevel: LogLevel = 'info';
  try {
    logLevel = parseLogLevel(read('LOG_LEVEL'));
  } catch (error) {
    problems.push((error as Error).message);
  }
  const consistent = oneOf('CONSISTENT_READ', ['true', 'false'] as const);
  const sampleRaw = read('DECISION_LOG_SAMPLE_RATE');
  const allowLogSampleRate = Number(sampleRaw);
  if (!/^(?:0|1|0?\.\d{1,6}|1\.0*)$/.test(sampleRaw) || !(allowLogSampleRate <= 1)) {
    problems.push(`DECISION_LOG_SAMPLE_RATE must be a number from 0 to 1; got "${sampleRaw}"`);
  }
  const config: AuthorizerConfig = {
    userPoolId,
    region: poolMatch?.[1] ?? '',
    clientIds,
    tokenUse: oneOf('TOKEN_USE', ['any', 'id', 'access'] as const),
    tableName,
    sessionClaim,
    failMode: oneOf('FAIL_MODE', ['closed', 'open'] as const),
    storeTimeoutMs: integer('STORE_TIMEOUT_MS', 50, 5000),
    storeMaxAttempts: integer('STORE_MAX_ATTEMPTS', 1, 5),
    consistentRead: consistent === 'true',
    stalenessSeconds: integer('REVOCATION_STALENESS_SECONDS', 0, 10),
    maxAgeSeconds: integer('REVOCATION_MAX_AGE_SECONDS', 10, 3600),
    httpApiResponseMode: oneOf('HTTP_API_RESPONSE_MODE', ['simple', 'iam'] as const),
    jwksUri,
    logLevel,
    metricsNamespace: read('METRICS_NAMESPACE'),
    allowLogSampleRate: Number.isFinite(allowLogSampleRate) ? allowLogSampleRate : 0,
    metricsFlushDecisions: integer('METRICS_FLUSH_DECISIONS', 1, 1000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
