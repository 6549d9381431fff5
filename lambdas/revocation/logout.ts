/**
 * Self-service logout: the caller's own session — its issuance (session claim), its refresh family (`origin_jti`),
 * the presented token (`jti`) — or, with `everywhere`, all of the caller's sessions (user watermark). The subject is
 * the verified caller's own `sub`; no directory is involved. Cognito's RevokeToken / GlobalSignOut are called with
 * the caller's own tokens when handed over (never logged).
 */
import { originRevocationExpiry, sessionRevocationExpiry, tokenRevocationExpiry } from '../core/lifetime.js';
import { type RevocationEntry, type RevocationKey, sameKey } from '../core/revocation.js';
import type { RevocationChange } from '../core/ports.js';
import { describe } from './errors.js';
import {
  everywhereProblems,
  type EverywhereWrites,
  provenEverywhere,
  writeEverywhere,
} from './everywhere.js';
import {
  announce,
  type InvocationLimits,
  nowSeconds,
  propagationProblem,
  type RevocationContext,
  type WriteDeps,
} from './context.js';
import { type Proof, readBack, readBackProblem } from './read-back.js';
import { actorName, actorReason, type LogoutInput } from './requests.js';
import type { FailedResult, LogoutResult, WatermarkReport } from './results.js';
import { runOperation } from './run.js';

export type LogoutDeps = WriteDeps | 'inventory' | 'tokens';

type CognitoReport = { -readonly [K in keyof LogoutResult['cognito']]: LogoutResult['cognito'][K] };

async function atCognito(ctx: RevocationContext<'tokens'>, input: LogoutInput): Promise<CognitoReport> {
  const cognito: CognitoReport = {};
  const { tokens } = ctx.deps;
  const { refreshToken, accessToken } = input.credentials;
  if (refreshToken !== undefined) {
    if (!tokens || !input.evidence.clientId)
      cognito.revokeToken = { done: false, error: 'no app client id in the authorizer context' };
    else
      try {
        await tokens.revokeRefreshToken(refreshToken, input.evidence.clientId);
        cognito.revokeToken = { done: true };
      } catch (error) {
        cognito.revokeToken = { done: false, error: describe(error) };
      }
  }
  if (input.everywhere && accessToken !== undefined && tokens) {
    try {
      await tokens.globalSignOut(accessToken);
      cognito.globalSignOut = { done: true };
    } catch (error) {
      cognito.globalSignOut = { done: false, error: describe(error) };
    }
  }
  return cognito;
}

/** The caller's own entries and the token each must refuse. */
function ownEntries(
  ctx: RevocationContext<'policy'>,
  input: LogoutInput,
  revokedAt: number,
  familyRevoked: boolean,
): { entry: RevocationEntry; proof: Proof }[] {
  const { policy } = ctx.deps;
  const { sub } = input.actor;
  const attribution = { actor: actorName(input.actor), reason: actorReason(input.actor, input.everywhere) };
  const { sessionId, originJti, jti, exp } = input.evidence;
  const lifetime = policy.tokenLifetimeSeconds;
  const out: { entry: RevocationEntry; proof: Proof }[] = [];
  const after = revokedAt + 1; // authenticated after any watermark: only this entry can refuse it
  if (sessionId)
    out.push({
      entry: {
        sub,
        scope: 'session',
        id: sessionId,
        revokedAt,
        expiresAt: sessionRevocationExpiry(revokedAt, policy),
        ...attribution,
      },
      proof: {
        label: `session ${sessionId}`,
        token: { sub, sessionId, issuedAt: revokedAt, authTime: after, expiresAt: revokedAt + lifetime },
      },
    });
  if (originJti) {
    const lastIssuance = familyRevoked ? revokedAt : revokedAt + policy.refreshTokenLifetimeSeconds;
    out.push({
      entry: {
        sub,
        scope: 'origin',
        id: originJti,
        revokedAt,
        expiresAt: originRevocationExpiry(revokedAt, policy, { refreshTokensRevoked: familyRevoked }),
        ...attribution,
      },
      proof: {
        label: `refresh-token family ${originJti}`,
        token: {
          sub,
          originJti,
          issuedAt: lastIssuance,
          authTime: after,
          expiresAt: lastIssuance + lifetime,
        },
      },
    });
  }
  if (jti)
    out.push({
      entry: {
        sub,
        scope: 'token',
        id: jti,
        revokedAt,
        expiresAt: tokenRevocationExpiry(revokedAt, policy, exp),
        ...attribution,
      },
      proof: {
        label: `token ${jti}`,
        token: { sub, jti, issuedAt: revokedAt, authTime: after, expiresAt: exp ?? revokedAt + lifetime },
      },
    });
  return out;
}

/** What a logout's writes changed (the watermark of "everywhere" always moves): what the propagation announces. */
function logoutChange(
  written: readonly RevocationKey[],
  everywhere: boolean,
  unchanged: readonly RevocationKey[] = [],
  extended: readonly RevocationKey[] = [],
): RevocationChange {
  const among = (list: readonly RevocationKey[], e: RevocationKey) => list.some((k) => sameKey(k, e));
  if (everywhere || written.some((e) => !among(unchanged, e) && !among(extended, e))) return 'revoked';
  return written.some((e) => among(extended, e)) ? 'extended' : 'nothing';
}

async function logoutOnce(
  ctx: RevocationContext<LogoutDeps>,
  input: LogoutInput,
  signal: AbortSignal,
): Promise<LogoutResult> {
  const revokedAt = nowSeconds(ctx);
  const { sub } = input.actor;
  const cognito = await atCognito(ctx, input);
  const familyRevoked = cognito.revokeToken?.done === true || cognito.globalSignOut?.done === true;
  const own = ownEntries(ctx, input, revokedAt, familyRevoked);
  const entries = own.map((o) => o.entry);
  const missing: string[] = [];
  let returnedUnwritten: RevocationKey[] = [];
  let unchanged: readonly RevocationKey[] | undefined;
  let extended: readonly RevocationKey[] | undefined;
  if (entries.length) {
    try {
      ({
        unwritten: returnedUnwritten,
        unchanged,
        extended,
      } = await ctx.deps.writer.revoke(entries, { signal }));
    } catch (error) {
      returnedUnwritten = entries.map((e) => ({ sub, scope: e.scope, id: e.id }));
      missing.push(`session revocations not written: ${describe(error)}`);
    }
  } else if (!input.everywhere)
    missing.push('the token names no session, refresh family or token id to revoke');
  // Everywhere: the user watermark and the sessions, as a signout does.
  let everywhere: EverywhereWrites | undefined;
  if (input.everywhere)
    everywhere = await writeEverywhere(
      ctx,
      sub,
      revokedAt,
      { revoked: cognito.globalSignOut?.done === true, diedAt: revokedAt },
      { actor: actorName(input.actor), reason: actorReason(input.actor, true) },
      signal,
    );
  // Announced only when a write returned: a logout that changed nothing has nothing to propagate.
  const changed =
    entries.length > returnedUnwritten.length || (everywhere !== undefined && !everywhere.watermarkError);
  // What the writes changed decides what is announced: nothing (a replayed logout) announces nothing, an entry only
  // extended needs the hint but no flush.
  const change = logoutChange(
    entries.filter((e) => !returnedUnwritten.some((u) => sameKey(u, e))),
    everywhere !== undefined,
    unchanged,
    extended,
  );
  const report = changed && change !== 'nothing' ? await announce(ctx, sub, signal, change) : undefined;
  const proofs = [...own.map((o) => o.proof), ...(everywhere?.proofs ?? [])];
  const outcome = proofs.length ? await readBack(ctx, sub, proofs) : undefined;
  const proven = own.map((_, i) => outcome?.proven[i] === true);
  const revoked = entries.filter((_, i) => proven[i]);
  const unwritten = entries.filter((_, i) => !proven[i]).map((e) => ({ sub, scope: e.scope, id: e.id }));
  if (unwritten.length && !missing.length)
    missing.push(`${unwritten.length} of ${entries.length} revocations were not written`);
  let watermark: WatermarkReport | undefined;
  if (everywhere && outcome) {
    const settled = provenEverywhere(everywhere, outcome, outcome.proven.slice(own.length));
    watermark = settled.watermark;
    missing.push(...everywhereProblems(settled.watermark, settled.sessions));
  }
  const unproven = readBackProblem(outcome?.report);
  if (unproven) missing.push(unproven);
  const propagationError = propagationProblem(report);
  if (propagationError) missing.push(propagationError);
  ctx.metrics.add(
    'revocations_written',
    revoked.filter((e) => !returnedUnwritten.some((u) => sameKey(u, e))).length,
  );
  return {
    ok: missing.length === 0,
    operation: 'logout',
    user: { sub },
    everywhere: input.everywhere,
    revoked: revoked.map((e) => ({ scope: e.scope, id: e.id, expiresAt: e.expiresAt })),
    unwritten,
    cognito,
    ...(watermark ? { watermark } : {}),
    ...(report ? { propagation: report } : {}),
    ...(outcome ? { readBack: outcome.report } : {}),
    ...(missing.length ? { error: { code: 'incomplete' as const, message: missing.join('; ') } } : {}),
  };
}

/** Never throws; never logs the tokens it was given. */
export function logout(
  ctx: RevocationContext<LogoutDeps>,
  input: LogoutInput,
  limits: InvocationLimits = {},
): Promise<LogoutResult | FailedResult> {
  return runOperation(
    ctx,
    { operation: 'logout', actor: actorName(input.actor), user: { sub: input.actor.sub }, limits },
    (signal) => logoutOnce(ctx, input, signal),
  );
}
