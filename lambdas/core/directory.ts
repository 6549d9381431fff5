/**
 * The user directory port (the Cognito user pool), used by the admin signout Lambda to resolve a username or `sub`
 * and to revoke refresh tokens. The core owns the interface; `adapters/cognito` implements it.
 */
export interface DirectoryUser {
  readonly username: string;
  readonly sub: string;
  readonly enabled?: boolean | undefined;
  readonly status?: string | undefined;
}

export interface UserDirectory {
  /** Finds a user by username (or alias) or by `sub`; `undefined` when none exists. Rejects with `DirectoryError`. */
  resolve(user: string): Promise<DirectoryUser | undefined>;
  /** Revokes every refresh token of the user (Cognito `AdminUserGlobalSignOut`). Rejects with `DirectoryError`. */
  globalSignOut(username: string): Promise<void>;
}

export type DirectoryErrorKind =
  | 'not_found'
  | 'denied'
  | 'throttled'
  | 'unavailable'
  | 'unsupported'
  | 'unknown';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  constructor(
    readonly kind: DirectoryErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
