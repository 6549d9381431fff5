/**
 * A user's own tokens at Cognito (self-service logout): `RevokeToken` (refresh token + app client id) and
 * `GlobalSignOut` (access token). Cognito authorizes both by the token itself — no IAM permission, no admin call.
 * The tokens are passed through and never logged; errors are mapped to `DirectoryError` with the token removed.
 */
import {
  type CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { UserTokens } from '../../core/directory.js';
import { toDirectoryError } from './user-directory.js';

function scrub(error: unknown, token: string): Error {
  const mapped = toDirectoryError(error);
  if (token && mapped.message.includes(token))
    mapped.message = mapped.message.split(token).join('[redacted]');
  return mapped;
}

export function createUserTokens(options: { client: CognitoIdentityProviderClient }): UserTokens {
  const { client } = options;
  return {
    async revokeRefreshToken(refreshToken, clientId) {
      try {
        await client.send(new RevokeTokenCommand({ Token: refreshToken, ClientId: clientId }));
      } catch (error) {
        throw scrub(error, refreshToken);
      }
    },
    async globalSignOut(accessToken) {
      try {
        await client.send(new GlobalSignOutCommand({ AccessToken: accessToken }));
      } catch (error) {
        throw scrub(error, accessToken);
      }
    },
  };
}
