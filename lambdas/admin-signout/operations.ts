/**
 * The admin operations: sign a user out everywhere, revoke one session or token, list a user's sessions, inspect a
 * token's ids. Pure orchestration over the core's ports (blocklist, session inventory, user directory, propagation) —
 * the handler builds the adapters; tests pass dynalite-backed ones. Every revocation of the project goes through
 * these operations (never a direct store write from a handler), so that each one is propagated (hints, cache
 * flushes) exactly once: `deps.propagation.announce(sub)` after its writes.
 *
 * Results report what was done and never claim a write that did not happen: `ok` is true only when every step
 * succeeded; otherwise `error` says what is missing and the rest of the result says what did happen.
 */
import {
  type CognitoSessions,
  type DirectoryUser,
  DirectoryError,
  type UserDirectory,
  type UserTokens,
} from '../core/directory.js';
import {
  type LifetimePolicy,
  originRevocationExpiry,
  sessionRevocationExpiry,
  tokenRevocationExpiry,
  userWatermarkExpiry,
} from '../core/lifetime.js';
import {
  type BlocklistWriter,
  NO_PROPAGATION,
  type PropagationReport,
  type RevocationAuditReader,
  type RevocationPropagation,
  type RevocationReader,
  type SessionInventory,
  type SessionOwners,
  StoreError,
} from '../core/ports.js';
import {
  decide,
  entryRevokes,
  isLive,
  REVOCATION_SCOPES,
  type RevocationEntry,
  type RevocationKey,
  type RevocationScope,
  revocationKeysFor,
  sameKey,
} from '../core/revocation.js';
import type { SessionRecord, SessionState } from '../core/session.js';
import type { TokenFacts } from '../core/token.js';
import type { Logger, Metrics } from '../adapters/observability.js';
import {
  type AdminError,
  type AdminRequest,
  type ErrorCode,
  type InspectedToken,
  parseAdminRequest,
  RequestError,
} from './request.js';

export interface AdminDeps {
  readonly reader: RevocationReader;
  readonly writer: BlocklistWriter;
  readonly inventory: SessionInventory;
  /** Who revoked and why (admin views); optional — without it the views show no attribution. */
  readonly audit?: RevocationAuditReader;
  /** Told once after every revoking operation (hints, cache flushes; issue #11). Default: a no-op reporting ok. */
  readonly propagation?: RevocationPropagation;
  readonly directory: UserDirectory;
  readonly policy: LifetimePolicy;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Epoch milliseconds (injectable for tests). */
  readonly now?: () => number;
  /** A user's own tokens at Cognito (self-service logout, #14); optional. */
  readonly tokens?: UserTokens;
  /** Cognito's session management (listSessions / revoking `tkn…` sessions, #14); optional. */
  readonly cognitoSessions?: CognitoSessions;
  /** Users with live recorded sessions (the sweep's deleted-user pass, #14); optional. */
  readonly sessionOwners?: SessionOwners;
}

export interface InvocationLimits {
  /** Epoch ms by which the operation must stop retrying and report (the Lambda's remaining time minus a margin). */
  readonly deadlineAt?: number;
}

export interface UserRef {
  readonly username: string;
  readonly sub: string;
}

export interface SignOutResult {
  readonly ok: boolean;
  readonly operation: 'signOutUser';
  readonly user: UserRef;
  readonly actor: string;
  readonly reason: string;
  /** Cognito's AdminUserGlobalSignOut (revokes refresh tokens). */
  readonly cognitoSignOut: { readonly done: true } | { readonly done: false; readonly error: string };
  /**
   * The user watermark. `written`: this call's entry was stored. `inForce`: a watermark at least as late as this
   * call's is stored (a concurrent, later signout may have superseded this one; both converge on the latest).
   */
  readonly watermark: {
    readonly notBefore: number;
    readonly written: boolean;
    readonly inForce: boolean;
    readonly stored?: { readonly notBefore: number; readonly expiresAt: number };
    readonly error?: string;
  };
  readonly sessions: {
    /** Recorded sessions issued by the watermark and not yet expired. */
    readonly outstanding: number;
    /** Session records marked revoked in the inventory (the watermark is what revokes them at the authorizer). */
    readonly revoked: number;
    /** Session ids whose record could not be marked. */
    readonly unmarked: string[];
    /**
     * Sessions issued within the cross-clock window before the watermark: each also gets an explicit `rev#session#`
     * entry, in case Cognito's clock ran ahead of the watermark's (docs/table-schema.md).
     */
    readonly window: number;
    /** Explicit session revocations not written. */
    readonly unwritten: RevocationKey[];
    readonly error?: string;
  };
  readonly propagation: PropagationReport;
  readonly error?: AdminError;
}

export interface RevokeResult {
  readonly ok: boolean;
  readonly operation: 'revokeSession' | 'revokeToken';
  readonly user: UserRef;
  readonly revocation: { readonly scope: RevocationScope; readonly id: string; readonly expiresAt: number };
  readonly written: boolean;
  readonly actor: string;
  readonly reason: string;
  readonly propagation?: PropagationReport;
  readonly error?: AdminError;
}

export interface SessionView {
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
  /** Cognito's own sessions (device, IP, location, last active), when session management is configured (#14). */
  readonly cognitoSessions?: CognitoSessionsView;
}

export interface InspectResult {
  readonly ok: true;
  readonly operation: 'inspect';
  readonly revoked: boolean;
  /** One sentence saying whether and why. */
  readonly explanation: string;
  readonly scope?: RevocationScope;
  readonly entry?: {
    readonly scope: RevocationScope;
    readonly id: string;
    readonly notBefore?: number;
    readonly revokedAt: number;
    readonly expiresAt: number;
    readonly actor?: string;
    readonly reason?: string;
  };
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

// ---- Automatic revocation and self-service logout (issue #14, AUTO) ----------------------------------------------

/** What Cognito's sign-out state is after the event that caused the revocation (see auto-revocation/events.ts). */
export type CognitoSignOutMode = 'call' | 'done' | 'gone';

/** `revokeUser`: the user watermark from an event (CloudTrail record) or the sweep, idempotent on redelivery. */
export interface RevokeUserRequest {
  /** A username or sub, resolved as every admin lookup is (an ambiguous one is refused). */
  readonly user?: string;
  /** A sub taken from an event: looked up by sub only; a user that no longer exists is revoked by the sub alone. */
  readonly sub?: string;
  /**
   * The watermark (epoch seconds); default now. An event passes its own time, so a redelivered event writes the
   * very same entries (nothing changes). At most 60 s ahead of this function's clock.
   */
  readonly notBefore?: number;
  /** `call`: AdminUserGlobalSignOut; `done`: the event was one (never called again); `gone`: user deleted. */
  readonly cognitoSignOut: CognitoSignOutMode;
  /** Skip (write nothing) when a live watermark at or after this instant is stored — the sweep's idempotence. */
  readonly unlessRevokedSince?: number;
  readonly actor: string;
  readonly reason: string;
}

export interface RevokeUserResult {
  readonly ok: boolean;
  readonly operation: 'revokeUser';
  readonly user: { readonly username?: string; readonly sub: string; readonly exists: boolean };
  readonly actor: string;
  readonly reason: string;
  /** Set when nothing was written because the user is already revoked since the asked instant. */
  readonly skipped?: string;
  /** Absent when `skipped` (nothing was asked of Cognito). */
  readonly cognitoSignOut?:
    | { readonly done: true; readonly by: 'this call' | 'the recorded call' | 'the deletion' }
    | { readonly done: false; readonly error: string };
  readonly watermark?: SignOutResult['watermark'];
  readonly sessions?: SignOutResult['sessions'];
  readonly propagation?: PropagationReport;
  readonly error?: AdminError;
}

/** `logout`: the caller's own session (or all of the caller's sessions), identity from the authorizer context. */
export interface LogoutRequest {
  readonly sub: string;
  readonly username?: string;
  readonly sessionId?: string;
  readonly originJti?: string;
  readonly jti?: string;
  readonly exp?: number;
  readonly clientId?: string;
  readonly everywhere: boolean;
  /** In memory only, never logged: RevokeToken at Cognito. */
  readonly refreshToken?: string;
  /** In memory only, never logged: GlobalSignOut at Cognito (with `everywhere`). */
  readonly accessToken?: string;
}

export interface LogoutResult {
  readonly ok: boolean;
  readonly operation: 'logout';
  readonly user: { readonly sub: string };
  readonly everywhere: boolean;
  /** The entries written (scope, id, expiry) — ids only, never a token. */
  readonly revoked: { readonly scope: RevocationScope; readonly id: string; readonly expiresAt: number }[];
  readonly unwritten: RevocationKey[];
  readonly cognito: {
    readonly revokeToken?: { readonly done: boolean; readonly error?: string };
    readonly globalSignOut?: { readonly done: boolean; readonly error?: string };
  };
  readonly watermark?: SignOutResult['watermark'];
  readonly propagation?: PropagationReport;
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
  readonly unwritten: RevocationKey[];
  readonly propagation?: PropagationReport;
  readonly error?: AdminError;
}

/** Cognito's view of a user's sessions next to ours (listSessions on a pool with session tracking). */
export type CognitoSessionsView =
  | { readonly tracked: true; readonly sessions: import('../core/directory.js').CognitoSession[] }
  | { readonly tracked: false; readonly reason: string };

/** `sweep`: users the pool reports disabled, and users with recorded sessions who no longer exist. */
export interface SweepResult {
  readonly ok: boolean;
  readonly operation: 'sweep';
  readonly disabled: { readonly seen: number; readonly revoked: number; readonly skipped: number };
  readonly deleted: { readonly seen: number; readonly revoked: number; readonly skipped: number };
  readonly failures: { readonly sub: string; readonly error: string }[];
  readonly error?: AdminError;
}

export type AdminResult =
  | SignOutResult
  | RevokeResult
  | ListSessionsResult
  | InspectResult
  | RevokeUserResult
  | LogoutResult
  | SweepResult
  | CognitoSessionRevokeResult
  | FailedResult;

class OperationError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_BUDGET_MS = 25_000;

/**
 * Seconds added to the clock skew for the cross-clock window of a signout: the token trigger records a session (its
 * `issuedAt`) before Cognito signs the tokens, within Cognito's 5 s trigger budget, and times are whole seconds.
 */
export const CROSS_CLOCK_MARGIN_SECONDS = 6;

/** How far before the watermark a session's record may have been issued and still need an explicit entry. */
export function crossClockWindowSeconds(policy: LifetimePolicy): number {
  return policy.clockSkewSeconds + CROSS_CLOCK_MARGIN_SECONDS;
}

function describe(error: unknown): string {
  if (error instanceof StoreError) return `table ${error.kind}: ${error.message}`;
  if (error instanceof DirectoryError) return `cognito ${error.kind}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

type EntryView = NonNullable<InspectResult['entry']>;
function view(e: RevocationEntry): EntryView {
  return {
    scope: e.scope,
    id: e.id,
    notBefore: e.notBefore,
    revokedAt: e.revokedAt,
    expiresAt: e.expiresAt,
    actor: e.actor,
    reason: e.reason,
  };
}

export function createAdminOperations(deps: AdminDeps) {
  const now = deps.now ?? Date.now;
  const { logger, metrics, policy } = deps;
  const propagation = deps.propagation ?? NO_PROPAGATION;

  function signalFor(limits: InvocationLimits): { signal: AbortSignal; done: () => void } {
    const controller = new AbortController();
    const ms = Math.max(0, (limits.deadlineAt ?? now() + DEFAULT_BUDGET_MS) - now());
    const timer = setTimeout(() => controller.abort(), ms);
    return { signal: controller.signal, done: () => clearTimeout(timer) };
  }

  async function resolveUser(user: string): Promise<DirectoryUser> {
    let found: DirectoryUser | undefined;
    try {
      found = await deps.directory.resolve(user);
    } catch (error) {
      if (error instanceof DirectoryError && error.kind === 'ambiguous')
        throw new OperationError('ambiguous_user', `nothing done: ${error.message}`);
      throw new OperationError('directory_error', `could not look up user "${user}": ${describe(error)}`);
    }
    if (!found)
      throw new OperationError(
        'user_not_found',
        `no user "${user}" in the user pool (looked up as username and as sub)`,
      );
    return found;
  }

  /** Tells the propagation (hints, cache flushes) once; never throws. */
  async function announce(sub: string, signal: AbortSignal): Promise<PropagationReport> {
    try {
      const report = await propagation.announce(sub, { signal });
      if (!report.ok) metrics.add('propagation_failed', 1);
      countPropagationFailures(metrics, report);
      return report;
    } catch (error) {
      metrics.add('propagation_failed', 1);
      metrics.add('hint_unwritten', 1);
      return { ok: false, hint: { written: false, error: describe(error) }, flushes: [] };
    }
  }

  function propagationProblem(report: PropagationReport): string | undefined {
    if (report.ok) return undefined;
    const parts: string[] = [];
    if (report.hint && !report.hint.written)
      parts.push(`hint not written (${report.hint.error ?? 'unknown'})`);
    for (const f of report.flushes)
      if (!f.ok) parts.push(`cache flush of ${f.target} failed (${f.error ?? 'unknown'})`);
    return `the revocation is stored, but its propagation failed: ${parts.join(', ') || 'unknown'}; caches that were not told drop their verdicts within their maximum age`;
  }

  async function signOutUser(
    request: Extract<AdminRequest, { operation: 'signOutUser' }>,
    limits: InvocationLimits,
  ): Promise<SignOutResult> {
    const user = await resolveUser(request.user);
    const { actor, reason } = request;

    // 1. Refresh tokens first, so that no refresh after the watermark can mint a token the watermark misses.
    let cognitoSignOut: SignOutResult['cognitoSignOut'];
    try {
      await deps.directory.globalSignOut(user.username);
      cognitoSignOut = { done: true };
    } catch (error) {
      metrics.add('cognito_signout_failed', 1);
      cognitoSignOut = { done: false, error: describe(error) };
    }

    const { signal, done } = signalFor(limits);
    try {
      // 2. The watermark (its TTL is longer when the refresh tokens survived: they keep minting old-auth_time
      //    tokens), and 3. the outstanding sessions — see revokeEverywhere.
      const notBefore = Math.floor(now() / 1000);
      const { watermark, sessions } = await revokeEverywhere(
        user.sub,
        notBefore,
        cognitoSignOut.done,
        { actor, reason },
        signal,
      );

      // 4. Propagation (hints, cache flushes), once.
      const report = await announce(user.sub, signal);

      const missing: string[] = [];
      if (!cognitoSignOut.done)
        missing.push(
          `Cognito's global sign-out did not happen (${cognitoSignOut.error}); refresh tokens stay valid at Cognito, the watermark outlives them`,
        );
      missing.push(...everywhereProblems(watermark, sessions));
      const propagationError = propagationProblem(report);
      if (propagationError) missing.push(propagationError);
      const result: SignOutResult = {
        ok: missing.length === 0,
        operation: 'signOutUser',
        user: { username: user.username, sub: user.sub },
        actor,
        reason,
        cognitoSignOut,
        watermark,
        sessions,
        propagation: report,
        ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
      };
      return result;
    } finally {
      done();
    }
  }

  async function revokeOne(
    request: Extract<AdminRequest, { operation: 'revokeSession' | 'revokeToken' }>,
    limits: InvocationLimits,
  ): Promise<RevokeResult> {
    const user = await resolveUser(request.user);
    const revokedAt = Math.floor(now() / 1000);
    let scope: RevocationScope;
    let id: string;
    let expiresAt: number;
    if (request.operation === 'revokeToken') {
      scope = 'token';
      id = request.jti;
      expiresAt = tokenRevocationExpiry(revokedAt, policy, request.exp);
    } else if (request.sessionId !== undefined) {
      scope = 'session';
      id = request.sessionId;
      // Without the record at hand, a full token lifetime from now — never shorter than the record's expiry.
      expiresAt = sessionRevocationExpiry(revokedAt, policy);
    } else {
      scope = 'origin';
      id = request.originJti as string;
      // The refresh-token family is not revoked at Cognito by this call (that needs the refresh token itself).
      expiresAt = originRevocationExpiry(revokedAt, policy, { refreshTokensRevoked: false });
    }
    const entry: RevocationEntry = {
      sub: user.sub,
      scope,
      id,
      revokedAt,
      expiresAt,
      actor: request.actor,
      reason: request.reason,
    };
    const { signal, done } = signalFor(limits);
    let written = false;
    let failure: string | undefined;
    let report: PropagationReport | undefined;
    try {
      try {
        const { unwritten } = await deps.writer.revoke([entry], { signal });
        written = unwritten.length === 0;
        if (!written) failure = 'DynamoDB did not accept the write before the deadline';
      } catch (error) {
        failure = describe(error);
      }
      if (written) report = await announce(user.sub, signal);
    } finally {
      done();
    }
    metrics.add(written ? 'revocations_written' : 'revocations_unwritten', 1);
    const propagationError = report ? propagationProblem(report) : undefined;
    const error: AdminError | undefined = !written
      ? { code: 'store_error', message: `${scope} revocation not written: ${failure}` }
      : propagationError
        ? { code: 'incomplete', message: propagationError }
        : undefined;
    return {
      ok: written && !propagationError,
      operation: request.operation,
      user: { username: user.username, sub: user.sub },
      revocation: { scope, id, expiresAt },
      written,
      actor: request.actor,
      reason: request.reason,
      ...(report ? { propagation: report } : {}),
      ...(error ? { error } : {}),
    };
  }

  /** Entries of the user with their attribution from the audit items, when an audit reader is configured. */
  async function entriesWithAudit(sub: string, signal: AbortSignal): Promise<RevocationEntry[]> {
    const entries = await wrapStore(() => deps.reader.readUser(sub, { signal }));
    if (!deps.audit) return entries;
    let audit: RevocationEntry[] = [];
    try {
      audit = await deps.audit.readAudit(sub, { signal });
    } catch {
      return entries; // attribution is a nicety; the verdicts stand without it
    }
    return entries.map((e) => {
      const a = audit.find((x) => sameKey(x, e));
      return a ? { ...e, actor: a.actor, reason: a.reason } : e;
    });
  }

  async function listSessions(
    request: Extract<AdminRequest, { operation: 'listSessions' }>,
    limits: InvocationLimits,
  ): Promise<ListSessionsResult> {
    const user = await resolveUser(request.user);
    const { signal, done } = signalFor(limits);
    try {
      const nowSeconds = Math.floor(now() / 1000);
      const records = await wrapStore(() => deps.inventory.listByUser(user.sub, { signal }));
      const entries = await entriesWithAudit(user.sub, signal);
      const live = entries.filter((e) => isLive(e, nowSeconds));
      const watermark = live.find((e) => e.scope === 'user' && e.id === user.sub);
      const bySession = new Map(live.filter((e) => e.scope === 'session').map((e) => [e.id, e]));
      const counts: Record<SessionState, number> = { active: 0, revoked: 0, expired: 0 };
      const sessions = records
        .map((s: SessionRecord): SessionView => {
          const base = {
            sessionId: s.sessionId,
            clientId: s.clientId,
            triggerSource: s.triggerSource,
            issuedAt: s.issuedAt,
            expiresAt: s.expiresAt,
          };
          if (s.expiresAt <= nowSeconds) return { ...base, state: 'expired' };
          const own = bySession.get(s.sessionId);
          if (own)
            return {
              ...base,
              state: 'revoked',
              revokedBy: 'session',
              revokedAt: own.revokedAt,
              actor: own.actor ?? s.actor,
              reason: own.reason ?? s.reason,
            };
          if (watermark && (typeof watermark.notBefore !== 'number' || s.issuedAt <= watermark.notBefore)) {
            return {
              ...base,
              state: 'revoked',
              revokedBy: 'user',
              revokedAt: s.revokedAt ?? watermark.revokedAt,
              actor: s.actor ?? watermark.actor,
              reason: s.reason ?? watermark.reason,
            };
          }
          return { ...base, state: 'active' };
        })
        .sort((a, b) => b.issuedAt - a.issuedAt);
      for (const s of sessions) counts[s.state]++;
      return {
        ok: true,
        operation: 'listSessions',
        user: { username: user.username, sub: user.sub },
        ...(watermark
          ? {
              watermark: {
                notBefore: watermark.notBefore ?? 0,
                expiresAt: watermark.expiresAt,
                actor: watermark.actor,
                reason: watermark.reason,
              },
            }
          : {}),
        counts,
        sessions,
      };
    } finally {
      done();
    }
  }

  async function inspect(
    request: Extract<AdminRequest, { operation: 'inspect' }>,
    limits: InvocationLimits,
  ): Promise<InspectResult> {
    const t: InspectedToken = request.token;
    const facts: TokenFacts = {
      sub: t.sub,
      issuedAt: t.iat,
      authTime: t.authTime,
      expiresAt: t.exp ?? Number.POSITIVE_INFINITY,
      jti: t.jti,
      originJti: t.originJti,
      sessionId: t.sessionId,
    };
    const keys = revocationKeysFor(facts);
    const { signal, done } = signalFor(limits);
    try {
      const nowSeconds = Math.floor(now() / 1000);
      // The same read as the authorizer's (the user's whole `rev#` range), narrowed to this token's keys.
      const found = (await entriesWithAudit(t.sub, signal)).filter((e) => keys.some((k) => sameKey(k, e)));
      // The authorizer's own rule (`decide`), over the entries in the token's key order so the answer is stable.
      const order = (e: RevocationEntry) => REVOCATION_SCOPES.indexOf(e.scope);
      const entries = [...found].sort((a, b) => order(a) - order(b));
      const decision = decide(facts, entries, nowSeconds);
      const expiredEntries = entries.filter((e) => !isLive(e, nowSeconds)).length;
      const tokenExpired = t.exp !== undefined ? t.exp <= nowSeconds : undefined;
      if (!decision.revoked) {
        const watermark = entries.find((e) => e.scope === 'user' && isLive(e, nowSeconds));
        const note =
          watermark?.notBefore !== undefined
            ? ` The user was signed out at ${iso(watermark.notBefore)}, before this token was authenticated.`
            : '';
        return {
          ok: true,
          operation: 'inspect',
          revoked: false,
          explanation: `Not revoked: no live entry matches this token's ${keys.length} key(s).${note}`,
          checkedKeys: keys,
          revokingEntries: [],
          expiredEntries,
          ...(tokenExpired !== undefined ? { tokenExpired } : {}),
        };
      }
      const revoking = entries.filter((e) => entryRevokes(facts, e, nowSeconds));
      const why = (e: RevocationEntry): string => {
        const by = [e.actor ? `by ${e.actor}` : '', e.reason ? `("${e.reason}")` : '']
          .filter(Boolean)
          .join(' ');
        const what: Record<RevocationScope, string> = {
          user:
            e.notBefore !== undefined
              ? `the user was signed out everywhere at ${iso(e.notBefore)}`
              : 'the user is blocked (a watermark without a time)',
          origin: `its refresh-token family (origin_jti ${e.id}) was revoked at ${iso(e.revokedAt)}`,
          session: `its session ${e.id} was revoked at ${iso(e.revokedAt)}`,
          token: `this token (jti ${e.id}) was revoked at ${iso(e.revokedAt)}`,
        };
        const tail =
          e.scope === 'user' && e.notBefore !== undefined
            ? `, and this token was authenticated at ${iso(Math.min(t.authTime ?? t.iat, t.iat))}, not after it`
            : '';
        return `${what[e.scope]}${by ? ` ${by}` : ''}${tail}`;
      };
      // `decide` returned the first revoking entry in key order; the others are reported too.
      const others = revoking.filter((e) => e !== decision.entry);
      return {
        ok: true,
        operation: 'inspect',
        revoked: true,
        scope: decision.scope,
        explanation: `Revoked: ${why(decision.entry)}.${others.length ? ` Also: ${others.map(why).join('; ')}.` : ''}`,
        entry: view(decision.entry),
        revokingEntries: revoking.map(view),
        checkedKeys: keys,
        expiredEntries,
        ...(tokenExpired !== undefined ? { tokenExpired } : {}),
      };
    } finally {
      done();
    }
  }

  /** Seconds of slack around a Cognito session's creation / last activity when matching our recorded issuances. */
  const COGNITO_SESSION_MATCH_SLACK_SECONDS = 5;

  async function revokeCognitoSession(
    request: Extract<AdminRequest, { operation: 'revokeCognitoSession' }>,
    limits: InvocationLimits,
  ): Promise<CognitoSessionRevokeResult> {
    if (!deps.cognitoSessions)
      throw new OperationError(
        'configuration',
        'Cognito session management is not enabled for this function',
      );
    const user = await resolveUser(request.user);
    const { actor, reason, cognitoSessionId } = request;
    // 1. Which of our recorded issuances belong to that session: read Cognito's view before revoking it (a revoked
    //    session is no longer listed).
    let described: import('../core/directory.js').CognitoSession | undefined;
    try {
      described = (await deps.cognitoSessions.list(user.username)).find(
        (s) => s.sessionId === cognitoSessionId,
      );
    } catch (error) {
      throw new OperationError(
        'directory_error',
        `could not list the user's Cognito sessions: ${describe(error)}`,
      );
    }
    if (!described)
      throw new OperationError(
        'user_not_found',
        `no active Cognito session ${cognitoSessionId} for user "${user.username}"`,
      );
    // 2. Cognito revokes the session's refresh and access tokens (for Cognito's own APIs).
    let cognito: CognitoSessionRevokeResult['cognito'];
    try {
      await deps.cognitoSessions.revoke(user.username, cognitoSessionId);
      cognito = { done: true };
    } catch (error) {
      cognito = { done: false, error: describe(error) };
    }
    const { signal, done } = signalFor(limits);
    try {
      const revokedAt = Math.floor(now() / 1000);
      const from = (described.createdAt ?? 0) - COGNITO_SESSION_MATCH_SLACK_SECONDS;
      const to = (described.lastActiveAt ?? revokedAt) + COGNITO_SESSION_MATCH_SLACK_SECONDS;
      const records = await wrapStore(() => deps.inventory.listByUser(user.sub, { signal }));
      const matched = records.filter(
        (s) =>
          s.expiresAt > revokedAt &&
          (described?.clientId === undefined || s.clientId === described.clientId) &&
          s.issuedAt >= from &&
          s.issuedAt <= to,
      );
      const entries = matched.map(
        (s): RevocationEntry => ({
          sub: user.sub,
          scope: 'session',
          id: s.sessionId,
          revokedAt,
          expiresAt: sessionRevocationExpiry(revokedAt, policy, s.expiresAt),
          actor,
          reason,
        }),
      );
      const { unwritten } = entries.length
        ? await deps.writer.revoke(entries, { signal })
        : { unwritten: [] as RevocationKey[] };
      const report = entries.length > unwritten.length ? await announce(user.sub, signal) : undefined;
      const missing: string[] = [];
      if (!cognito.done) missing.push(`Cognito did not revoke the session (${cognito.error})`);
      if (matched.length === 0)
        missing.push(
          'no recorded issuance matched the session (token trigger not attached, or the session predates it): its ID/access tokens stay valid at the API until they expire; sign the user out everywhere to be sure',
        );
      if (unwritten.length)
        missing.push(`${unwritten.length} of ${entries.length} session revocations were not written`);
      const propagationError = report ? propagationProblem(report) : undefined;
      if (propagationError) missing.push(propagationError);
      return {
        ok: missing.length === 0,
        operation: 'revokeCognitoSession',
        user: { username: user.username, sub: user.sub },
        cognitoSessionId,
        actor,
        reason,
        cognito,
        matched: matched.map((s) => ({ sessionId: s.sessionId, issuedAt: s.issuedAt })),
        unwritten,
        ...(report ? { propagation: report } : {}),
        ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
      };
    } finally {
      done();
    }
  }

  /** listSessions with Cognito's own sessions next to ours, when session management is configured. */
  async function withCognitoSessions(result: ListSessionsResult): Promise<ListSessionsResult> {
    if (!deps.cognitoSessions) return result;
    let cognitoSessions: CognitoSessionsView;
    try {
      cognitoSessions = { tracked: true, sessions: await deps.cognitoSessions.list(result.user.username) };
    } catch (error) {
      cognitoSessions = { tracked: false, reason: describe(error) };
    }
    return { ...result, cognitoSessions };
  }

  // ---- Automatic revocation and self-service logout (issue #14, AUTO) ----------------------------------------

  /**
   * The writes of "sign out everywhere" (signOutUser, revokeUser), at the instant given (so an event's redelivery
   * writes identical entries), with `revokedAt = notBefore`:
   * - the user watermark at `notBefore`;
   * - the outstanding sessions, marked revoked in the inventory (the watermark revokes them at the authorizer), and
   *   an explicit `rev#session#` entry only for those issued within the cross-clock window before the watermark —
   *   the only ones whose tokens the watermark might miss if Cognito's clock is ahead. The partition the
   *   authorizer reads so stays small however many sessions the user had.
   */
  async function revokeEverywhere(
    sub: string,
    notBefore: number,
    refreshTokensRevoked: boolean,
    attribution: { actor: string; reason: string },
    signal: AbortSignal,
  ): Promise<{ watermark: SignOutResult['watermark']; sessions: SignOutResult['sessions'] }> {
    const nowSeconds = Math.floor(now() / 1000);
    const revokedAt = notBefore;
    const { actor, reason } = attribution;
    const entry: RevocationEntry = {
      sub,
      scope: 'user',
      id: sub,
      notBefore,
      revokedAt,
      expiresAt: userWatermarkExpiry(notBefore, policy, { refreshTokensRevoked }),
      actor,
      reason,
    };
    let watermark: SignOutResult['watermark'];
    try {
      const stored = await deps.writer.raiseWatermark(entry, { signal });
      const storedNotBefore = stored.notBefore ?? Number.POSITIVE_INFINITY;
      watermark = {
        notBefore,
        written: stored === entry || (stored.notBefore === notBefore && stored.expiresAt === entry.expiresAt),
        inForce: storedNotBefore >= notBefore && stored.expiresAt >= entry.expiresAt,
        stored: { notBefore: stored.notBefore ?? notBefore, expiresAt: stored.expiresAt },
      };
    } catch (error) {
      watermark = { notBefore, written: false, inForce: false, error: describe(error) };
    }
    let sessions: SignOutResult['sessions'];
    try {
      const outstanding = (await deps.inventory.listByUser(sub, { signal })).filter(
        (s) => s.expiresAt > nowSeconds && s.issuedAt <= notBefore,
      );
      const windowStart = notBefore - crossClockWindowSeconds(policy);
      const inWindow = outstanding.filter((s) => s.issuedAt >= windowStart);
      const entries = inWindow.map(
        (s): RevocationEntry => ({
          sub,
          scope: 'session',
          id: s.sessionId,
          revokedAt,
          expiresAt: sessionRevocationExpiry(revokedAt, policy, s.expiresAt),
          actor,
          reason,
        }),
      );
      const { unwritten } = entries.length
        ? await deps.writer.revoke(entries, { signal })
        : { unwritten: [] as RevocationKey[] };
      // A record an earlier revocation already marked keeps that first mark (as signOutUser does).
      const unmarkable = outstanding.filter((s) => s.revokedAt === undefined);
      const { unwritten: unmarked } = unmarkable.length
        ? await deps.inventory.markRevoked(unmarkable, { revokedAt, actor, reason }, { signal })
        : { unwritten: [] as string[] };
      sessions = {
        outstanding: outstanding.length,
        revoked: outstanding.length - unmarked.length,
        unmarked,
        window: inWindow.length,
        unwritten,
      };
    } catch (error) {
      sessions = {
        outstanding: 0,
        revoked: 0,
        unmarked: [],
        window: 0,
        unwritten: [],
        error: `sessions not listed: ${describe(error)}`,
      };
    }
    metrics.add(
      'revocations_written',
      sessions.window - sessions.unwritten.length + (watermark.written ? 1 : 0),
    );
    metrics.add('revocations_unwritten', sessions.unwritten.length);
    return { watermark, sessions };
  }

  function everywhereProblems(
    watermark: SignOutResult['watermark'],
    sessions: SignOutResult['sessions'],
  ): string[] {
    const missing: string[] = [];
    if (!watermark.inForce)
      missing.push(
        `the user watermark was not written (${watermark.error ?? 'a stored watermark is earlier'})`,
      );
    if (sessions.error) missing.push(sessions.error);
    if (sessions.unwritten.length)
      missing.push(
        `${sessions.unwritten.length} of ${sessions.window} session revocations in the cross-clock window were not written`,
      );
    if (sessions.unmarked.length)
      missing.push(
        `${sessions.unmarked.length} of ${sessions.outstanding} session records were not marked revoked (the watermark still revokes their tokens)`,
      );
    return missing;
  }

  /** The user of a `revokeUser` request: by username/sub, or by sub only (then possibly gone). */
  async function userForRevocation(
    request: RevokeUserRequest,
  ): Promise<{ username?: string; sub: string; exists: boolean }> {
    if (request.user !== undefined) {
      const found = await resolveUser(request.user);
      return { username: found.username, sub: found.sub, exists: true };
    }
    const sub = request.sub as string;
    let found: DirectoryUser | undefined;
    try {
      found = deps.directory.findBySub
        ? await deps.directory.findBySub(sub)
        : await deps.directory.resolve(sub);
    } catch (error) {
      if (error instanceof DirectoryError && error.kind === 'ambiguous')
        throw new OperationError('ambiguous_user', `nothing done: ${error.message}`);
      throw new OperationError('directory_error', `could not look up sub ${sub}: ${describe(error)}`);
    }
    if (found && found.sub !== sub)
      throw new OperationError('ambiguous_user', `nothing done: sub ${sub} resolved to another user`);
    return found ? { username: found.username, sub, exists: true } : { sub, exists: false };
  }

  function revokeUserRequestError(request: RevokeUserRequest, nowSeconds: number): string | undefined {
    if ((request.user === undefined) === (request.sub === undefined))
      return 'give exactly one of "user" or "sub"';
    if (request.sub !== undefined && !/^[0-9a-f-]{36}$/i.test(request.sub)) return '"sub" must be a UUID';
    if (request.notBefore !== undefined) {
      if (!Number.isInteger(request.notBefore) || request.notBefore < 0)
        return '"notBefore" must be epoch seconds';
      if (request.notBefore > nowSeconds + 60) return '"notBefore" is in the future';
    }
    if (!['call', 'done', 'gone'].includes(request.cognitoSignOut))
      return '"cognitoSignOut" must be call, done or gone';
    if (!request.actor || !request.reason) return '"actor" and "reason" are required';
    return undefined;
  }

  async function revokeUserOnce(
    request: RevokeUserRequest,
    limits: InvocationLimits,
  ): Promise<RevokeUserResult> {
    const nowSeconds = Math.floor(now() / 1000);
    const invalid = revokeUserRequestError(request, nowSeconds);
    if (invalid) throw new RequestError(invalid);
    const user = await userForRevocation(request);
    const { actor, reason } = request;
    const notBefore = request.notBefore ?? nowSeconds;
    const { signal, done } = signalFor(limits);
    try {
      if (request.unlessRevokedSince !== undefined) {
        const entries = await wrapStore(() => deps.reader.readUser(user.sub, { signal }));
        const since = request.unlessRevokedSince;
        const covering = entries.find(
          (e) =>
            e.scope === 'user' && isLive(e, nowSeconds) && (e.notBefore ?? Number.NEGATIVE_INFINITY) >= since,
        );
        if (covering)
          return {
            ok: true,
            operation: 'revokeUser',
            user,
            actor,
            reason,
            skipped: `already revoked since ${iso(covering.notBefore as number)} (asked: since ${iso(since)})`,
          };
      }
      // 1. Cognito first (refresh tokens), as signOutUser does.
      let cognitoSignOut: RevokeUserResult['cognitoSignOut'];
      if (!user.exists || request.cognitoSignOut === 'gone')
        cognitoSignOut = { done: true, by: 'the deletion' };
      else if (request.cognitoSignOut === 'done') cognitoSignOut = { done: true, by: 'the recorded call' };
      else {
        try {
          await deps.directory.globalSignOut(user.username as string);
          cognitoSignOut = { done: true, by: 'this call' };
        } catch (error) {
          metrics.add('cognito_signout_failed', 1);
          cognitoSignOut = { done: false, error: describe(error) };
        }
      }
      // 2. Watermark and sessions; 3. propagation once.
      const { watermark, sessions } = await revokeEverywhere(
        user.sub,
        notBefore,
        cognitoSignOut.done,
        { actor, reason },
        signal,
      );
      const report = await announce(user.sub, signal);
      const missing = everywhereProblems(watermark, sessions);
      if (!cognitoSignOut.done)
        missing.unshift(
          `Cognito's global sign-out did not happen (${cognitoSignOut.error}); refresh tokens stay valid at Cognito, the watermark outlives them`,
        );
      const propagationError = propagationProblem(report);
      if (propagationError) missing.push(propagationError);
      return {
        ok: missing.length === 0,
        operation: 'revokeUser',
        user,
        actor,
        reason,
        cognitoSignOut,
        watermark,
        sessions,
        propagation: report,
        ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
      };
    } finally {
      done();
    }
  }

  async function logoutOnce(request: LogoutRequest, limits: InvocationLimits): Promise<LogoutResult> {
    const revokedAt = Math.floor(now() / 1000);
    const { sub } = request;
    const actor = `self:${sub}`;
    const reason = request.everywhere ? 'self-service logout everywhere' : 'self-service logout';
    const cognito: { -readonly [K in keyof LogoutResult['cognito']]: LogoutResult['cognito'][K] } = {};
    // 1. Cognito, with the caller's own tokens (never logged).
    if (request.refreshToken !== undefined) {
      if (!deps.tokens || !request.clientId)
        cognito.revokeToken = { done: false, error: 'no app client id in the authorizer context' };
      else
        try {
          await deps.tokens.revokeRefreshToken(request.refreshToken, request.clientId);
          cognito.revokeToken = { done: true };
        } catch (error) {
          cognito.revokeToken = { done: false, error: describe(error) };
        }
    }
    if (request.everywhere && request.accessToken !== undefined && deps.tokens) {
      try {
        await deps.tokens.globalSignOut(request.accessToken);
        cognito.globalSignOut = { done: true };
      } catch (error) {
        cognito.globalSignOut = { done: false, error: describe(error) };
      }
    }
    const familyRevoked = cognito.revokeToken?.done === true || cognito.globalSignOut?.done === true;
    // 2. The caller's own session: its issuance (session claim), its refresh family (origin_jti), this token (jti).
    const entries: RevocationEntry[] = [];
    const attribution = { actor, reason };
    if (request.sessionId)
      entries.push({
        sub,
        scope: 'session',
        id: request.sessionId,
        revokedAt,
        expiresAt: sessionRevocationExpiry(revokedAt, policy),
        ...attribution,
      });
    if (request.originJti)
      entries.push({
        sub,
        scope: 'origin',
        id: request.originJti,
        revokedAt,
        expiresAt: originRevocationExpiry(revokedAt, policy, { refreshTokensRevoked: familyRevoked }),
        ...attribution,
      });
    if (request.jti)
      entries.push({
        sub,
        scope: 'token',
        id: request.jti,
        revokedAt,
        expiresAt: tokenRevocationExpiry(revokedAt, policy, request.exp),
        ...attribution,
      });
    const { signal, done } = signalFor(limits);
    try {
      let unwritten: RevocationKey[] = [];
      const missing: string[] = [];
      if (entries.length) {
        try {
          unwritten = (await deps.writer.revoke(entries, { signal })).unwritten;
        } catch (error) {
          unwritten = entries.map((e) => ({ sub, scope: e.scope, id: e.id }));
          missing.push(`session revocations not written: ${describe(error)}`);
        }
      } else if (!request.everywhere)
        missing.push('the token names no session, refresh family or token id to revoke');
      if (unwritten.length && !missing.length)
        missing.push(`${unwritten.length} of ${entries.length} revocations were not written`);
      // 3. Everywhere: the user watermark and the sessions, as a signout does.
      let watermark: SignOutResult['watermark'] | undefined;
      if (request.everywhere) {
        const result = await revokeEverywhere(
          sub,
          revokedAt,
          cognito.globalSignOut?.done === true,
          attribution,
          signal,
        );
        watermark = result.watermark;
        missing.push(...everywhereProblems(result.watermark, result.sessions));
      }
      const written = entries.filter((e) => !unwritten.some((u) => sameKey(u, e)));
      const report = written.length || watermark?.inForce ? await announce(sub, signal) : undefined;
      const propagationError = report ? propagationProblem(report) : undefined;
      if (propagationError) missing.push(propagationError);
      metrics.add('revocations_written', written.length);
      return {
        ok: missing.length === 0,
        operation: 'logout',
        user: { sub },
        everywhere: request.everywhere,
        revoked: written.map((e) => ({ scope: e.scope, id: e.id, expiresAt: e.expiresAt })),
        unwritten,
        cognito,
        ...(watermark ? { watermark } : {}),
        ...(report ? { propagation: report } : {}),
        ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
      };
    } finally {
      done();
    }
  }

  async function sweepOnce(limits: InvocationLimits): Promise<SweepResult> {
    const nowSeconds = Math.floor(now() / 1000);
    const horizon = policy.tokenLifetimeSeconds + policy.clockSkewSeconds;
    const failures: SweepResult['failures'] = [];
    const disabled = { seen: 0, revoked: 0, skipped: 0 };
    const deleted = { seen: 0, revoked: 0, skipped: 0 };
    const { signal, done } = signalFor(limits);
    const record = (tally: typeof disabled, sub: string, result: RevokeUserResult | FailedResult) => {
      if (!result.ok) failures.push({ sub, error: result.error?.message ?? 'failed' });
      else if ('skipped' in result && result.skipped) tally.skipped++;
      else tally.revoked++;
    };
    try {
      // 1. Users the pool reports disabled. Disabling modifies the user: a live watermark at or after that instant
      //    means this user is done (a second sweep changes nothing). Disabled users cannot sign in or refresh, so
      //    one disabled longer than a token lifetime ago has no token left to revoke.
      if (deps.directory.listDisabled) {
        const users = await deps.directory.listDisabled({ signal }).catch((error: unknown) => {
          throw new OperationError('directory_error', `could not list disabled users: ${describe(error)}`);
        });
        for (const u of users) {
          disabled.seen++;
          const since = u.lastModifiedAt ?? 0;
          if (u.lastModifiedAt !== undefined && u.lastModifiedAt + horizon < nowSeconds) {
            disabled.skipped++;
            continue;
          }
          record(
            disabled,
            u.sub,
            await revokeUser(
              {
                sub: u.sub,
                cognitoSignOut: 'call',
                unlessRevokedSince: since,
                actor: 'sweep',
                reason: 'sweep: the user is disabled in the user pool',
              },
              limits,
            ),
          );
        }
      }
      // 2. Users with live recorded sessions who no longer exist (deleted where the event path could not see it).
      if (deps.sessionOwners && deps.directory.findBySub) {
        const owners = await deps.sessionOwners
          .usersWithLiveSessions(nowSeconds, { signal })
          .catch((error: unknown) => {
            throw new OperationError('store_error', `could not list users with sessions: ${describe(error)}`);
          });
        for (const owner of owners) {
          let exists: boolean;
          try {
            exists = (await deps.directory.findBySub(owner.sub)) !== undefined;
          } catch (error) {
            failures.push({ sub: owner.sub, error: describe(error) });
            continue;
          }
          if (exists) continue;
          deleted.seen++;
          record(
            deleted,
            owner.sub,
            await revokeUser(
              {
                sub: owner.sub,
                cognitoSignOut: 'gone',
                unlessRevokedSince: owner.latestIssuedAt,
                actor: 'sweep',
                reason: 'sweep: the user no longer exists in the user pool',
              },
              limits,
            ),
          );
        }
      }
    } finally {
      done();
    }
    return {
      ok: failures.length === 0,
      operation: 'sweep',
      disabled,
      deleted,
      failures,
      ...(failures.length
        ? {
            error: {
              code: 'incomplete' as const,
              message: `${failures.length} users could not be revoked; the next sweep retries them`,
            },
          }
        : {}),
    };
  }

  /** Runs one of the #14 operations with the same error mapping, metrics and audit line as `run`. */
  async function runTyped<R extends AdminResult>(
    operation: string,
    attribution: { actor?: string; reason?: string; user?: unknown },
    body: () => Promise<R>,
  ): Promise<R | FailedResult> {
    const started = now();
    let result: R | FailedResult;
    try {
      result = await body();
    } catch (error) {
      const code: ErrorCode =
        error instanceof RequestError
          ? 'invalid_request'
          : error instanceof OperationError
            ? error.code
            : 'internal';
      result = {
        ok: false,
        operation,
        error: { code, message: error instanceof Error ? error.message : String(error) },
      };
    }
    metrics.add(`${result.ok ? 'ok' : 'failed'}_${operation}`, 1);
    const fields: Record<string, unknown> = {
      audit: true,
      operation,
      ok: result.ok,
      elapsedMs: now() - started,
    };
    if (attribution.actor) fields.actor = attribution.actor;
    if (attribution.reason) fields.reason = attribution.reason;
    if ('user' in result) fields.user = result.user;
    else if (attribution.user) fields.user = attribution.user;
    for (const key of [
      'skipped',
      'cognitoSignOut',
      'watermark',
      'revoked',
      'cognito',
      'disabled',
      'deleted',
      'failures',
      'everywhere',
      'propagation',
      'error',
    ])
      if (key in result) fields[key] = (result as unknown as Record<string, unknown>)[key];
    (result.ok ? logger.info : logger.warn)('admin operation', fields);
    metrics.flush();
    return result;
  }

  /** `revokeUser` (automatic revocation, sweep): see `RevokeUserRequest`. Never throws. */
  function revokeUser(request: RevokeUserRequest, limits: InvocationLimits = {}) {
    return runTyped(
      'revokeUser',
      { actor: request.actor, reason: request.reason, user: { requested: request.user ?? request.sub } },
      () => revokeUserOnce(request, limits),
    );
  }

  /** `logout` (self-service): see `LogoutRequest`. Never throws; never logs the tokens it was given. */
  function logout(request: LogoutRequest, limits: InvocationLimits = {}) {
    return runTyped('logout', { actor: `self:${request.sub}`, user: { sub: request.sub } }, () =>
      logoutOnce(request, limits),
    );
  }

  /** `sweep`: revokes disabled users and users who no longer exist, each through `revokeUser`. Never throws. */
  function sweep(limits: InvocationLimits = {}) {
    return runTyped('sweep', { actor: 'sweep' }, () => sweepOnce(limits));
  }

  async function wrapStore<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new OperationError('store_error', describe(error));
    }
  }

  function audit(request: AdminRequest | undefined, result: AdminResult, elapsedMs: number) {
    const fields: Record<string, unknown> = {
      audit: true,
      operation: request?.operation ?? (result as FailedResult).operation,
      ok: result.ok,
      elapsedMs,
    };
    if (request && 'actor' in request) {
      fields.actor = request.actor;
      fields.reason = request.reason;
    }
    if ('user' in result) fields.user = result.user;
    else if (request && 'user' in request) fields.user = { requested: request.user };
    if (result.operation === 'signOutUser' && 'sessions' in result) {
      fields.cognitoSignOut = result.cognitoSignOut.done;
      fields.watermark = result.watermark;
      fields.sessionsOutstanding = result.sessions.outstanding;
      fields.sessionsRevoked = result.sessions.revoked;
      fields.sessionsWindow = result.sessions.window;
      fields.sessionsUnwritten = result.sessions.unwritten.length;
      fields.sessionsUnmarked = result.sessions.unmarked.length;
    }
    if ('revocation' in result) fields.revocation = result.revocation;
    if ('propagation' in result && result.propagation) fields.propagation = result.propagation;
    if (result.operation === 'listSessions' && 'counts' in result) fields.counts = result.counts;
    if (result.operation === 'inspect' && 'revoked' in result) {
      fields.revoked = result.revoked;
      fields.scope = result.scope;
    }
    if ('error' in result && result.error) fields.error = result.error;
    (result.ok ? logger.info : logger.warn)('admin operation', fields);
  }

  /** Validates and runs one request; always resolves with a result (never throws). */
  async function run(input: unknown, limits: InvocationLimits = {}): Promise<AdminResult> {
    const started = now();
    let request: AdminRequest | undefined;
    let result: AdminResult;
    try {
      request = parseAdminRequest(input);
      switch (request.operation) {
        case 'signOutUser':
          result = await signOutUser(request, limits);
          break;
        case 'revokeSession':
        case 'revokeToken':
          result = await revokeOne(request, limits);
          break;
        case 'listSessions':
          result = await withCognitoSessions(await listSessions(request, limits));
          break;
        case 'revokeCognitoSession':
          result = await revokeCognitoSession(request, limits);
          break;
        case 'inspect':
          result = await inspect(request, limits);
          break;
      }
    } catch (error) {
      const operation =
        request?.operation ??
        (typeof (input as { operation?: unknown })?.operation === 'string'
          ? String((input as { operation: string }).operation).slice(0, 64)
          : undefined);
      const code: ErrorCode =
        error instanceof RequestError
          ? 'invalid_request'
          : error instanceof OperationError
            ? error.code
            : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      result = { ok: false, ...(operation ? { operation } : {}), error: { code, message } };
    }
    metrics.add(`${result.ok ? 'ok' : 'failed'}_${request?.operation ?? 'invalid'}`, 1);
    audit(request, result, now() - started);
    metrics.flush();
    return result;
  }

  return { run, revokeUser, logout, sweep };
}

export type AdminOperations = ReturnType<typeof createAdminOperations>;

/**
 * Separate counts for the two halves of a propagation, so an alarm can tell an unwritten revocation hint (staleness
 * mode keeps a verdict up to its maximum age) from a refused or failed authorizer cache flush (a cached allow lives
 * until its TTL): `hint_unwritten` and `cache_flush_failed` (one per stage whose flush failed).
 */
function countPropagationFailures(metrics: Metrics, report: PropagationReport): void {
  if (report.hint && !report.hint.written) metrics.add('hint_unwritten', 1);
  const failedFlushes = report.flushes.filter((f) => !f.ok).length;
  if (failedFlushes > 0) metrics.add('cache_flush_failed', failedFlushes);
}
