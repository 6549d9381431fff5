/**
 * For services behind an Application Load Balancer with Cognito authentication. The ALB forwards two headers
 * (Elastic Load Balancing guide, "Authenticate users using an Application Load Balancer"):
 * - `x-amzn-oidc-data`: the user claims, a JWT the ALB signs (ES256) — verified with aws-jwt-verify's
 *   `AlbJwtVerifier` (signer = this ALB's ARN, client = the app client, issuer = the user pool);
 * - `x-amzn-oidc-accesstoken`: Cognito's access token, verified and checked for revocation like any bearer token.
 * The ALB's own verification checks no revocation, and its session cookie keeps a signed-out user in for the
 * session's lifetime: the access token's check is what refuses a revoked user. Both must name the same `sub`.
 */
import { AlbJwtVerifier } from 'aws-jwt-verify';
import { AlbJwksCache } from 'aws-jwt-verify/alb-cache';
import { overrideJwksFetcher } from '../verification/verifier.js';
import { type Authenticator, MissingTokenError } from './authenticator.js';
import type { RevocationVerifier } from './verifier.js';

export interface AlbAuthenticatorOptions {
  /** The ARN(s) of the load balancer(s) allowed to sign `x-amzn-oidc-data` (its `signer` header). */
  readonly albArn: string | readonly string[];
  /** The user pool's app client the ALB listener rule authenticates with. */
  readonly clientId: string;
  /** The user pool id; the expected issuer is derived from it. */
  readonly userPoolId: string;
  /** Checks `x-amzn-oidc-accesstoken` (built with `tokenUse: 'access'`). */
  readonly verifier: Pick<RevocationVerifier, 'verify'>;
  /** Where the ALB's public keys are fetched (`<uri>/<kid>`) instead of the regional endpoint (tests only). */
  readonly albKeysUri?: string;
}

/** The two headers name different users (or the ALB header is not the ALB's). */
export class AlbIdentityMismatchError extends Error {
  override readonly name = 'AlbIdentityMismatchError';
  constructor() {
    super('x-amzn-oidc-data and x-amzn-oidc-accesstoken name different users');
  }
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function albAuthenticator(options: AlbAuthenticatorOptions): Authenticator {
  const region = options.userPoolId.split('_')[0];
  const properties = {
    albArn: [...(typeof options.albArn === 'string' ? [options.albArn] : options.albArn)],
    issuer: `https://cognito-idp.${region}.amazonaws.com/${options.userPoolId}`,
    clientId: options.clientId,
    ...(options.albKeysUri ? { jwksUri: options.albKeysUri } : {}),
  };
  const albVerifier = options.albKeysUri
    ? AlbJwtVerifier.create(properties, {
        // The override accepts plain http only on a loopback host, like the authorizer's JWKS override.
        jwksCache: new AlbJwksCache({
          fetcher: { fetch: (uri: string) => overrideJwksFetcher(uri).fetch(uri) },
        }),
      })
    : AlbJwtVerifier.create(properties);
  return {
    async authenticate(headers) {
      const data = header(headers['x-amzn-oidc-data']);
      const access = header(headers['x-amzn-oidc-accesstoken']);
      if (!data || !access) throw new MissingTokenError('the ALB authentication headers are');
      const [claims, verified] = await Promise.all([
        albVerifier.verify(data),
        options.verifier.verify(access),
      ]);
      if (claims.sub !== verified.sub) throw new AlbIdentityMismatchError();
      return verified;
    },
  };
}
