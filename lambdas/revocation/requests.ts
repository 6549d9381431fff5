/**
 * The service's inputs. Each says who asks (`actor`), for whom (`subject`), on what evidence and as of when, so each
 * door's trust model is in the type rather than in a special case:
 * - admin (admin API, CLI): IAM decided the caller may revoke anyone in the pool; the subject is any username or sub,
 *   resolved through the directory, and an id the operator gives is checked against what is recorded;
 * - self-service (logout): the caller is the token the authorizer verified; the subject is always that token's own
 *   `sub`, the evidence its own ids — nothing in a request body can name another user or session;
 * - event (CloudTrail record): the subject comes from the record, the evidence is what Cognito did and when;
 * - sweep (schedule): the subject comes from the pool's own listing, the evidence is since when it was true;
 * - identity-provider (Shared Signals, Global Token Revocation): a request signed by the configured upstream provider;
 *   the subject is the one its signed claims name, tied to exactly one user of the pool, revoked as of now.
 */
import type { CognitoSignOutMode } from './results.js';

export interface AdminActor {
  readonly kind: 'admin';
  /** The operator (IAM principal, CLI user). */
  readonly name: string;
  readonly reason: string;
}

export interface SelfServiceActor {
  readonly kind: 'self-service';
  /** The verified caller's own `sub` (from the authorizer context). */
  readonly sub: string;
}

export interface EventActor {
  readonly kind: 'event';
  /** Who did what in the record (e.g. `cloudtrail:AdminDisableUser by …`). */
  readonly name: string;
  readonly reason: string;
}

export interface SweepActor {
  readonly kind: 'sweep';
  readonly reason: string;
}

/**
 * An upstream identity provider (a Shared Signals transmitter, a Global Token Revocation caller): its signed request
 * was verified against the configured issuer and keys; the subject is the one its signed claims name, resolved to a
 * user of this pool (federated identity, unique email), never a username the caller chooses freely.
 */
export interface IdentityProviderActor {
  readonly kind: 'identity-provider';
  /** `<door>:<issuer>` (e.g. `ssf:https://idp.example.com`); the issuer is the verified one. */
  readonly name: string;
  /** The signal (event type or request) that caused the revocation. */
  readonly reason: string;
}

export type Actor = AdminActor | SelfServiceActor | EventActor | SweepActor | IdentityProviderActor;

/** The `actor` string recorded on entries and in the audit line (unchanged from the results' `actor` field). */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'admin':
    case 'event':
    case 'identity-provider':
      return actor.name;
    case 'self-service':
      return `self:${actor.sub}`;
    case 'sweep':
      return 'sweep';
  }
}

export function actorReason(actor: Actor, everywhere = false): string {
  if (actor.kind === 'self-service')
    return everywhere ? 'self-service logout everywhere' : 'self-service logout';
  return actor.reason;
}

/** A user as an operator names it: a username, alias or sub, resolved through the directory (ambiguity refused). */
export interface NamedUser {
  readonly user: string;
}

/** A user as an event names it: by sub only (the user may no longer exist). */
export interface UserBySub {
  readonly sub: string;
}

/** Sign a user out everywhere (admin): Cognito's global sign-out, the watermark as of now, the sessions. */
export interface SignOutUserInput {
  readonly actor: AdminActor;
  readonly subject: NamedUser;
}

/** Revoke one recorded session (its session claim) or one refresh-token family (`origin_jti`). */
export interface RevokeSessionInput {
  readonly actor: AdminActor;
  readonly subject: NamedUser;
  readonly evidence: { readonly sessionId: string } | { readonly originJti: string };
  /**
   * Write the session entry even though no recorded session of the user has that id — for an id read from a token
   * whose issuance was never recorded (token trigger not attached, or its write failed). Default false: an id that
   * matches nothing is refused and nothing is written.
   */
  readonly force?: boolean;
}

/** Revoke one token by `jti` (its `exp`, when known, bounds the entry's life). */
export interface RevokeTokenInput {
  readonly actor: AdminActor;
  readonly subject: NamedUser;
  readonly evidence: { readonly jti: string; readonly exp?: number | undefined };
}

export interface ListSessionsInput {
  readonly subject: NamedUser;
}

/** The decoded ids of a token, as the CLI's `check` sends them (never the token itself). */
export interface InspectedToken {
  readonly sub: string;
  readonly iat: number;
  readonly authTime?: number | undefined;
  readonly exp?: number | undefined;
  readonly jti?: string | undefined;
  readonly originJti?: string | undefined;
  readonly sessionId?: string | undefined;
}

export interface InspectInput {
  readonly evidence: { readonly token: InspectedToken };
}

/** Revoke one of Cognito's own sessions (`tkn…`/`sso…`) and our recorded issuances attributed to it. */
export interface RevokeCognitoSessionInput {
  readonly actor: AdminActor;
  readonly subject: NamedUser;
  readonly evidence: { readonly cognitoSessionId: string };
}

/** Revoke a user everywhere because of an event or the sweep; idempotent on redelivery. */
export interface RevokeUserInput {
  readonly actor: EventActor | SweepActor | AdminActor | IdentityProviderActor;
  readonly subject: NamedUser | UserBySub;
  readonly evidence: {
    /** `call`: AdminUserGlobalSignOut; `done`: the event was one (never called again); `gone`: user deleted. */
    readonly cognitoSignOut: CognitoSignOutMode;
    /** Skip (write nothing) when a live watermark at or after this instant is stored — the sweep's idempotence. */
    readonly unlessRevokedSince?: number | undefined;
  };
  /**
   * As of when: the watermark (epoch seconds); default now. An event passes its own time, so a redelivered event
   * writes the very same entries. At most 60 s ahead of this function's clock.
   */
  readonly asOf?: number | undefined;
}

/** The verified caller's own token, as the authorizer context describes it (ids only). */
export interface PresentedToken {
  readonly username?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly originJti?: string | undefined;
  readonly jti?: string | undefined;
  readonly exp?: number | undefined;
  readonly clientId?: string | undefined;
}

/** Self-service logout: the caller's own session, or all the caller's sessions with `everywhere`. */
export interface LogoutInput {
  readonly actor: SelfServiceActor;
  readonly evidence: PresentedToken;
  readonly everywhere: boolean;
  /** In memory only, never logged: handed to Cognito (RevokeToken, GlobalSignOut with `everywhere`). */
  readonly credentials: {
    readonly refreshToken?: string | undefined;
    readonly accessToken?: string | undefined;
  };
}
