/**
 * What both identity-provider doors read from the environment contract (`config/contract.ts`): the pool and table as
 * the admin function reads them, plus the upstream provider (issuer, audience, keys, algorithms, provider name) and
 * the body limit. Each door's own config adds what only it needs.
 */
import { type AdminConfig, ConfigError, readAdminConfig } from '../admin-signout/config.js';
import { checkedUrl } from './fetch.js';
import { wellKnownUrl } from './verifier.js';

export { ConfigError };

export interface UpstreamConfig {
  readonly admin: Pick<
    AdminConfig,
    'tableName' | 'userPoolId' | 'policy' | 'flushTargets' | 'logLevel' | 'metricsNamespace'
  >;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly jwksUri?: string | undefined;
  readonly metadataUrl: string;
  readonly algorithms: readonly string[];
  readonly providerName?: string | undefined;
  readonly maxBodyBytes: number;
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

/** What aws-jwt-verify verifies: RSA and EC signatures and EdDSA. Never `none`, never an HMAC with a shared secret. */
const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export function integerVar(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses and validates; throws `ConfigError` naming the variable at fault. `metadata`: the well-known name. */
export function readUpstreamConfig(env: NodeJS.ProcessEnv, metadata: string): UpstreamConfig {
  const admin = readAdminConfig(Object.fromEntries(SHARED.map((name) => [name, env[name]])));
  const issuer = env.UPSTREAM_ISSUER?.trim() ?? '';
  if (!issuer) throw new ConfigError('UPSTREAM_ISSUER is required');
  const audience = list(env.UPSTREAM_AUDIENCE);
  if (audience.length === 0) throw new ConfigError('UPSTREAM_AUDIENCE is required');
  const jwksUri = env.UPSTREAM_JWKS_URI?.trim() || undefined;
  const algorithms = list(env.UPSTREAM_ALGORITHMS || 'RS256,ES256');
  for (const alg of algorithms)
    if (!SUPPORTED_ALGORITHMS.includes(alg))
      throw new ConfigError(`UPSTREAM_ALGORITHMS: "${alg}" is not one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  let metadataUrl: string;
  try {
    checkedUrl(issuer, 'UPSTREAM_ISSUER');
    metadataUrl = env.UPSTREAM_METADATA_URL?.trim() || wellKnownUrl(issuer, metadata);
    checkedUrl(metadataUrl, 'UPSTREAM_METADATA_URL');
    if (jwksUri) checkedUrl(jwksUri, 'UPSTREAM_JWKS_URI');
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const providerName = env.UPSTREAM_PROVIDER_NAME?.trim() || undefined;
  if (providerName && providerName.length > 32)
    throw new ConfigError(
      'UPSTREAM_PROVIDER_NAME is a Cognito identity provider name (at most 32 characters)',
    );
  return {
    admin,
    issuer,
    audience,
    jwksUri,
    metadataUrl,
    algorithms,
    providerName,
    maxBodyBytes: integerVar(env, 'MAX_BODY_BYTES', 16_384, 1024, 262_144),
  };
}
