/**
 * The service's results: the public contract that handlers shape into answers and the CLI prints.
 *
 * "ok means in force": every revoking operation reads the user's revocation range back after writing (one strongly
 * consistent Query, the authorizer's own read) and runs the authorizer's own `decide` on the ids involved
 * (`read-back.ts`). Fields marked **read-back** come from that read, never from a write that returned; `ok` is true
 * only when the read-back proved every revocation in force for as long as a token it must refuse can be accepted.
 * A result that cannot be proven has `ok: false`, `readBack.missing` saying what, and `readBack.exposedUntil`.
 */
import type { CognitoSession } from '../core/directory.js';
import type { PropagationReport } from '../core/ports.js';
import type { RevocationKey, RevocationScope } from '../core/revocation.js';
import type { SessionState } from '../core/session.js';
import type { AdminError } from './errors.js';

export type { AdminError, ErrorCode } from './errors.js';

export interface UserRef {
  readonly username: string;
  readonly sub: string;
}

/** What the read-back after the writes proved. Every field is **read-back**. */
export interface ReadBackReport {
  /** Every revocation of the operation revokes, at the authorizer, every token it must, until that token expires. */
  readonly inForce: boolean;
  /** When the range was read (epoch seconds). */
  readonly readAt: number;
  /** What the read-back did not find in force, one sentence each; empty when `inForce`. */
  readonly missing: string[];
  /**
   * Epoch seconds until which a token this operation should refuse may still be accepted by the authorizer (the
   * latest expiry among the tokens not proven revoked); absent when `inForce`.
   */
  readonly exposedUntil?: number;
}

export interface SignOutResult {
  readonly ok: boolean;
  readonly operation: 'signOutUser';
  readonly user: UserRef;
  readonly actor: string;
  readonly reason: string;
  /** Cognito's AdminUserGlobalSignOut (revokes refresh tokens) — Cognito's answer, not provable by our read. */
  readonly cognitoSignOut: { readonly done: true } | { readonly done: false; readonly error: string };
  readonly watermark: WatermarkReport;
  readonly sessions: SessionsReport;
  readonly propagation: PropagationReport;
  /** **read-back** */
  readonly readBack: ReadBackReport;
  readonly error?: AdminError;
}

/** The user watermark of a user-wide revocation. */
export interface WatermarkReport {
  /** The watermark this call asked for (epoch seconds). */
  readonly notBefore: number;
  /** **read-back**: the stored watermark is exactly this call's (same `notBefore` and expiry). */
  readonly written: boolean;
  /**
   * **read-back**: a stored watermark revokes a token authenticated at `notBefore` now and until the latest token it
   * must revoke has expired (a concurrent, later signout may have superseded this one: both converge on the latest).
   */
  readonly inForce: boolean;
  /** **read-back**: the watermark stored, as read. */
  readonly stored?: { readonly notBefore: number; readonly expiresAt: number };
  readonly error?: string;
}

export interface SessionsReport {
  /** Recorded sessions issued by the watermark and not yet expired. */
  readonly outstanding: number;
  /** Session records marked revoked in the inventory (the watermark is what revokes them at the authorizer). */
  readonly revoked: number;
  /** Session ids whose record could not be marked. */
  readonly unmarked: string[];
  /**
   * Sessions issued within the cross-clock window before the watermark whose id carries no issue time: each also
   * gets an explicit `rev#session#` entry, in case Cognito's clock ran ahead of the watermark's
   * (docs/table-schema.md). Time-ordered ids need none: the watermark revokes them by their time.
   */
  readonly window: number;
  /** **read-back**: explicit session revocations of the window not found in force. */
  readonly unwritten: RevocationKey[];
  readonly error?: string;
}

export interface RevokeResult {
  readonly ok: boolean;
  readonly operation: 'revokeSession' | 'revokeToken';
  readonly user: UserRef;
  readonly revocation: { readonly scope: RevocationScope; readonly id: string; readonly expiresAt: number };
  /**
   * Session scope: the id names a recorded session of this user (`false` with `force`: written anyway). Absent for
   * the origin and token scopes, which have no record to match.
   */
  readonly matched?: boolean;
  /** **read-back**: the entry revokes the named session / family / token now and until its tokens expire. */
  readonly written: boolean;
  readonly actor: string;
  readonly reason: string;
  readonly propagation?: PropagationReport;
  /** **read-back**; absent when nothing was written (e.g. an id that matched nothing). */
  readonly readBack?: ReadBackReport;
  readonly error?: AdminError;
}

export interface SessionView {
  /** The full session id (copy it into `revoke-session` as is). */
  readonly sessionId: string;
  readonly clientId: string;
  readonly triggerSource: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly state: SessionState;
  /** Which entry revokes it, when revoked. */
  readonly revokedBy?: 'session' | 'user';
  readonly revokedAt?: number;
  readonly actor?: string;
  readonly reason?: string;
}

/** Cognito's view of a user's sessions next to ours (listSessions on a pool with session tracking). */
export type CognitoSessionsView =
  | { readonly tracked: true; readonly sessions: CognitoSession[] }
  | { readonly tracked: false; readonly reason: string };

/** A view, not a revocation: every field comes from the one read it makes. */
export interface ListSessionsResult {
  readonly ok: true;
  readonly operation: 'listSessions';
  readonly user: UserRef;
  readonly watermark?: {
    readonly notBefore: number;
    readonly expiresAt: number;
    readonly actor?: string;
    readonly reason?: string;
  };
  readonly counts: Record<SessionState, number>;
  readonly sessions: SessionView[];
  /** Cognito's own sessions (device, IP, location, last active), when session management is configured. */
  readonly cognitoSessions?: CognitoSessionsView;
}

export interface EntryView {
  readonly scope: RevocationScope;
  readonly id: string;
  readonly notBefore?: number;
  readonly revokedAt: number;
  readonly expiresAt: number;
  readonly actor?: string;
  readonly reason?: string;
}

/** A view, not a revocation: the authorizer's read and `decide`, as they stand now. */
export interface InspectResult {
  readonly ok: true;
  readonly operation: 'inspect';
  readonly revoked: boolean;
  /** One sentence saying whether and why. */
  readonly explanation: string;
  readonly scope?: RevocationScope;
  readonly entry?: EntryView;
  readonly checkedKeys: RevocationKey[];
  /** Every live entry that revokes the token (the first is `entry`). */
  readonly revokingEntries: EntryView[];
  /** Entries found for the token's keys that are past their expiry (ignored, as the authorizer ignores them). */
  readonly expiredEntries: number;
  /** True when the token's own `exp` has passed (the authorizer rejects it whatever the table says). */
  readonly tokenExpired?: boolean;
}

export interface FailedResult {
  readonly ok: false;
  readonly operation?: string;
  readonly error: AdminError;
}

/** What Cognito's sign-out state is after the event that caused the revocation. */
export type CognitoSignOutMode = 'call' | 'done' | 'gone';

export interface RevokeUserResult {
  readonly ok: boolean;
  readonly operation: 'revokeUser';
  readonly user: { readonly username?: string; readonly sub: string; readonly exists: boolean };
  readonly actor: string;
  readonly reason: string;
  /** **read-back** (the read that found the covering watermark): nothing was written, the user is already revoked. */
  readonly skipped?: string;
  /** Absent when `skipped` (nothing was asked of Cognito). */
  readonly cognitoSignOut?:
    | { readonly done: true; readonly by: 'this call' | 'the recorded call' | 'the deletion' }
    | { readonly done: false; readonly error: string };
  readonly watermark?: WatermarkReport;
  readonly sessions?: SessionsReport;
  readonly propagation?: PropagationReport;
  /** **read-back**; absent when `skipped`. */
  readonly readBack?: ReadBackReport;
  readonly error?: AdminError;
}

export interface LogoutResult {
  readonly ok: boolean;
  readonly operation: 'logout';
  readonly user: { readonly sub: string };
  readonly everywhere: boolean;
  /** **read-back**: the entries found in force (scope, id, expiry) — ids only, never a token. */
  readonly revoked: { readonly scope: RevocationScope; readonly id: string; readonly expiresAt: number }[];
  /** **read-back**: the entries asked for and not found in force. */
  readonly unwritten: RevocationKey[];
  /** Cognito's answers to the caller's own tokens — not provable by our read. */
  readonly cognito: {
    readonly revokeToken?: { readonly done: boolean; readonly error?: string };
    readonly globalSignOut?: { readonly done: boolean; readonly error?: string };
  };
  readonly watermark?: WatermarkReport;
  readonly propagation?: PropagationReport;
  /** **read-back**; absent when there was nothing to write. */
  readonly readBack?: ReadBackReport;
  readonly error?: AdminError;
}

/** `revokeCognitoSession`: Cognito's AdminRevokeUserSession plus the entries that make the API refuse the tokens. */
export interface CognitoSessionRevokeResult {
  readonly ok: boolean;
  readonly operation: 'revokeCognitoSession';
  readonly user: UserRef;
  readonly cognitoSessionId: string;
  readonly actor: string;
  readonly reason: string;
  /** AdminRevokeUserSession: Cognito ends the session's refresh token and refuses its access tokens at Cognito. */
  readonly cognito: { readonly done: boolean; readonly error?: string };
  /**
   * Our recorded issuances attributed to that session (same app client, issued between the session's creation
   * and its last activity, ±5 s) — each revoked by its session claim. This attribution is the project's inference
   * (UNVERIFIED: Cognito documents no claim linking a token to its session id); see docs/automatic-revocation.md.
   */
  readonly matched: { readonly sessionId: string; readonly issuedAt: number }[];
  /** **read-back**: session revocations of `matched` not found in force. */
  readonly unwritten: RevocationKey[];
  readonly propagation?: PropagationReport;
  /** **read-back**; absent when nothing was written. */
  readonly readBack?: ReadBackReport;
  readonly error?: AdminError;
}

/**
 * A session id that matches nothing (no recorded session of that user, no Cognito session): nothing was written,
 * nothing was asked of Cognito. Not a success: the session the operator means may still be active.
 */
export interface UnmatchedSessionResult {
  readonly ok: false;
  readonly operation: 'revokeSession' | 'revokeCognitoSession';
  readonly user: UserRef;
  /** The id as given. */
  readonly id: string;
  readonly matched: false;
  readonly written: false;
  readonly error: AdminError;
}

/** `sweep`: users the pool reports disabled, and users with recorded sessions who no longer exist. */
export type { SweepResult } from './sweep-result.js';

import type { SweepResult } from './sweep-result.js';

export type AdminResult =
  | SignOutResult
  | RevokeResult
  | ListSessionsResult
  | InspectResult
  | RevokeUserResult
  | LogoutResult
  | SweepResult
  | CognitoSessionRevokeResult
  | UnmatchedSessionResult
  | FailedResult;
