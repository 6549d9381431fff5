/**
 * The user directory port (the Cognito user pool), used by the admin signout and automatic revocation functions to
 * resolve a username or `sub` and to revoke refresh tokens. The core owns the interface; `adapters/cognito` implements it.
 */
export interface DirectoryUser {
  readonly username: string;
  readonly sub: string;
  /** How the input matched this user (set by `resolve`). */
  readonly matchedAs?: 'username' | 'alias' | 'sub' | undefined;
  readonly enabled?: boolean | undefined;
  readonly status?: string | undefined;
}

/**
 * Per call: `signal` ends the call when the operation's deadline passes (the call then rejects as `unavailable`),
 * so a Cognito endpoint that never answers cannot outlive the operation's report.
 */
export interface DirectoryCallOptions {
  readonly signal?: AbortSignal | undefined;
}

export interface UserDirectory {
  /**
   * Finds a user by username (or alias) or by `sub`; `undefined` when none exists. Rejects with `DirectoryError`.
   * An input shaped like a `sub` is resolved as a `sub` first, and when it also names a *different* user as a
   * username or alias (a decoy account named after someone's `sub`), rejects with kind `ambiguous`.
   */
  resolve(user: string, options?: DirectoryCallOptions): Promise<DirectoryUser | undefined>;
  /** Revokes every refresh token of the user (Cognito `AdminUserGlobalSignOut`). Rejects with `DirectoryError`. */
  globalSignOut(username: string, options?: DirectoryCallOptions): Promise<void>;
  /**
   * The user whose `sub` this is (`ListUsers` filter `sub = "…"`, never a username lookup), or `undefined` when no
   * user has it (deleted). Rejects with `DirectoryError`. Used by the automatic revocation and the sweep.
   */
  findBySub?(sub: string, options?: DirectoryCallOptions): Promise<DirectoryUser | undefined>;
}

export interface DisabledUser extends DirectoryUser {
  /** `UserLastModifiedDate`, epoch seconds. */
  readonly lastModifiedAt?: number | undefined;
}

export type DirectoryErrorKind =
  | 'not_found'
  | 'denied'
  | 'throttled'
  | 'unavailable'
  | 'unsupported'
  /** The input names two different users (e.g. one's `sub` and another's username); `candidates` says which. */
  | 'ambiguous'
  | 'unknown';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  /** For `ambiguous`: the users the input names, each with how it was matched. */
  readonly candidates: readonly DirectoryUser[];
  constructor(
    readonly kind: DirectoryErrorKind,
    message: string,
    options?: { cause?: unknown; candidates?: readonly DirectoryUser[] },
  ) {
    super(message, options);
    this.candidates = options?.candidates ?? [];
  }
}

/** Cognito `sub` values are UUIDs (lower-case hex, 8-4-4-4-12). */
export const SUB_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function hasSubShape(value: string): boolean {
  return SUB_SHAPE.test(value);
}

/**
 * A user's own tokens at Cognito (self-service logout): `RevokeToken` with the refresh token and
 * `GlobalSignOut` with the access token. Neither needs IAM: Cognito authorizes them by the token itself. Tokens pass
 * through in memory only; implementations never log them. Rejects with `DirectoryError`.
 */
export interface UserTokens {
  revokeRefreshToken(refreshToken: string, clientId: string): Promise<void>;
  globalSignOut(accessToken: string): Promise<void>;
}

/** One session as Cognito's session management lists it (`AdminListUserSessions`, Essentials/Plus pools). */
export interface CognitoSession {
  /** `tkn…` (token session) or `sso…` (SSO session), 28 lowercase letters and digits. */
  readonly sessionId: string;
  readonly type: 'TOKEN' | 'SSO' | string;
  readonly clientId?: string | undefined;
  /** Epoch seconds. */
  readonly createdAt?: number | undefined;
  /** Epoch seconds: the last refresh or rotation of a token session. */
  readonly lastActiveAt?: number | undefined;
  readonly device?: string | undefined;
  readonly ip?: string | undefined;
  readonly location?:
    | { readonly city?: string | undefined; readonly country?: string | undefined }
    | undefined;
  /** For a token session: the SSO session it came through. */
  readonly originSessionId?: string | undefined;
}

/** Cognito's own session management (session tracking on the pool). Rejects with `DirectoryError`. */
export interface CognitoSessions {
  /** The user's active sessions; kind `unsupported` when the pool has no session tracking. */
  list(username: string, options?: DirectoryCallOptions): Promise<CognitoSession[]>;
  /** `AdminRevokeUserSession`: Cognito revokes the session's refresh and access tokens (at Cognito). */
  revoke(username: string, sessionId: string, options?: DirectoryCallOptions): Promise<void>;
}

/** Cognito session ids: `tkn` or `sso` and 25 more lowercase letters or digits (28 in all). */
export function isCognitoSessionId(value: unknown): value is string {
  return typeof value === 'string' && /^(tkn|sso)[a-z0-9]{25}$/.test(value);
}
