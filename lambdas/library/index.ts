/**
 * cognito-revocation as a library: the revocation-aware verifier, its typed refusals, and adapters for Express,
 * Fastify and services behind an Application Load Balancer. docs/library.md.
 */
export { type AlbAuthenticatorOptions, AlbIdentityMismatchError, albAuthenticator } from './alb.js';
export {
  type Authenticator,
  bearerAuthenticator,
  type Headers,
  MissingTokenError,
} from './authenticator.js';
export { bearerToken, type Refusal, refusalFor } from './bearer.js';
export type { CredentialProvider, ResolvedCredentials } from './credentials.js';
export { RevocationStoreUnavailableError, TokenClaimsError, TokenRevokedError } from './errors.js';
export { type ExpressLikeMiddleware, expressRevocation } from './express.js';
export { type FastifyRevocationOptions, type FastifyRevocationPlugin, fastifyRevocation } from './fastify.js';
export { RevocationConfigError, type RevocationVerifierOptions } from './options.js';
export { createRevocationVerifier } from './create.js';
export type {
  RevocationVerifier,
  VerifiedToken,
  VerifierStats,
} from './verifier.js';
// aws-jwt-verify's refusals, for `instanceof` checks without a second import path.
export {
  JwtExpiredError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureError,
  JwtParseError,
} from 'aws-jwt-verify/error';
