/**
 * The sweep's result and how a run's state becomes one. Which fields are proven is stated on `SweepResult`.
 */
import type { SweepCursor, SweepPhase } from '../adapters/dynamodb/sweep-cursor.js';
import type { Metrics } from '../adapters/observability.js';

export type Tally = { seen: number; revoked: number; skipped: number };

/**
 * `sweep`. Proven fields: `ok` (the pass finished in this run and every revocation of the pass answered ok, each
 * proven by `revokeUser`'s own read-back), `disabled.revoked` / `deleted.revoked` (revocations that answered ok).
 * Reported, not proven: `seen`, `skipped` (a covering watermark was read), `remaining` (what the position says).
 */
export interface SweepResult {
  readonly ok: boolean;
  readonly operation: 'sweep';
  /** Counts of this run. */
  readonly disabled: Tally;
  readonly deleted: Tally;
  readonly failures: { readonly sub: string; readonly error: string }[];
  /** True when this run ended before its pass did (deadline, a lost race for the position, a failed page read). */
  readonly incomplete: boolean;
  /** What is left of the pass, as far as the position knows (Cognito and DynamoDB give no count of pages left). */
  readonly remaining?: {
    readonly phase: SweepPhase;
    readonly phasesLeft: readonly SweepPhase[];
    readonly pageStarted: boolean;
    readonly offsetInPage: number;
    /** Users (or owners) of the current page not done yet, when this run read that page. */
    readonly leftInPage?: number;
    readonly pagesLeft: 'unknown';
    readonly why: string;
  };
  /** The stored position after this run (the page token itself is not reported). */
  readonly cursor: {
    readonly version: number;
    readonly phase: SweepPhase;
    readonly passStartedAt?: number;
    readonly passRuns: number;
    readonly passFailures: number;
    readonly stepsThisRun: number;
  };
  readonly error?: {
    readonly code: 'incomplete' | 'store_error' | 'directory_error';
    readonly message: string;
  };
}

export function sweepReport(r: {
  metrics: Metrics;
  complete: boolean;
  stop: { why: string; code?: 'store_error' | 'directory_error' } | undefined;
  position: SweepCursor;
  version: number;
  steps: number;
  disabled: Tally;
  deleted: Tally;
  failures: { sub: string; error: string }[];
  /** Entries of the page at the stored position, when this run read it. */
  pageLength?: number | undefined;
}): SweepResult {
  const { complete, stop, position } = r;
  const ok = complete && position.passFailures === 0;
  r.metrics.add('sweep_steps', r.steps);
  r.metrics.add(complete ? 'sweep_pass_complete' : 'sweep_incomplete', 1);
  const phasesLeft: SweepPhase[] = position.phase === 'disabled' ? ['disabled', 'deleted'] : ['deleted'];
  const message = complete
    ? position.passFailures
      ? `the pass finished with ${position.passFailures} revocations not proven; the next pass retries them`
      : undefined
    : `the pass is not finished (stopped by ${stop?.why ?? 'unknown'}); the next run continues from the stored position`;
  return {
    ok,
    operation: 'sweep',
    disabled: r.disabled,
    deleted: r.deleted,
    failures: r.failures,
    incomplete: !complete,
    ...(complete
      ? {}
      : {
          remaining: {
            phase: position.phase,
            phasesLeft,
            pageStarted: position.page !== undefined || position.offset > 0,
            offsetInPage: position.offset,
            ...(r.pageLength !== undefined
              ? { leftInPage: Math.max(0, r.pageLength - position.offset) }
              : {}),
            pagesLeft: 'unknown' as const,
            why: stop?.why ?? 'unknown',
          },
        }),
    cursor: {
      version: r.version,
      phase: complete ? 'disabled' : position.phase,
      ...(complete || position.passStartedAt === undefined ? {} : { passStartedAt: position.passStartedAt }),
      passRuns: complete ? 0 : position.passRuns,
      passFailures: complete ? 0 : position.passFailures,
      stepsThisRun: r.steps,
    },
    ...(message ? { error: { code: stop?.code ?? ('incomplete' as const), message } } : {}),
  };
}
