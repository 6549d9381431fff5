/**
 * What the revocation sweep asks Cognito, one bounded request at a time so that a run can stop between any two:
 *
 * - `disabledPage`: one `ListUsers` page with Cognito's filter `status = "Disabled"` from a stored
 *   `PaginationToken`.
 * - `whichGone`: which session owners no longer exist. One `AdminGetUser` per owner by the username its session
 *   record holds (Cognito's `UserRead` quota category, a higher request rate than `ListUsers`' `UserList` one — see
 *   docs/automatic-revocation.md). The answer's `sub` must be the owner's: usernames can be reused after a
 *   deletion, and the new account is another user. Only when that read does not find the owner (or the record has
 *   no username) is the owner looked up by `sub` (`ListUsers` filter `sub = "…"`), so a user is declared gone only
 *   when both say so — a wrong recorded username never revokes an existing user.
 */
import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  type ListUsersCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { type DisabledUser, DirectoryError, hasSubShape } from '../../core/directory.js';
import { sdkOptions, toDirectoryError } from './user-directory.js';

export interface SweepOwner {
  readonly sub: string;
  readonly latestIssuedAt: number;
  readonly username?: string;
}

export interface SweepDirectory {
  disabledPage(
    page: string | undefined,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ readonly users: DisabledUser[]; readonly next?: string }>;
  whichGone(
    owners: readonly SweepOwner[],
    signal?: AbortSignal,
  ): Promise<{ readonly gone: SweepOwner[]; readonly failures: { sub: string; error: string }[] }>;
}

/** Cognito's error when a stored PaginationToken is no longer accepted; the sweep then restarts that phase. */
export class StalePageError extends Error {
  override readonly name = 'StalePageError';
}

function attribute(
  attributes: { Name?: string; Value?: string }[] | undefined,
  name: string,
): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

/**
 * Spaces calls to at most `rps` per second. Cognito's request-rate quotas are per account and Region, shared with
 * the application's own calls: the sweep takes a fixed share, and a throttled sweep would only fail and retry.
 */
export function pacer(rps: number, now: () => number = Date.now): () => Promise<void> {
  const interval = rps > 0 ? 1000 / rps : 0;
  let next = 0;
  return async () => {
    const at = Math.max(now(), next);
    next = at + interval;
    const wait = at - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
}

/** The sweep's default share of Cognito's default quotas (`UserRead`, `UserList`); docs/automatic-revocation.md. */
export const SWEEP_RATES = { userRead: 40, userList: 10 } as const;

export function createCognitoSweepDirectory(options: {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  /** Parallel `AdminGetUser` requests per batch. */
  concurrency?: number;
  /** Calls per second the sweep allows itself; `0` = unpaced (benchmarks, emulators). */
  rates?: { userRead: number; userList: number };
}): SweepDirectory {
  const { client, userPoolId } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const rates = options.rates ?? SWEEP_RATES;
  const paceRead = pacer(rates.userRead);
  const paceList = pacer(rates.userList);

  /** 'exists' | 'gone' for one owner. */
  async function state(owner: SweepOwner, signal?: AbortSignal): Promise<'exists' | 'gone'> {
    const opts = sdkOptions({ signal });
    if (owner.username) {
      await paceRead();
      try {
        const out = await client.send(
          new AdminGetUserCommand({ UserPoolId: userPoolId, Username: owner.username }),
          opts,
        );
        if (attribute(out.UserAttributes, 'sub') === owner.sub) return 'exists';
      } catch (error) {
        const mapped = toDirectoryError(error);
        if (mapped.kind !== 'not_found' && (error as { name?: string })?.name !== 'InvalidParameterException')
          throw mapped;
      }
    }
    // Not found by its recorded username: confirm by sub before calling the user gone.
    if (!hasSubShape(owner.sub) || !/^[\x20-\x7e]+$/.test(owner.sub) || /["\\]/.test(owner.sub))
      return 'gone';
    await paceList();
    try {
      const out = await client.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${owner.sub}"`, Limit: 2 }),
        opts,
      );
      return (out.Users ?? []).some((u) => attribute(u.Attributes, 'sub') === owner.sub) ? 'exists' : 'gone';
    } catch (error) {
      throw toDirectoryError(error);
    }
  }

  return {
    async disabledPage(page, limit, signal) {
      await paceList();
      let out: ListUsersCommandOutput;
      try {
        out = await client.send(
          new ListUsersCommand({
            UserPoolId: userPoolId,
            Filter: 'status = "Disabled"',
            Limit: Math.min(60, Math.max(1, limit)),
            ...(page ? { PaginationToken: page } : {}),
          }),
          sdkOptions({ signal }),
        );
      } catch (error) {
        // A token Cognito no longer accepts (expired, or the pool changed): the caller restarts the phase.
        if (page && (error as { name?: string })?.name === 'InvalidParameterException')
          throw new StalePageError(`the stored ListUsers position was refused: ${(error as Error).message}`);
        throw toDirectoryError(error);
      }
      const users: DisabledUser[] = [];
      for (const user of out.Users ?? []) {
        const sub = attribute(user.Attributes, 'sub');
        // The filter is Cognito's; the answer is checked anyway (a user reported enabled is not swept).
        if (!user.Username || !sub || user.Enabled !== false) continue;
        const modified = user.UserLastModifiedDate?.getTime();
        users.push({
          username: user.Username,
          sub,
          enabled: false,
          status: user.UserStatus,
          matchedAs: 'sub',
          lastModifiedAt:
            modified !== undefined && Number.isFinite(modified) ? Math.floor(modified / 1000) : undefined,
        });
      }
      return { users, ...(out.PaginationToken ? { next: out.PaginationToken } : {}) };
    },
    async whichGone(owners, signal) {
      const gone: SweepOwner[] = [];
      const failures: { sub: string; error: string }[] = [];
      for (let i = 0; i < owners.length; i += concurrency) {
        const slice = owners.slice(i, i + concurrency);
        const states = await Promise.allSettled(slice.map((o) => state(o, signal)));
        states.forEach((s, j) => {
          const owner = slice[j] as SweepOwner;
          if (s.status === 'fulfilled') {
            if (s.value === 'gone') gone.push(owner);
          } else {
            const e = s.reason instanceof DirectoryError ? s.reason : toDirectoryError(s.reason);
            failures.push({ sub: owner.sub, error: e.message });
          }
        });
      }
      return { gone, failures };
    },
  };
}
