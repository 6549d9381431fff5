/**
 * Who may call the OAuth endpoints: a Cognito machine-to-machine app client (client-credentials grant) holding a
 * dedicated scope (a resource server scope such as `cognito-revocation/introspect`). The caller sends its access
 * token as `Authorization: Bearer`; it is verified locally with aws-jwt-verify (signature, issuer, expiry, token use
 * `access`, one of the allowed caller client ids) and must carry the scope. No network per request once the JWKS
 * is cached; no secret stored by this project. docs/introspection.md says why this over IAM signing.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { overrideJwksFetcher } from '../verification/verifier.js';
import { assertStrictJwt } from '../verification/strict-jwt.js';
import { bearerToken } from './bearer.js';

export interface CallerOptions {
  readonly userPoolId: string;
  /** The M2M app clients allowed to call. */
  readonly clientIds: readonly string[];
  /** The scope the caller's token must hold. */
  readonly scope: string;
  readonly jwksUri?: string | undefined;
}

export type CallerCheck = (authorization: string | undefined) => Promise<{ clientId: string } | undefined>;

/** Resolves with the caller's client id, or undefined when the caller is not allowed (never throws). */
export function callerCheck(options: CallerOptions): CallerCheck {
  const properties = {
    userPoolId: options.userPoolId,
    clientId: [...options.clientIds],
    tokenUse: 'access' as const,
    scope: [options.scope],
  };
  const verifier = options.jwksUri
    ? CognitoJwtVerifier.create(properties, {
        jwksCache: new SimpleJwksCache({ fetcher: overrideJwksFetcher(options.jwksUri) }),
      })
    : CognitoJwtVerifier.create(properties);
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    try {
      assertStrictJwt(token);
      const claims = await verifier.verify(token);
      return { clientId: String(claims.client_id) };
    } catch {
      return undefined;
    }
  };
}
