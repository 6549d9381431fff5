/**
 * The verifier's options, validated by the authorizer's own configuration parser: the same rules, the same defaults
 * (store deadline, attempts, fail mode, staleness bounds — lambdas/config/contract.ts) as the Lambda authorizer, so
 * a service and an API behind API Gateway configured alike decide alike.
 */
import { type AuthorizerConfig, ConfigError, parseAuthorizerConfig } from '../verification/config.js';
import { dynamoOptionsFromEnv, StoreConfigError } from '../adapters/dynamodb/http-client.js';
import type { CredentialProvider } from './credentials.js';

export interface RevocationVerifierOptions {
  /** e.g. `eu-west-1_AbCdEf123`. */
  readonly userPoolId: string;
  /** The app client id(s) whose tokens are accepted. */
  readonly clientId: string | readonly string[];
  /** `id`, `access`, or null for either (default null). */
  readonly tokenUse?: 'id' | 'access' | null;
  /** The blocklist table the module created (its `table_name` output). */
  readonly tableName: string;
  /** The table's region; default the user pool's region. */
  readonly region?: string;
  /**
   * DynamoDB endpoint; default `AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`, then the regional endpoint.
   * https only (plain http on a loopback host for an emulator).
   */
  readonly endpoint?: string;
  /** What a store outage does: `closed` (default) refuses, `open` accepts (outages only, never throttling). */
  readonly failMode?: 'closed' | 'open';
  /** Deadline of one revocation lookup, all attempts included (50–5000; default 800). */
  readonly storeTimeoutMs?: number;
  /** Attempts within the deadline (1–5; default 2). */
  readonly storeMaxAttempts?: number;
  /** Strongly consistent reads (default true: a revocation counts as soon as its write returned). */
  readonly consistentRead?: boolean;
  /** Staleness mode bound S in seconds (0–10; default 0 = exact mode: one read per decision). */
  readonly stalenessSeconds?: number;
  /** Staleness mode: the oldest cached answer used (10–3600; default from the contract). */
  readonly maxAgeSeconds?: number;
  /** The session claim the token trigger injects (default `revocation_sid`). */
  readonly sessionClaim?: string;
  /** Where the JWKS is downloaded from instead of Cognito (emulators, tests); the issuer check is unchanged. */
  readonly jwksUri?: string;
  /**
   * AWS credentials: any `AwsCredentialIdentityProvider` of the AWS SDK. Default: the SDK's Node.js default chain
   * (environment, shared config / SSO, web identity — EKS IRSA —, the ECS container endpoint — ECS task roles and
   * EKS Pod Identity —, the EC2 instance profile), resolved once and refreshed before expiry.
   */
  readonly credentials?: CredentialProvider;
  /** Epoch milliseconds (tests); default `Date.now`. */
  readonly clock?: () => number;
}

/** A problem with the options; `problems` lists every one at once. */
export class RevocationConfigError extends Error {
  override readonly name = 'RevocationConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid revocation verifier options: ${problems.join('; ')}`);
  }
}

/** Option name for each environment variable of the authorizer's contract (so problems name the option). */
const OPTION_OF: Readonly<Record<string, string>> = {
  USER_POOL_ID: 'userPoolId',
  CLIENT_IDS: 'clientId',
  TOKEN_USE: 'tokenUse',
  TABLE_NAME: 'tableName',
  SESSION_CLAIM: 'sessionClaim',
  FAIL_MODE: 'failMode',
  STORE_TIMEOUT_MS: 'storeTimeoutMs',
  STORE_MAX_ATTEMPTS: 'storeMaxAttempts',
  CONSISTENT_READ: 'consistentRead',
  REVOCATION_STALENESS_SECONDS: 'stalenessSeconds',
  REVOCATION_MAX_AGE_SECONDS: 'maxAgeSeconds',
  JWKS_URI: 'jwksUri',
};

const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);

export interface ResolvedOptions {
  readonly config: AuthorizerConfig;
  readonly region: string;
  readonly endpoint: URL;
}

export function resolveOptions(options: RevocationVerifierOptions, env: NodeJS.ProcessEnv): ResolvedOptions {
  if (options === null || typeof options !== 'object')
    throw new RevocationConfigError(['options are required']);
  const clientIds = Array.isArray(options.clientId) ? options.clientId.join(',') : text(options.clientId);
  const asEnv: Record<string, string | undefined> = {
    USER_POOL_ID: text(options.userPoolId),
    CLIENT_IDS: clientIds,
    TOKEN_USE: options.tokenUse === null || options.tokenUse === undefined ? 'any' : options.tokenUse,
    TABLE_NAME: text(options.tableName),
    SESSION_CLAIM: text(options.sessionClaim),
    FAIL_MODE: text(options.failMode),
    STORE_TIMEOUT_MS: text(options.storeTimeoutMs),
    STORE_MAX_ATTEMPTS: text(options.storeMaxAttempts),
    CONSISTENT_READ: text(options.consistentRead),
    REVOCATION_STALENESS_SECONDS: text(options.stalenessSeconds),
    REVOCATION_MAX_AGE_SECONDS: text(options.maxAgeSeconds),
    JWKS_URI: text(options.jwksUri),
  };
  let config: AuthorizerConfig;
  try {
    config = parseAuthorizerConfig(asEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new RevocationConfigError(
      error.problems.map((p) => p.replace(/^[A-Z_]+/, (name) => OPTION_OF[name] ?? name)),
    );
  }
  if (!options.clientId || clientIds === '') throw new RevocationConfigError(['clientId is required']);
  const region = options.region ?? config.region;
  // The authorizer's endpoint rules (per-service variable, then AWS_ENDPOINT_URL, then regional; https except on
  // loopback). Its credential part is not used here — the provider chain supplies credentials — hence the
  // placeholders that only satisfy its presence check.
  try {
    const { endpoint } = dynamoOptionsFromEnv({
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'from-provider-chain',
      AWS_SECRET_ACCESS_KEY: 'from-provider-chain',
      AWS_ENDPOINT_URL_DYNAMODB: options.endpoint ?? env.AWS_ENDPOINT_URL_DYNAMODB,
      AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL,
    });
    return { config, region, endpoint };
  } catch (error) {
    if (error instanceof StoreConfigError) throw new RevocationConfigError([`endpoint: ${error.message}`]);
    throw error;
  }
}
