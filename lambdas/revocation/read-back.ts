/**
 * "ok means in force": after its writes, every revoking operation reads the user's revocation range back — one
 * strongly consistent Query through the `RevocationReader` port, the same read (`userRevocationsQuery`) the
 * authorizer makes — and runs the authorizer's own `decide` on the tokens the revocation must refuse. A write that
 * returned proves nothing: a conditional write may have kept a stronger entry that has since been replaced, a
 * later writer may have superseded it, an entry may be stored already expired (an old event replayed), or the
 * table may have answered for another region's copy. Only what this read shows counts.
 *
 * A revocation is proven when, for each token it must refuse (`Proof.token`: the ids involved, or for a user-wide
 * revocation a token authenticated at the watermark and issued at the latest instant the entry must cover), `decide`
 * says revoked now AND at that token's expiry — so the entry outlives the latest token it revokes. A token already
 * expired needs no proof (the authorizer refuses it whatever the table says).
 */
import type { RevocationEntry } from '../core/revocation.js';
import { decide } from '../core/revocation.js';
import type { TokenFacts } from '../core/token.js';
import { describe } from './errors.js';
import { iso, nowSeconds, type RevocationContext } from './context.js';
import type { ReadBackReport } from './results.js';

/**
 * The read-back's own budget. It runs after the operation's writes, possibly after the operation's deadline fired
 * (writes retried until then): it gets a fresh, short budget that fits in the time every handler keeps back past
 * that deadline to report (at least 1 s), so a result is still proven — or says it could not be.
 */
export const READ_BACK_BUDGET_MS = 800;

export interface Proof {
  /** What the proof is about, for the `missing` sentence (e.g. "session 3f2a…", "the user watermark"). */
  readonly label: string;
  /** A token the revocation must refuse, with the latest `expiresAt` such a token can have. */
  readonly token: TokenFacts;
}

export interface ReadBackOutcome {
  readonly report: ReadBackReport;
  /** Per proof (same order): proven in force. */
  readonly proven: readonly boolean[];
  /** The entries read (empty when the read failed). */
  readonly entries: readonly RevocationEntry[];
}

/** Why one proof fails against the entries read, or undefined when it holds. */
function check(proof: Proof, entries: readonly RevocationEntry[], now: number): string | undefined {
  const { token } = proof;
  if (token.expiresAt < now) return undefined;
  const atNow = decide(token, entries, now);
  if (!atNow.revoked) return `${proof.label}: no entry in force revokes it`;
  const atExpiry = decide(token, entries, token.expiresAt);
  if (!atExpiry.revoked)
    return `${proof.label}: the entry expires at ${iso(atNow.entry.expiresAt)}, before a token it must refuse (valid until ${iso(token.expiresAt)})`;
  return undefined;
}

/** Reads the user's range back once and checks every proof. Never throws: a failed read proves nothing. */
export async function readBack(
  ctx: RevocationContext<'reader'>,
  sub: string,
  proofs: readonly Proof[],
): Promise<ReadBackOutcome> {
  const readAt = nowSeconds(ctx);
  const live = proofs.filter((p) => p.token.expiresAt >= readAt);
  const latest = live.length ? Math.max(...live.map((p) => p.token.expiresAt)) : undefined;
  let entries: RevocationEntry[];
  try {
    entries = await ctx.deps.reader.readUser(sub, { signal: AbortSignal.timeout(READ_BACK_BUDGET_MS) });
  } catch (error) {
    ctx.metrics.add('read_back_failed', 1);
    const proven = proofs.map((p) => p.token.expiresAt < readAt);
    return {
      report: {
        inForce: live.length === 0,
        readAt,
        missing: live.length ? [`could not read the revocations back: ${describe(error)}`] : [],
        ...(latest !== undefined ? { exposedUntil: latest } : {}),
      },
      proven,
      entries: [],
    };
  }
  const problems = proofs.map((p) => check(p, entries, readAt));
  const missing = problems.filter((m): m is string => m !== undefined);
  const exposed = proofs.filter((_, i) => problems[i] !== undefined).map((p) => p.token.expiresAt);
  if (missing.length) ctx.metrics.add('read_back_unproven', missing.length);
  return {
    report: {
      inForce: missing.length === 0,
      readAt,
      missing,
      ...(exposed.length ? { exposedUntil: Math.max(...exposed) } : {}),
    },
    proven: problems.map((m) => m === undefined),
    entries,
  };
}

/** The sentence for a result's error when the read-back did not prove the revocation. */
export function readBackProblem(report: ReadBackReport | undefined): string | undefined {
  if (!report || report.inForce) return undefined;
  const until = report.exposedUntil !== undefined ? `; exposed until ${iso(report.exposedUntil)}` : '';
  return `not proven in force by the read-back: ${report.missing.join('; ')}${until}`;
}
