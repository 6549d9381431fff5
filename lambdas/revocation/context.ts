/**
 * What every operation is given instead of a closure: its dependencies (the core's ports, each operation naming
 * exactly the ones it uses), the clock, the logger and the metrics. A handler builds one context with the ports its
 * door needs; the type checker refuses an operation whose ports the context lacks.
 */
import type { Logger, Metrics } from '../adapters/observability.js';
import {
  type CognitoSessions,
  DirectoryError,
  type DirectoryUser,
  type UserDirectory,
  type UserTokens,
} from '../core/directory.js';
import type { LifetimePolicy } from '../core/lifetime.js';
import {
  type BlocklistWriter,
  NO_PROPAGATION,
  type PropagationReport,
  type RevocationAuditReader,
  type RevocationChange,
  type RevocationPropagation,
  type RevocationReader,
  type SessionInventory,
} from '../core/ports.js';
import { describe, OperationError } from './errors.js';

export interface RevocationDeps {
  /** The authorizer's own read (the read-back uses it after every write). */
  readonly reader: RevocationReader;
  readonly writer: BlocklistWriter;
  readonly inventory: SessionInventory;
  /** Who revoked and why (admin views); without it the views show no attribution. */
  readonly audit?: RevocationAuditReader | undefined;
  /** Told once after every revoking operation (hints, cache flushes). Default: a no-op reporting ok. */
  readonly propagation?: RevocationPropagation | undefined;
  readonly directory: UserDirectory;
  /** A user's own tokens at Cognito (self-service logout). */
  readonly tokens?: UserTokens | undefined;
  /** Cognito's session management (listing / revoking `tkn…` sessions). */
  readonly cognitoSessions?: CognitoSessions | undefined;
  readonly policy: LifetimePolicy;
}

export interface RevocationContext<D extends keyof RevocationDeps = keyof RevocationDeps> {
  readonly deps: Pick<RevocationDeps, D>;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The ports the read-back and every write need. */
export type WriteDeps = 'reader' | 'writer' | 'policy' | 'propagation';

export interface InvocationLimits {
  /** Epoch ms by which the operation must stop retrying and report (the Lambda's remaining time minus a margin). */
  readonly deadlineAt?: number | undefined;
}

export function nowSeconds(ctx: RevocationContext<never>): number {
  return Math.floor(ctx.clock() / 1000);
}

export const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Resolves a username, alias or sub; an unknown or ambiguous one stops the operation before anything is done. */
export async function resolveUser(
  ctx: RevocationContext<'directory'>,
  user: string,
  signal?: AbortSignal,
): Promise<DirectoryUser> {
  let found: DirectoryUser | undefined;
  try {
    found = await ctx.deps.directory.resolve(user, { signal });
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
export async function announce(
  ctx: RevocationContext<'propagation'>,
  sub: string,
  signal: AbortSignal,
  changed?: RevocationChange,
): Promise<PropagationReport> {
  const propagation = ctx.deps.propagation ?? NO_PROPAGATION;
  try {
    const report = await propagation.announce(sub, { signal, ...(changed ? { changed } : {}) });
    if (!report.ok) ctx.metrics.add('propagation_failed', 1);
    countPropagationFailures(ctx.metrics, report);
    return report;
  } catch (error) {
    ctx.metrics.add('propagation_failed', 1);
    ctx.metrics.add('hint_unwritten', 1);
    return { ok: false, hint: { written: false, error: describe(error) }, flushes: [] };
  }
}

export function propagationProblem(report: PropagationReport | undefined): string | undefined {
  if (!report || report.ok) return undefined;
  const parts: string[] = [];
  if (report.hint && !report.hint.written) parts.push(`hint not written (${report.hint.error ?? 'unknown'})`);
  for (const f of report.flushes)
    if (!f.ok) parts.push(`cache flush of ${f.target} failed (${f.error ?? 'unknown'})`);
  return `the revocation is stored, but its propagation failed: ${parts.join(', ') || 'unknown'}; caches that were not told drop their verdicts within their maximum age`;
}

/** Runs a store call whose failure stops the operation. */
export async function wrapStore<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new OperationError('store_error', describe(error));
  }
}

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
