/**
 * A refresh token at Cognito, as the RFC 7009 endpoint uses it: `GetTokensFromRefreshToken` to learn which refresh
 * family the token belongs to (Cognito's refresh tokens are encrypted; only the tokens it issues from one name the
 * family), and `RevokeToken`. Both are public Cognito operations authorized by the token and the app client's own
 * credentials (client id, and the client secret passed as is — not a SECRET_HASH), so the function needs no IAM
 * permission for them. Tokens and secrets are passed through and never logged; an error is reduced to its name and
 * an outcome, with any token text removed.
 */
import {
  type CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** The token and the credentials of the app client it was issued to (RFC 6749 §2.3.1 form parameters). */
export interface RefreshCredentials {
  readonly token: string;
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
}

/**
 * What Cognito said, in the three outcomes the endpoint answers differently:
 * - `refused`: the token is invalid, expired, already revoked, or not this client's (RFC 7009: nothing to do);
 * - `bad_client`: Cognito refused the app client's credentials (wrong or missing client secret);
 * - `unavailable`: Cognito could not answer (throttled, network, 5xx, a Lambda trigger failed): retry later.
 */
export type RefreshFailure = {
  readonly outcome: 'refused' | 'bad_client' | 'unavailable';
  /** The exception's name (never its message, which could quote input). */
  readonly error: string;
};

export type ProbeResult =
  | {
      readonly outcome: 'issued';
      readonly accessToken: string;
      /** Present when the app client rotates refresh tokens: the family's new live refresh token. */
      readonly rotatedRefreshToken?: string | undefined;
    }
  | RefreshFailure;

export type RevokeResult = { readonly outcome: 'revoked' } | RefreshFailure;

export interface RefreshTokens {
  /** Mints one set of tokens from the refresh token (runs the pre token generation trigger). */
  probe(credentials: RefreshCredentials): Promise<ProbeResult>;
  revoke(credentials: RefreshCredentials): Promise<RevokeResult>;
}

/** The token was not accepted: invalid, expired, revoked, rotated out, its user gone or disabled. */
const REFUSED = new Set([
  'NotAuthorizedException',
  'RefreshTokenReuseException',
  'InvalidParameterException',
  'UserNotFoundException',
  'ResourceNotFoundException',
  'UnsupportedTokenTypeException',
]);

export function classifyCognitoError(error: unknown): RefreshFailure {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  const name = typeof e?.name === 'string' && /^\w{1,64}$/.test(e.name) ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : '';
  // Cognito answers a wrong client secret with NotAuthorizedException too; its message names the secret.
  if (name === 'NotAuthorizedException' && /secret/i.test(message))
    return { outcome: 'bad_client', error: name };
  if (REFUSED.has(name)) return { outcome: 'refused', error: name };
  return { outcome: 'unavailable', error: name };
}

export function createRefreshTokens(options: { client: CognitoIdentityProviderClient }): RefreshTokens {
  const { client } = options;
  const secret = (c: RefreshCredentials) => (c.clientSecret ? { ClientSecret: c.clientSecret } : {});
  return {
    async probe(c) {
      try {
        const out = await client.send(
          new GetTokensFromRefreshTokenCommand({ RefreshToken: c.token, ClientId: c.clientId, ...secret(c) }),
        );
        const result = out.AuthenticationResult;
        if (!result?.AccessToken) return { outcome: 'unavailable', error: 'NoAccessTokenReturned' };
        return {
          outcome: 'issued',
          accessToken: result.AccessToken,
          ...(result.RefreshToken && result.RefreshToken !== c.token
            ? { rotatedRefreshToken: result.RefreshToken }
            : {}),
        };
      } catch (error) {
        return classifyCognitoError(error);
      }
    },
    async revoke(c) {
      try {
        await client.send(new RevokeTokenCommand({ Token: c.token, ClientId: c.clientId, ...secret(c) }));
        return { outcome: 'revoked' };
      } catch (error) {
        return classifyCognitoError(error);
      }
    },
  };
}
