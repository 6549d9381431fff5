/**
 * What both identity-provider doors read from the environment contract (`config/contract.ts`): the pool and table as
 * the admin function reads them, plus the upstream provider (issuer, audience, keys, algorithms, provider name) and
 * the body limit. Each door's own config adds what only it needs.
 */
import { type FlushTarget, parseFlushTargets } from '../adapters/apigateway/authorizer-cache.js';
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { declareLifetimes, type ListItem, listParser, parseUserPoolId } from '../config/fields.js';
import { ConfigError, type EnvironmentReader } from '../config/reader.js';
import type { LifetimePolicy } from '../core/lifetime.js';
import { checkedUrl } from './fetch.js';
import { wellKnownUrl } from './verifier.js';

export { ConfigError };

export interface UpstreamConfig {
  /** The pool and table, read as the admin function reads them. */
  readonly admin: {
    readonly tableName: string;
    readonly userPoolId: string;
    readonly policy: LifetimePolicy;
    readonly flushTargets: readonly FlushTarget[];
    readonly logLevel: LogLevel;
    readonly metricsNamespace: string;
  };
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly jwksUri?: string | undefined;
  readonly metadataUrl: string;
  readonly algorithms: readonly string[];
  readonly providerName?: string | undefined;
  readonly maxBodyBytes: number;
}

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

const ALGORITHM: ListItem = {
  what: 'algorithm',
  valid: (alg) => SUPPORTED_ALGORITHMS.includes(alg),
  rule: `one of ${SUPPORTED_ALGORITHMS.join(', ')}`,
};

/** An `aud` value is any StringOrURI (RFC 7519); one without blanks or control characters, as a token carries it. */
const AUDIENCE: ListItem = {
  what: 'audience',
  valid: (aud) => aud.length <= 1024 && [...aud].every((c) => c > ' ' && c !== '\u007f'),
  rule: 'no blanks or control characters; at most 1024 characters',
};

/** The upstream settings both doors share, declared over the one environment reader (`config/reader.ts`). */
export function declareUpstream(read: EnvironmentReader, metadata: string): UpstreamConfig {
  const issuer = read.text('UPSTREAM_ISSUER');
  const audience = read.parse('UPSTREAM_AUDIENCE', listParser('UPSTREAM_AUDIENCE', AUDIENCE), []);
  const jwksUri = read.text('UPSTREAM_JWKS_URI') || undefined;
  const algorithms = read.parse('UPSTREAM_ALGORITHMS', listParser('UPSTREAM_ALGORITHMS', ALGORITHM), []);
  let metadataUrl = '';
  try {
    if (issuer) {
      checkedUrl(issuer, 'UPSTREAM_ISSUER');
      metadataUrl = read.text('UPSTREAM_METADATA_URL') || wellKnownUrl(issuer, metadata);
      checkedUrl(metadataUrl, 'UPSTREAM_METADATA_URL');
    }
    if (jwksUri) checkedUrl(jwksUri, 'UPSTREAM_JWKS_URI');
  } catch (error) {
    read.problem((error as Error).message);
  }
  const providerName = read.text('UPSTREAM_PROVIDER_NAME') || undefined;
  if (providerName && providerName.length > 32)
    read.problem('UPSTREAM_PROVIDER_NAME is a Cognito identity provider name (at most 32 characters)');
  return {
    admin: {
      tableName: read.text('TABLE_NAME'),
      userPoolId: read.parse('USER_POOL_ID', parseUserPoolId, ''),
      policy: declareLifetimes(read),
      flushTargets: read.parse('CACHE_FLUSH_TARGETS', parseFlushTargets, []),
      logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
      metricsNamespace: read.text('METRICS_NAMESPACE'),
    },
    issuer,
    audience,
    jwksUri,
    metadataUrl,
    algorithms,
    providerName,
    maxBodyBytes: read.integer('MAX_BODY_BYTES', 1024, 262_144),
  };
}
