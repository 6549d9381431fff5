/**
 * Verifies a JWT from the configured upstream provider with aws-jwt-verify's generic `JwtVerifier`: signature against
 * the provider's JWKS (given, or named by its metadata document), issuer, audience, `exp`/`nbf`, an allowed algorithm
 * and, for a Security Event Token, its explicit type. Used for the SETs of the Shared Signals receiver and the bearer
 * tokens of the Global Token Revocation endpoint. The metadata is fetched lazily at the first verification (never at
 * init) and again after a failed fetch; the JWKS is cached and refetched by aws-jwt-verify on an unknown `kid`.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import {
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { boundedFetcher, checkedUrl, getJson } from './fetch.js';

export interface UpstreamVerifierConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** The JWKS; when absent, the `jwks_uri` of the metadata document. */
  readonly jwksUri?: string | undefined;
  /** The provider's metadata document (its `issuer` must be the configured one). */
  readonly metadataUrl: string;
  readonly algorithms: readonly string[];
  /** The required `typ` header (lower case, `application/` prefix optional), e.g. `secevent+jwt`. */
  readonly typ?: string | undefined;
}

export type VerifyFailureKind =
  | 'malformed'
  | 'signature'
  | 'unknown_key'
  | 'algorithm'
  | 'type'
  | 'issuer'
  | 'audience'
  | 'expired'
  /** The keys could not be fetched: not the sender's fault, a retry may succeed. */
  | 'unavailable';

export class VerifyFailure extends Error {
  override readonly name = 'VerifyFailure';
  constructor(
    readonly kind: VerifyFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export type VerifiedPayload = Record<string, unknown> & {
  iss: string;
  iat?: number;
  exp?: number;
  jti?: string;
};

export interface UpstreamVerifier {
  /** Resolves the payload, or rejects with `VerifyFailure`. The token never appears in an error message. */
  verify(token: string): Promise<VerifiedPayload>;
}

/** Where a metadata document lives (RFC 8414's rule: the well-known segment between host and issuer path). */
export function wellKnownUrl(issuer: string, name: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/${name}${path}`;
}

function typeOf(header: Record<string, unknown>): string | undefined {
  const typ = header.typ;
  return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
}

function classify(error: unknown): VerifyFailure {
  if (error instanceof VerifyFailure) return error;
  const message = error instanceof Error ? error.message.slice(0, 200) : 'verification failed';
  if (error instanceof JwtInvalidSignatureError)
    return new VerifyFailure('signature', 'signature does not verify');
  if (error instanceof JwtInvalidSignatureAlgorithmError) return new VerifyFailure('algorithm', message);
  if (error instanceof JwtInvalidIssuerError)
    return new VerifyFailure('issuer', 'issuer is not the configured one');
  if (error instanceof JwtInvalidAudienceError)
    return new VerifyFailure('audience', 'audience is not this receiver');
  if (error instanceof JwtExpiredError || error instanceof JwtNotBeforeError)
    return new VerifyFailure('expired', message);
  if (
    error instanceof KidNotFoundInJwksError ||
    error instanceof JwtWithoutValidKidError ||
    error instanceof WaitPeriodNotYetEndedJwkError
  )
    return new VerifyFailure('unknown_key', 'signed with a key the provider does not publish');
  if (error instanceof JwtParseError) return new VerifyFailure('malformed', 'not a well-formed JWT');
  return new VerifyFailure('unavailable', `could not verify: ${message}`);
}

export function createUpstreamVerifier(config: UpstreamVerifierConfig): UpstreamVerifier {
  checkedUrl(config.issuer, 'issuer');
  checkedUrl(config.metadataUrl, 'metadata URL');
  if (config.jwksUri) checkedUrl(config.jwksUri, 'JWKS URI');
  const jwksCache = new SimpleJwksCache({ fetcher: boundedFetcher });
  let ready: Promise<ReturnType<typeof build>> | undefined;

  function build(jwksUri: string) {
    checkedUrl(jwksUri, 'jwks_uri');
    return JwtVerifier.create(
      {
        issuer: config.issuer,
        audience: [...config.audience],
        jwksUri,
        customJwtCheck: ({ header }) => {
          const alg = (header as { alg?: unknown }).alg;
          if (typeof alg !== 'string' || !config.algorithms.includes(alg))
            throw new VerifyFailure('algorithm', `algorithm ${String(alg)} is not allowed`);
          if (config.typ && typeOf(header as Record<string, unknown>) !== config.typ)
            throw new VerifyFailure('type', `the token's typ header is not ${config.typ}`);
        },
      },
      { jwksCache },
    );
  }

  async function discover() {
    if (config.jwksUri) return build(config.jwksUri);
    const metadata = await getJson(config.metadataUrl);
    if (metadata.issuer !== config.issuer)
      throw new Error(
        `the metadata document names issuer ${String(metadata.issuer)}, not the configured one`,
      );
    if (typeof metadata.jwks_uri !== 'string') throw new Error('the metadata document has no jwks_uri');
    return build(metadata.jwks_uri);
  }

  return {
    async verify(token) {
      if (!ready) {
        ready = discover();
        ready.catch(() => {
          ready = undefined; // the next request fetches again
        });
      }
      try {
        const verifier = await ready;
        return (await verifier.verify(token)) as unknown as VerifiedPayload;
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
