/**
 * Subject identifiers (RFC 9493) as an upstream identity provider names a user, and how each maps to a user of this
 * pool. Shared by the Shared Signals receiver and the Global Token Revocation endpoint: both name users the same way.
 *
 * - `iss_sub`: the user's subject at the upstream provider. The `iss` must be the configured provider's issuer (a
 *   transmitter may not speak for another issuer's users); the `sub` is looked up as the federated user Cognito
 *   created at the first sign-in through that provider, proven by the user's `identities` attribute.
 * - `email`: a unique user of the pool with that email; two users with it is refused (nothing is written).
 * - `opaque`: the user's id in this pool, as the draft defines it — its `sub`, or its exact username.
 * - `complex`: its `user` member as above; a `session` member is reported, not used (see docs/shared-signals.md).
 */

export type SubjectId =
  | { readonly format: 'iss_sub'; readonly iss: string; readonly sub: string }
  | { readonly format: 'email'; readonly email: string }
  | { readonly format: 'opaque'; readonly id: string };

export interface ParsedSubject {
  readonly user: SubjectId;
  /** The upstream session a `complex` subject names (its id, never used to pick a Cognito session). */
  readonly session?: string | undefined;
}

/** Why a subject identifier is not usable: the request is refused before anything is looked up. */
export class SubjectError extends Error {
  override readonly name = 'SubjectError';
}

const MAX_FIELD = 512;

function field(value: Record<string, unknown>, name: string): string {
  const v = value[name];
  if (typeof v !== 'string' || v.length === 0)
    throw new SubjectError(`subject "${name}" must be a non-empty string`);
  if (v.length > MAX_FIELD)
    throw new SubjectError(`subject "${name}" is longer than ${MAX_FIELD} characters`);
  // Control characters never belong in an identifier and would corrupt a ListUsers filter or a log line.
  if ([...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new SubjectError(`subject "${name}" contains control characters`);
  return v;
}

function simple(value: unknown): SubjectId {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new SubjectError('a subject identifier must be a JSON object with a "format"');
  const v = value as Record<string, unknown>;
  switch (v.format) {
    case 'iss_sub':
      return { format: 'iss_sub', iss: field(v, 'iss'), sub: field(v, 'sub') };
    case 'email': {
      const email = field(v, 'email');
      if (!/^[^\s@"\\]+@[^\s@"\\]+$/.test(email))
        throw new SubjectError('subject "email" is not an email address');
      return { format: 'email', email };
    }
    case 'opaque':
      return { format: 'opaque', id: field(v, 'id') };
    default:
      throw new SubjectError(
        `unsupported subject format ${JSON.stringify(String(v.format ?? ''))}: supported are iss_sub, email, opaque and complex`,
      );
  }
}

/** Parses one subject identifier; throws `SubjectError` naming what is wrong. */
export function parseSubject(value: unknown): ParsedSubject {
  // Earlier CAEP drafts (and Okta's published examples) write a complex subject without `"format": "complex"`.
  const v0 = value as { format?: unknown; user?: unknown } | null;
  if (
    v0 &&
    typeof v0 === 'object' &&
    (v0.format === 'complex' || (v0.format === undefined && v0.user !== undefined))
  ) {
    const v = value as Record<string, unknown>;
    if (v.user === undefined)
      throw new SubjectError('a complex subject needs a "user" member to name the user');
    const session = v.session as Record<string, unknown> | undefined;
    let sessionId: string | undefined;
    if (session !== undefined) {
      if (!session || typeof session !== 'object')
        throw new SubjectError('complex subject "session" must be an object');
      const id = session.id ?? session.sub ?? session.sid;
      if (typeof id === 'string' && id.length <= MAX_FIELD) sessionId = id;
    }
    return { user: simple(v.user), session: sessionId };
  }
  return { user: simple(value) };
}

/** The subject for logs: its format, and the upstream `iss` for `iss_sub` (never an email address). */
export function describeSubject(subject: ParsedSubject): Record<string, unknown> {
  const { user } = subject;
  return {
    format: user.format,
    ...(user.format === 'iss_sub' ? { iss: user.iss } : {}),
    session: !!subject.session,
  };
}
