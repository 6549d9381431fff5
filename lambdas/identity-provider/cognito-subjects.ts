/**
 * Subject identifier → user of this pool, on Cognito's admin API (`AdminGetUser`, `ListUsers`). Answers exactly one
 * user, or says why not (none, several, another issuer): a signal that cannot be tied to exactly one user revokes
 * nobody. Cognito's `ListUsers` cannot filter on the `identities` attribute, so a federated user is found by the
 * username Cognito gives it (`<provider name>_<upstream subject>`) and proven by its `identities` attribute.
 */
import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { sdkOptions, toDirectoryError } from '../adapters/cognito/user-directory.js';
import { type DirectoryCallOptions, hasSubShape } from '../core/directory.js';
import type { SubjectId } from './subject.js';

export type SubjectMatch =
  | { readonly kind: 'user'; readonly username: string; readonly sub: string }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'ambiguous'; readonly reason: string }
  /** The subject is well-formed but this receiver does not take it (another issuer, no provider configured). */
  | { readonly kind: 'refused'; readonly reason: string };

export interface SubjectResolver {
  /**
   * Rejects with `DirectoryError` when Cognito cannot be asked (the caller should retry), or when `signal` ends
   * the lookup at the invocation's deadline.
   */
  resolve(subject: SubjectId, options?: DirectoryCallOptions): Promise<SubjectMatch>;
}

export interface SubjectResolverOptions {
  readonly client: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  /** The configured upstream issuer: an `iss_sub` subject of any other issuer is refused. */
  readonly issuer: string;
  /** The name of the upstream provider in the user pool (its federated users are `<name>_<subject>`). */
  readonly providerName?: string | undefined;
}

type Attributes = { Name?: string; Value?: string }[] | undefined;
const attribute = (attributes: Attributes, name: string) => attributes?.find((a) => a.Name === name)?.Value;

/** The `identities` attribute: a JSON array of `{ providerName, userId, … }` (Cognito sets it on federated users). */
function hasIdentity(attributes: Attributes, providerName: string, userId: string): boolean {
  const raw = attribute(attributes, 'identities');
  if (!raw) return false;
  try {
    const list = JSON.parse(raw) as unknown;
    return (
      Array.isArray(list) &&
      list.some(
        (i) => i && typeof i === 'object' && i.providerName === providerName && String(i.userId) === userId,
      )
    );
  } catch {
    return false;
  }
}

/** A value that can stand between the double quotes of a ListUsers filter without changing its meaning. */
const filterSafe = (value: string) => /^[\x20-\x7e]+$/.test(value) && !/["\\]/.test(value);

export function createSubjectResolver(options: SubjectResolverOptions): SubjectResolver {
  const { client, userPoolId, issuer, providerName } = options;

  async function getUser(username: string, call: DirectoryCallOptions) {
    try {
      return await client.send(
        new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }),
        sdkOptions(call),
      );
    } catch (error) {
      const name = (error as { name?: string })?.name;
      if (name === 'UserNotFoundException' || name === 'InvalidParameterException') return undefined;
      throw toDirectoryError(error);
    }
  }

  async function listBy(field: 'email' | 'sub', value: string, call: DirectoryCallOptions) {
    try {
      const out = await client.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: `${field} = "${value}"`, Limit: 2 }),
        sdkOptions(call),
      );
      return out.Users ?? [];
    } catch (error) {
      throw toDirectoryError(error);
    }
  }

  async function federated(sub: string, call: DirectoryCallOptions): Promise<SubjectMatch> {
    if (!providerName)
      return {
        kind: 'refused',
        reason: 'iss_sub subjects need the provider name of the upstream provider configured',
      };
    const username = `${providerName}_${sub}`;
    const found = await getUser(username, call);
    const userSub = attribute(found?.UserAttributes, 'sub');
    if (!found?.Username || !userSub)
      return { kind: 'none', reason: 'no federated user of the provider has that subject' };
    // The username alone could be a native user someone named after it; the identities attribute is Cognito's own.
    if (!hasIdentity(found.UserAttributes, providerName, sub))
      return {
        kind: 'none',
        reason: 'the user with that name has no identity of the provider with that subject',
      };
    return { kind: 'user', username: found.Username, sub: userSub };
  }

  async function byEmail(email: string, call: DirectoryCallOptions): Promise<SubjectMatch> {
    if (!filterSafe(email)) return { kind: 'none', reason: 'no user has that email' };
    const users = (await listBy('email', email, call)).filter(
      (u) => attribute(u.Attributes, 'email')?.toLowerCase() === email.toLowerCase(),
    );
    if (users.length > 1)
      return { kind: 'ambiguous', reason: 'more than one user has that email: nothing done' };
    const [user] = users;
    const sub = attribute(user?.Attributes, 'sub');
    if (!user?.Username || !sub) return { kind: 'none', reason: 'no user has that email' };
    return { kind: 'user', username: user.Username, sub };
  }

  async function byId(id: string, call: DirectoryCallOptions): Promise<SubjectMatch> {
    const bySub = hasSubShape(id) && filterSafe(id) ? await listBy('sub', id, call) : [];
    const subMatch = bySub.find((u) => attribute(u.Attributes, 'sub') === id);
    const byName = await getUser(id, call);
    const nameSub = byName?.Username === id ? attribute(byName.UserAttributes, 'sub') : undefined;
    if (subMatch && nameSub && nameSub !== id)
      return {
        kind: 'ambiguous',
        reason: 'the id is one user’s sub and another user’s username: nothing done',
      };
    if (subMatch?.Username) return { kind: 'user', username: subMatch.Username, sub: id };
    if (byName?.Username && nameSub) return { kind: 'user', username: byName.Username, sub: nameSub };
    return { kind: 'none', reason: 'no user has that id (as sub or username)' };
  }

  return {
    async resolve(subject, options = {}) {
      switch (subject.format) {
        case 'iss_sub':
          if (subject.iss !== issuer)
            return { kind: 'refused', reason: 'the subject’s issuer is not the configured provider' };
          return federated(subject.sub, options);
        case 'email':
          return byEmail(subject.email, options);
        case 'opaque':
          return byId(subject.id, options);
      }
    },
  };
}
