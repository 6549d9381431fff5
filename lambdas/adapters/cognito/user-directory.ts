/**
 * The user directory on Cognito's admin API: `AdminGetUser` / `ListUsers` (filter `sub = "…"`) to resolve a user,
 * `AdminUserGlobalSignOut` to revoke the user's refresh tokens. The endpoint follows the SDK's standard
 * `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` override (local stacks), never a special case here.
 */
import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DirectoryError,
  type DirectoryErrorKind,
  type DirectoryUser,
  type UserDirectory,
} from '../../core/directory.js';

export interface CognitoDirectoryOptions {
  readonly client: CognitoIdentityProviderClient;
  readonly userPoolId: string;
}

const DENIED = new Set(['AccessDeniedException', 'NotAuthorizedException', 'UnrecognizedClientException']);
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException']);

export function toDirectoryError(error: unknown): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const message = `${name}: ${e?.message ?? String(error)}`;
  let kind: DirectoryErrorKind = 'unknown';
  if (name === 'UserNotFoundException') kind = 'not_found';
  else if (DENIED.has(name)) kind = 'denied';
  else if (THROTTLED.has(name)) kind = 'throttled';
  else if (/unsupported/i.test(name) || /unsupported/i.test(e?.message ?? '')) kind = 'unsupported';
  else if (
    (e?.$metadata?.httpStatusCode ?? 0) >= 500 ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up/.test(message)
  )
    kind = 'unavailable';
  return new DirectoryError(kind, message, { cause: error });
}

function attribute(
  attributes: { Name?: string; Value?: string }[] | undefined,
  name: string,
): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

/** A value that can go between the double quotes of a ListUsers filter without changing its meaning. */
function filterSafe(value: string): boolean {
  return /^[\x20-\x7e]+$/.test(value) && !/["\\]/.test(value);
}

export function createCognitoDirectory(options: CognitoDirectoryOptions): UserDirectory {
  const { client, userPoolId } = options;

  async function byUsername(username: string): Promise<DirectoryUser | undefined> {
    try {
      const out = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
      const sub = attribute(out.UserAttributes, 'sub');
      if (!out.Username || !sub)
        throw new DirectoryError('unknown', 'AdminGetUser returned a user without sub');
      return { username: out.Username, sub, enabled: out.Enabled, status: out.UserStatus };
    } catch (error) {
      const mapped = toDirectoryError(error);
      // A value Cognito rejects as a username (whitespace, too long…) names no user either.
      if (mapped.kind === 'not_found' || (error as { name?: string })?.name === 'InvalidParameterException') {
        return undefined;
      }
      throw mapped;
    }
  }

  async function bySub(sub: string): Promise<DirectoryUser | undefined> {
    if (!filterSafe(sub)) return undefined;
    try {
      const out = await client.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${sub}"`, Limit: 1 }),
      );
      const user = out.Users?.[0];
      const found = attribute(user?.Attributes, 'sub');
      if (!user?.Username || found !== sub) return undefined;
      return { username: user.Username, sub, enabled: user.Enabled, status: user.UserStatus };
    } catch (error) {
      throw toDirectoryError(error);
    }
  }

  return {
    async resolve(user) {
      return (await byUsername(user)) ?? (await bySub(user));
    },
    async globalSignOut(username) {
      try {
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }));
      } catch (error) {
        throw toDirectoryError(error);
      }
    },
  };
}
