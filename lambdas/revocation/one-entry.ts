/**
 * One entry written, announced and read back — the common tail of revoking one session, family or token. `written`
 * is what the read-back proved, never what the write returned.
 */
import type { DirectoryUser } from '../core/directory.js';
import type { PropagationReport } from '../core/ports.js';
import type { RevocationEntry } from '../core/revocation.js';
import { type AdminError, describe } from './errors.js';
import { announce, propagationProblem, type RevocationContext, type WriteDeps } from './context.js';
import { type Proof, readBack, readBackProblem } from './read-back.js';
import type { ReadBackReport } from './results.js';

export interface OneEntryOutcome {
  readonly written: boolean;
  readonly propagation?: PropagationReport;
  readonly readBack?: ReadBackReport;
  readonly error?: AdminError;
}

export async function writeOneEntry(
  ctx: RevocationContext<WriteDeps>,
  user: DirectoryUser,
  entry: RevocationEntry,
  proof: Proof,
  signal: AbortSignal,
): Promise<OneEntryOutcome> {
  let failure: string | undefined;
  try {
    const { unwritten } = await ctx.deps.writer.revoke([entry], { signal });
    if (unwritten.length) failure = 'DynamoDB did not accept the write before the deadline';
  } catch (error) {
    failure = describe(error);
  }
  // Announced only when the write returned: a revocation that changed nothing has nothing to propagate.
  const propagation = failure ? undefined : await announce(ctx, user.sub, signal);
  const outcome = await readBack(ctx, user.sub, [proof]);
  const written = outcome.proven[0] === true;
  ctx.metrics.add(written ? 'revocations_written' : 'revocations_unwritten', 1);
  const propagationError = propagationProblem(propagation);
  const error: AdminError | undefined = failure
    ? { code: 'store_error', message: `${entry.scope} revocation not written: ${failure}` }
    : !written
      ? { code: 'incomplete', message: readBackProblem(outcome.report) ?? 'not in force at read-back' }
      : propagationError
        ? { code: 'incomplete', message: propagationError }
        : undefined;
  return {
    written,
    ...(propagation ? { propagation } : {}),
    readBack: outcome.report,
    ...(error ? { error } : {}),
  };
}
