/**
 * Cognito's own session management (user pools with session tracking, Essentials/Plus):
 * `AdminListUserSessions` (device, IP, location, last activity) and `AdminRevokeUserSession`. No emulator implements
 * them (cognito-local 5.3.0 does not); they are tested with aws-sdk-client-mock against the SDK's own shapes.
 * A pool without session tracking answers with an error: mapped to kind `unsupported`.
 */
import {
  AdminListUserSessionsCommand,
  type AdminListUserSessionsCommandOutput,
  AdminRevokeUserSessionCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { type CognitoSession, type CognitoSessions, DirectoryError } from '../../core/directory.js';
import { sdkOptions, toDirectoryError } from './user-directory.js';

const NOT_TRACKED = new Set(['FeatureUnavailableInTierException', 'InvalidParameterException']);

function mapError(error: unknown): DirectoryError {
  const name = (error as { name?: string })?.name ?? '';
  if (NOT_TRACKED.has(name))
    return new DirectoryError(
      'unsupported',
      `session tracking unavailable: ${name}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  return toDirectoryError(error);
}

const seconds = (d: Date | undefined) => {
  const ms = d?.getTime();
  return ms !== undefined && Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
};

/** At most this many pages (Cognito returns all of a user's sessions in one page of up to 125). */
const MAX_PAGES = 8;

export function createCognitoSessions(options: {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
}): CognitoSessions {
  const { client, userPoolId } = options;
  return {
    async list(username, options) {
      const sessions: CognitoSession[] = [];
      let next: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        let out: AdminListUserSessionsCommandOutput;
        try {
          out = await client.send(
            new AdminListUserSessionsCommand({
              UserPoolId: userPoolId,
              Username: username,
              ...(next ? { NextToken: next } : {}),
            }),
            sdkOptions(options),
          );
        } catch (error) {
          throw mapError(error);
        }
        for (const s of out.Sessions ?? []) {
          if (!s.SessionId) continue;
          sessions.push({
            sessionId: s.SessionId,
            type: s.SessionType ?? 'TOKEN',
            clientId: s.ClientId,
            createdAt: seconds(s.CreateDate),
            lastActiveAt: seconds(s.LastActiveDate),
            device: s.DeviceType,
            ip: s.LastIPAddress,
            location: s.LastLocation
              ? { city: s.LastLocation.City, country: s.LastLocation.Country }
              : undefined,
            originSessionId: s.OriginSessionId,
          });
        }
        next = out.NextToken;
        if (!next) break;
      }
      return sessions;
    },
    async revoke(username, sessionId, options) {
      try {
        await client.send(
          new AdminRevokeUserSessionCommand({
            UserPoolId: userPoolId,
            Username: username,
            SessionId: sessionId,
          }),
          sdkOptions(options),
        );
      } catch (error) {
        throw mapError(error);
      }
    },
  };
}
