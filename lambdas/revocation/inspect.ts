/**
 * Whether and why a token is revoked (admin view, the CLI's `check`): the authorizer's own read (the user's whole
 * `rev#` range) narrowed to the token's keys, and the authorizer's own rule (`decide`).
 */
import { sessionIssuedAtSeconds } from '../core/session-id.js';
import {
  decide,
  entryRevokes,
  isLive,
  REVOCATION_SCOPES,
  type RevocationEntry,
  type RevocationScope,
  revocationKeysFor,
  sameKey,
} from '../core/revocation.js';
import type { TokenFacts } from '../core/token.js';
import { entriesWithAudit, entryView } from './audit-view.js';
import { type InvocationLimits, iso, nowSeconds, type RevocationContext } from './context.js';
import type { InspectInput } from './requests.js';
import type { FailedResult, InspectResult } from './results.js';
import { runOperation } from './run.js';

export type InspectDeps = 'reader' | 'audit';

export function inspect(
  ctx: RevocationContext<InspectDeps>,
  input: InspectInput,
  limits: InvocationLimits = {},
): Promise<InspectResult | FailedResult> {
  return runOperation(ctx, { operation: 'inspect', limits }, async (signal) => {
    const t = input.evidence.token;
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
    const now = nowSeconds(ctx);
    const found = (await entriesWithAudit(ctx, t.sub, signal)).filter((e) => keys.some((k) => sameKey(k, e)));
    // Entries in the token's key order, so the answer is stable.
    const order = (e: RevocationEntry) => REVOCATION_SCOPES.indexOf(e.scope);
    const entries = [...found].sort((a, b) => order(a) - order(b));
    const decision = decide(facts, entries, now);
    const expiredEntries = entries.filter((e) => !isLive(e, now)).length;
    const tokenExpired = t.exp !== undefined ? t.exp <= now : undefined;
    if (!decision.revoked) {
      const watermark = entries.find((e) => e.scope === 'user' && isLive(e, now));
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
    const revoking = entries.filter((e) => entryRevokes(facts, e, now));
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
      const authenticated = Math.min(t.authTime ?? t.iat, t.iat);
      const sessionAt = sessionIssuedAtSeconds(facts.sessionId);
      const tail =
        e.scope !== 'user' || e.notBefore === undefined
          ? ''
          : authenticated <= e.notBefore || sessionAt === undefined
            ? `, and this token was authenticated at ${iso(authenticated)}, not after it`
            : `, and this token's session began at ${iso(sessionAt)} (the time in its session id), not after it`;
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
      entry: entryView(decision.entry),
      revokingEntries: revoking.map(entryView),
      checkedKeys: keys,
      expiredEntries,
      ...(tokenExpired !== undefined ? { tokenExpired } : {}),
    };
  });
}
