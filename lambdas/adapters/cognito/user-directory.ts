/**
 * The user directory on Cognito's admin API: `AdminGetUser` / `ListUsers` (filters `sub = "…"`, `username = "…"`) to
 * resolve a user — a `sub`-shaped input as a `sub` first, refused as ambiguous when it also names another user —
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
  type DirectoryCallOptions,
  DirectoryError,
  type DirectoryErrorKind,
  type DirectoryUser,
  hasSubShape,
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
    // An answer past the request bound, or a call the operation's deadline ended.
    name === 'TimeoutError' ||
    name === 'AbortError' ||
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

/** A sub-shaped input in the form Cognito assigns subs (lower case): the sub lookup is an exact match. */
function canonicalSub(value: string): string {
  return value.toLowerCase();
}

type CallOptions = { abortSignal?: AbortSignal };

/** The SDK's per-call options for a port call: its deadline signal, when it has one. */
export function sdkOptions(options: DirectoryCallOptions | undefined): CallOptions {
  return options?.signal ? { abortSignal: options.signal } : {};
}

function describeUser(u: DirectoryUser): string {
  return `"${u.username}" (sub ${u.sub}, matched as ${u.matchedAs ?? 'username'})`;
}

export function createCognitoDirectory(options: CognitoDirectoryOptions): UserDirectory {
  const { client, userPoolId } = options;

  /** `AdminGetUser`: the input as Cognito's admin APIs read it (username, alias, or a local user's sub). */
  async function byUsername(username: string, call: CallOptions): Promise<DirectoryUser | undefined> {
    try {
      const out = await client.send(
        new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }),
        call,
      );
      const sub = attribute(out.UserAttributes, 'sub');
      if (!out.Username || !sub)
        throw new DirectoryError('unknown', 'AdminGetUser returned a user without sub');
      return {
        username: out.Username,
        sub,
        enabled: out.Enabled,
        status: out.UserStatus,
        matchedAs: out.Username === username ? 'username' : sub === username ? 'sub' : 'alias',
      };
    } catch (error) {
      const mapped = toDirectoryError(error);
      // A value Cognito rejects as a username (whitespace, too long…) names no user either.
      if (mapped.kind === 'not_found' || (error as { name?: string })?.name === 'InvalidParameterException') {
        return undefined;
      }
      throw mapped;
    }
  }

  /** `ListUsers` with an exact-match filter on `sub` or `username`; only an exact match counts. */
  async function listExact(
    field: 'sub' | 'username',
    value: string,
    call: CallOptions,
  ): Promise<DirectoryUser[]> {
    if (!filterSafe(value)) return [];
    try {
      const out = await client.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: `${field} = "${value}"`, Limit: 2 }),
        call,
      );
      const users: DirectoryUser[] = [];
      for (const user of out.Users ?? []) {
        const sub = attribute(user.Attributes, 'sub');
        if (!user.Username || !sub) continue;
        if ((field === 'sub' ? sub : user.Username) !== value) continue;
        users.push({
          username: user.Username,
          sub,
          enabled: user.Enabled,
          status: user.UserStatus,
          matchedAs: field,
        });
      }
      return users;
    } catch (error) {
      throw toDirectoryError(error);
    }
  }

  return {
    async resolve(user, options) {
      const call = sdkOptions(options);
      if (!hasSubShape(user)) {
        // Cognito subs are UUIDs: anything else can only be a username or alias. The sub lookup stays as a
        // fallback for directories whose subs are not UUIDs (it can never match in a real user pool).
        return (await byUsername(user, call)) ?? (await listExact('sub', user, call))[0];
      }
      // Sub-shaped: the sub wins, and any other user the same string names (a decoy account whose username or
      // alias is someone's sub) makes the input ambiguous. Cognito's subs are lower case and the sub filter is
      // exact, so the sub is looked up in its canonical (lower-case) form; the username lookups take the input as
      // given AND in that form, since a decoy may be named after either spelling (and a pool whose usernames are
      // case-insensitive matches both). Reads in parallel: admin paths only.
      const canonical = canonicalSub(user);
      const spellings = canonical === user ? [user] : [user, canonical];
      const [bySub, byName, byAdminApi] = await Promise.all([
        listExact('sub', canonical, call),
        Promise.all(spellings.map((s) => listExact('username', s, call))).then((lists) => lists.flat()),
        Promise.all(spellings.map((s) => byUsername(s, call))).then((found) =>
          found.filter((u): u is DirectoryUser => u !== undefined),
        ),
      ]);
      const distinct = new Map<string, DirectoryUser>();
      for (const u of [...bySub, ...byName, ...byAdminApi]) {
        if (!distinct.has(u.sub)) distinct.set(u.sub, u);
      }
      if (distinct.size > 1) {
        const candidates = [...distinct.values()];
        throw new DirectoryError(
          'ambiguous',
          `"${user}" names ${candidates.length} different users: ${candidates.map(describeUser).join(' and ')}; ` +
            'give the username of the one you mean',
          { candidates },
        );
      }
      const sub = bySub[0];
      if (sub) return sub;
      return byName[0] ?? byAdminApi[0];
    },
    async findBySub(sub, options) {
      if (!hasSubShape(sub)) return undefined;
      return (await listExact('sub', canonicalSub(sub), sdkOptions(options)))[0];
    },
    async globalSignOut(username, options) {
      try {
        await client.send(
          new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }),
          sdkOptions(options),
        );
      } catch (error) {
        throw toDirectoryError(error);
      }
    },
  };
}
