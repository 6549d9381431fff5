/**
 * JWT verification with aws-jwt-verify's `CognitoJwtVerifier`: signature (RS256 with the pool's JWKS), issuer
 * `https://cognito-idp.<region>.amazonaws.com/<poolId>`, expiry, client id (`aud` / `client_id`) and token use.
 * The JWKS is fetched on first use and cached for the container's life (refetched only for an unknown `kid`,
 * at most once per 10 s by the library's penalty box). Nothing happens on the network when this is built.
 *
 * `JWKS_URI` (emulators, tests) changes only where the key set is downloaded from; the issuer check is unchanged.
 * aws-jwt-verify's own fetcher speaks https only, so the override uses a small fetcher that allows plain http for
 * loopback hosts and https for anything else.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  JwtExpiredError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
  ParameterValidationError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { assertStrictJwt } from './strict-jwt.js';
import { isLoopbackHost } from '../adapters/aws/endpoint.js';
import type { AuthorizerConfig } from './config.js';

export type Claims = Readonly<Record<string, unknown>>;

/** Verifies a token and resolves with its claims; rejects when the token is not acceptable. */
export interface TokenVerifier {
  verify(token: string): Promise<Claims>;
}

/** Why a token was refused, as a bounded set of reasons for logs and metrics. */
export type TokenRejection =
  | 'malformed_token'
  | 'invalid_signature'
  | 'unknown_kid'
  | 'expired'
  | 'wrong_issuer'
  | 'wrong_client'
  | 'wrong_token_use'
  | 'invalid_claims'
  | 'jwks_unavailable';

export function rejectionReason(error: unknown): TokenRejection {
  if (error instanceof JwtExpiredError || error instanceof JwtNotBeforeError) return 'expired';
  if (error instanceof JwtInvalidIssuerError) return 'wrong_issuer';
  // With several accepted issuer spellings, aws-jwt-verify reports an unknown `iss` as a parameter problem.
  if (error instanceof ParameterValidationError && /^issuer/.test(error.message)) return 'wrong_issuer';
  if (error instanceof CognitoJwtInvalidClientIdError) return 'wrong_client';
  if (error instanceof CognitoJwtInvalidTokenUseError) return 'wrong_token_use';
  if (error instanceof JwtInvalidClaimError) return 'invalid_claims';
  if (error instanceof JwtInvalidSignatureError || error instanceof JwtInvalidSignatureAlgorithmError) {
    return 'invalid_signature';
  }
  // WaitPeriodNotYetEndedJwkError: an unknown kid again within the JWKS refetch back-off (10 s).
  if (
    error instanceof KidNotFoundInJwksError ||
    error instanceof JwtWithoutValidKidError ||
    error instanceof WaitPeriodNotYetEndedJwkError
  )
    return 'unknown_kid';
  if (error instanceof JwtParseError) return 'malformed_token';
  // Fetch errors, penalty box waits, an invalid JWKS, anything unexpected: we could not check the signature.
  // aws-jwt-verify's errors keep `name` = 'Error'; their class names say what failed, and this module's own
  // fetcher says so in its messages ("JWKS fetch: HTTP 500").
  return error instanceof Error &&
    /jwk|fetch/i.test(`${error.name} ${error.constructor.name} ${error.message.slice(0, 100)}`)
    ? 'jwks_unavailable'
    : 'invalid_claims';
}

/** Largest JWKS accepted from the override URL. */
const MAX_JWKS_BYTES = 64 * 1024;
const JWKS_TIMEOUT_MS = 3000;

/** Fetches `target` whatever URI the verifier asks for (it asks for the real Cognito one). */
export function overrideJwksFetcher(target: string): Fetcher {
  const url = new URL(target);
  const secure = url.protocol === 'https:';
  if (!secure && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new Error(`JWKS_URI must be https (plain http only on a loopback host); got "${url.origin}"`);
  }
  const send = secure ? httpsRequest : httpRequest;
  return {
    fetch: () =>
      new Promise<ArrayBuffer>((resolve, reject) => {
        const req = send(url, { method: 'GET', timeout: JWKS_TIMEOUT_MS }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_JWKS_BYTES) req.destroy(new Error('JWKS fetch: answer too large'));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`JWKS fetch: HTTP ${res.statusCode}`));
              return;
            }
            const body = Buffer.concat(chunks);
            resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
          });
        });
        req.on('timeout', () => req.destroy(new Error('JWKS fetch: timed out')));
        req.on('error', reject);
        req.end();
      }),
  };
}

export function createCognitoVerifier(
  config: Pick<AuthorizerConfig, 'userPoolId' | 'clientIds' | 'tokenUse' | 'jwksUri'>,
): TokenVerifier {
  const properties = {
    userPoolId: config.userPoolId,
    clientId: [...config.clientIds],
    tokenUse: config.tokenUse === 'any' ? null : config.tokenUse,
  };
  const verifier = config.jwksUri
    ? CognitoJwtVerifier.create(properties, {
        jwksCache: new SimpleJwksCache({ fetcher: overrideJwksFetcher(config.jwksUri) }),
      })
    : CognitoJwtVerifier.create(properties);
  return {
    verify: (token) => {
      try {
        assertStrictJwt(token);
      } catch (error) {
        return Promise.reject(error);
      }
      return verifier.verify(token) as Promise<Claims>;
    },
  };
}
