/**
 * What the framework adapters call: from a request's headers to a verified token, or a typed refusal. The plain one
 * reads `Authorization: Bearer`; the ALB one (alb.ts) reads the headers an Application Load Balancer adds.
 */
import { bearerToken } from './bearer.js';
import type { RevocationVerifier, VerifiedToken } from './verifier.js';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface Authenticator {
  /** Resolves with the verified token; rejects with a refusal, `MissingTokenError` when no token is presented. */
  authenticate(headers: Headers): Promise<VerifiedToken>;
}

export class MissingTokenError extends Error {
  override readonly name = 'MissingTokenError';
  constructor(what = 'a bearer token') {
    super(`${what} is required`);
  }
}

export function bearerAuthenticator(verifier: Pick<RevocationVerifier, 'verify'>): Authenticator {
  return {
    authenticate(headers) {
      const token = bearerToken(headers.authorization);
      return token === undefined ? Promise.reject(new MissingTokenError()) : verifier.verify(token);
    },
  };
}

/** A verifier is accepted wherever an authenticator is: it then reads the bearer token. */
export function asAuthenticator(source: Authenticator | Pick<RevocationVerifier, 'verify'>): Authenticator {
  return 'authenticate' in source ? source : bearerAuthenticator(source);
}
