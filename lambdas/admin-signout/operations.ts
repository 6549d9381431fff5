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
import { type DirectoryUser, DirectoryError, type UserDirectory } from '../core/directory.js';
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

export type AdminResult = SignOutResult | RevokeResult | ListSessionsResult | InspectResult | FailedResult;

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
      return report;
    } catch (error) {
      metrics.add('propagation_failed', 1);
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
      // 2. The watermark. Its TTL is longer when the refresh tokens survived (they keep minting old-auth_time tokens).
      const revokedAt = Math.floor(now() / 1000);
      const notBefore = revokedAt;
      const entry: RevocationEntry = {
        sub: user.sub,
        scope: 'user',
        id: user.sub,
        notBefore,
        revokedAt,
        expiresAt: userWatermarkExpiry(notBefore, policy, { refreshTokensRevoked: cognitoSignOut.done }),
        actor,
        reason,
      };
      let watermark: SignOutResult['watermark'];
      try {
        const stored = await deps.writer.raiseWatermark(entry, { signal });
        const storedNotBefore = stored.notBefore ?? Number.POSITIVE_INFINITY;
        watermark = {
          notBefore,
          written:
            stored === entry || (stored.notBefore === notBefore && stored.expiresAt === entry.expiresAt),
          inForce: storedNotBefore >= notBefore && stored.expiresAt >= entry.expiresAt,
          stored: { notBefore: stored.notBefore ?? notBefore, expiresAt: stored.expiresAt },
        };
      } catch (error) {
        watermark = { notBefore, written: false, inForce: false, error: describe(error) };
      }

      // 3. The outstanding sessions: marked revoked in the inventory (the watermark revokes them at the
      //    authorizer), and an explicit `rev#session#` entry only for those issued within the cross-clock window
      //    before the watermark — the only ones whose tokens the watermark might miss if Cognito's clock is ahead.
      //    The partition the authorizer reads so stays small however many sessions the user had.
      let sessions: SignOutResult['sessions'];
      try {
        const outstanding = (await deps.inventory.listByUser(user.sub, { signal })).filter(
          (s) => s.expiresAt > revokedAt && s.issuedAt <= notBefore,
        );
        const windowStart = notBefore - crossClockWindowSeconds(policy);
        const inWindow = outstanding.filter((s) => s.issuedAt >= windowStart);
        const entries = inWindow.map(
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
        // A record an earlier signout already marked keeps that first mark (the revocation that ended it).
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

      // 4. Propagation (hints, cache flushes), once.
      const report = await announce(user.sub, signal);

      const missing: string[] = [];
      if (!cognitoSignOut.done)
        missing.push(
          `Cognito's global sign-out did not happen (${cognitoSignOut.error}); refresh tokens stay valid at Cognito, the watermark outlives them`,
        );
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
          result = await listSessions(request, limits);
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

  return { run };
}

export type AdminOperations = ReturnType<typeof createAdminOperations>;
