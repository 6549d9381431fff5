/**
 * The authorizer's configuration, parsed from the environment contract (lambdas/config/contract.ts) and nothing
 * else. Every problem is collected and reported at once in a `ConfigError` so an operator fixes them in one go.
 */
import { isPermittedEndpoint } from '../adapters/aws/endpoint.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { clientIdList } from '../config/fields.js';
import { type EnvironmentReader, readEnvironment } from '../config/reader.js';

export { ConfigError } from '../config/reader.js';

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

/** Same rule as aws-jwt-verify: `<region>_<id>`, e.g. `eu-west-1_AbCdEf123`. */
const USER_POOL_ID = /^((?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d)_[a-zA-Z0-9]+$/;
const TABLE_NAME = /^[\w.-]{3,255}$/;
const CLAIM_NAME = /^[\w:.-]{1,128}$/;

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function parseAuthorizerConfig(env: NodeJS.ProcessEnv): AuthorizerConfig {
  return Object.freeze(readEnvironment('authorizer', env, (read) => declare(read)));
}

/**
 * Which tokens are this pool's and where their revocations are: the variables the authorizer shares with the
 * functions that verify tokens the same way (introspection, token revocation), under the same rules.
 */
export type TokenSource = Pick<
  AuthorizerConfig,
  'userPoolId' | 'region' | 'clientIds' | 'tableName' | 'sessionClaim' | 'jwksUri'
>;

/** Reads `USER_POOL_ID`, `CLIENT_IDS`, `TABLE_NAME`, `SESSION_CLAIM` and `JWKS_URI` of the reader's function. */
export function declareTokenSource(read: EnvironmentReader): TokenSource {
  const userPoolId = read.text('USER_POOL_ID');
  const poolMatch = USER_POOL_ID.exec(userPoolId);
  if (userPoolId && !poolMatch) {
    read.problem(`USER_POOL_ID must look like "eu-west-1_AbCdEf123"; got "${userPoolId}"`);
  }
  const clientIds = read.parse('CLIENT_IDS', clientIdList('CLIENT_IDS'), []);
  const tableName = read.text('TABLE_NAME');
  if (tableName && !TABLE_NAME.test(tableName)) {
    read.problem(`TABLE_NAME is not a valid DynamoDB table name: "${tableName}"`);
  }
  const sessionClaim = read.text('SESSION_CLAIM');
  if (!CLAIM_NAME.test(sessionClaim))
    read.problem(`SESSION_CLAIM is not a valid claim name: "${sessionClaim}"`);
  const jwksUri = read.text('JWKS_URI');
  if (jwksUri) {
    let url: URL | undefined;
    try {
      url = new URL(jwksUri);
    } catch {
      read.problem(`JWKS_URI is not a URL: "${jwksUri}"`);
    }
    if (url && !isPermittedEndpoint(url)) {
      read.problem(`JWKS_URI must be https (plain http only on a loopback host); got "${url.origin}"`);
    }
  }
  return { userPoolId, region: poolMatch?.[1] ?? '', clientIds, tableName, sessionClaim, jwksUri };
}

function declare(read: EnvironmentReader): AuthorizerConfig {
  const source = declareTokenSource(read);
  const sampleRaw = read.text('DECISION_LOG_SAMPLE_RATE');
  const allowLogSampleRate = Number(sampleRaw);
  if (!/^(?:0|1|0?\.\d{1,6}|1\.0*)$/.test(sampleRaw) || !(allowLogSampleRate <= 1)) {
    read.problem(`DECISION_LOG_SAMPLE_RATE must be a number from 0 to 1; got "${sampleRaw}"`);
  }
  return {
    ...source,
    tokenUse: read.oneOf('TOKEN_USE', ['any', 'id', 'access'] as const),
    failMode: read.oneOf('FAIL_MODE', ['closed', 'open'] as const),
    storeTimeoutMs: read.integer('STORE_TIMEOUT_MS', 50, 5000),
    storeMaxAttempts: read.integer('STORE_MAX_ATTEMPTS', 1, 5),
    consistentRead: read.flag('CONSISTENT_READ'),
    stalenessSeconds: read.integer('REVOCATION_STALENESS_SECONDS', 0, 10),
    maxAgeSeconds: read.integer('REVOCATION_MAX_AGE_SECONDS', 10, 3600),
    httpApiResponseMode: read.oneOf('HTTP_API_RESPONSE_MODE', ['simple', 'iam'] as const),
    logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
    metricsNamespace: read.text('METRICS_NAMESPACE'),
    allowLogSampleRate: Number.isFinite(allowLogSampleRate) ? allowLogSampleRate : 0,
    metricsFlushDecisions: read.integer('METRICS_FLUSH_DECISIONS', 1, 1000),
  };
}
