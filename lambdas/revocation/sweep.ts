/**
 * The revocation sweep: a pass over (1) the users the pool reports disabled and (2) the users with live recorded
 * sessions who no longer exist, each revoked through the ordinary `revokeUser` path. A pass may take several runs:
 *
 * - **It resumes.** The position (phase, page, entries of the page done) is stored in the table after every step
 *   (`sweep-cursor.ts`); the next run continues from there. A step is one page of users (or a batch of a page):
 *   fetched, checked, revoked, and only then recorded. A step cut short by the deadline is not recorded, so the
 *   next run does it again — revocations are idempotent (`unlessRevokedSince`), nothing is skipped.
 * - **It stops at the deadline.** No step starts when the slowest step of this run would not end before it; the
 *   result then says `incomplete: true`, `ok: false`, and what is left (`remaining`).
 * - **`ok: true` only for a finished pass in which every revocation was proven** (`revokeUser` answered ok). A
 *   revocation that failed is counted in the pass (`cursor.passFailures`) and the pass ends `ok: false`; the next
 *   pass tries it again.
 * - **Two overlapping runs** (a slow run and the next scheduled one) cannot corrupt the position: each write is
 *   conditional on the version read. The run that loses stops with `incomplete: true` and says so; the work it
 *   did twice was idempotent.
 */
import type { DisabledUser } from '../core/directory.js';
import type { Logger, Metrics } from '../adapters/observability.js';
import type { SweepCursor, SweepCursorStore } from '../adapters/dynamodb/sweep-cursor.js';
import { StalePageError, type SweepOwner } from '../adapters/cognito/sweep-directory.js';
import { type SweepResult, sweepReport, type Tally } from './sweep-result.js';

export type { SweepResult } from './sweep-result.js';

/** What the sweep asks of `revokeUser` (a subset of its request). */
export interface SweepRevokeRequest {
  readonly sub: string;
  readonly cognitoSignOut: 'call' | 'gone';
  readonly unlessRevokedSince: number;
  readonly actor: 'sweep';
  readonly reason: string;
}
export type SweepRevoke = (
  request: SweepRevokeRequest,
  limits: { deadlineAt?: number },
) => Promise<{
  readonly ok: boolean;
  readonly skipped?: string;
  readonly error?: { readonly message: string };
}>;

export interface SweepDeps {
  readonly cursor: SweepCursorStore;
  readonly directory: {
    disabledPage(
      page: string | undefined,
      limit: number,
      signal?: AbortSignal,
    ): Promise<{ users: DisabledUser[]; next?: string }>;
    whichGone(
      owners: readonly SweepOwner[],
      signal?: AbortSignal,
    ): Promise<{ gone: SweepOwner[]; failures: { sub: string; error: string }[] }>;
  };
  readonly owners: {
    page(
      nowSeconds: number,
      page: string | undefined,
      limit: number,
      signal?: AbortSignal,
    ): Promise<{ owners: SweepOwner[]; next?: string }>;
  };
  readonly revokeUser: SweepRevoke;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Token lifetime + clock skew: a user disabled longer ago than this has no token left. */
  readonly horizonSeconds: number;
  /** Users per step (and per ListUsers page, at most 60). Default 60. */
  readonly batchSize?: number;
  /** Items the session-record Scan evaluates per page. Default 1,000. */
  readonly scanLimit?: number;
}

export interface SweepLimits {
  /** Epoch ms after which no step starts (the Lambda's remaining time minus the reporting margin). */
  readonly deadlineAt?: number;
  /** Epoch ms after which the calls of a running step are aborted (the Lambda's end minus a smaller margin). */
  readonly callDeadlineAt?: number;
}

interface StepOutcome {
  readonly next: SweepCursor;
  readonly failures: number;
  readonly passDone: boolean;
  /** The deadline cut the step: it is not recorded. */
  readonly interrupted: boolean;
}

const DEFAULT_BUDGET_MS = 25_000;

/** The state of one run, shared by its steps. */
interface RunContext {
  readonly deps: SweepDeps;
  readonly nowSeconds: number;
  readonly callDeadline: number;
  readonly batch: number;
  readonly scanLimit: number;
  readonly disabled: Tally;
  readonly deleted: Tally;
  readonly failures: { sub: string; error: string }[];
  /** Pages read in this run, by position: a page worked on in several steps is read once. */
  readonly pages: Map<string, unknown>;
  /** The disabled phase was restarted once in this run (a second refused position is an error, not a loop). */
  restarted?: boolean;
}

async function revoke(ctx: RunContext, tally: Tally, request: SweepRevokeRequest): Promise<boolean> {
  const result = await ctx.deps.revokeUser(request, { deadlineAt: ctx.callDeadline });
  if (!result.ok) {
    ctx.failures.push({ sub: request.sub, error: result.error?.message ?? 'failed' });
    return false;
  }
  if (result.skipped) tally.skipped++;
  else tally.revoked++;
  return true;
}

async function disabledStep(ctx: RunContext, at: SweepCursor, signal: AbortSignal): Promise<StepOutcome> {
  const { deps, batch, disabled, nowSeconds } = ctx;
  const cacheKey = `d:${at.page ?? ''}`;
  let page = ctx.pages.get(cacheKey) as { users: DisabledUser[]; next?: string } | undefined;
  if (!page) {
    try {
      page = await deps.directory.disabledPage(at.page, batch, signal);
    } catch (error) {
      if (!(error instanceof StalePageError) || ctx.restarted) throw error;
      ctx.restarted = true;
      deps.logger.warn('sweep: stored ListUsers position refused; the disabled-user phase starts over', {});
      return {
        next: { ...at, page: undefined, offset: 0 },
        failures: 0,
        passDone: false,
        interrupted: false,
      };
    }
    ctx.pages.set(cacheKey, page);
  }
  const users = page.users.slice(at.offset, at.offset + batch);
  let failed = 0;
  for (const u of users) {
    disabled.seen++;
    // Disabled users cannot sign in or refresh: one disabled longer than a token lifetime ago has no token left.
    if (u.lastModifiedAt !== undefined && u.lastModifiedAt + deps.horizonSeconds < nowSeconds) {
      disabled.skipped++;
      continue;
    }
    const ok = await revoke(ctx, disabled, {
      sub: u.sub,
      cognitoSignOut: 'call',
      unlessRevokedSince: u.lastModifiedAt ?? 0,
      actor: 'sweep',
      reason: 'sweep: the user is disabled in the user pool',
    });
    if (!ok) failed++;
  }
  const offset = at.offset + users.length;
  const next: SweepCursor =
    offset < page.users.length
      ? { ...at, offset }
      : page.next
        ? { ...at, page: page.next, offset: 0 }
        : { ...at, phase: 'deleted', page: undefined, offset: 0 };
  return {
    next,
    failures: failed,
    passDone: false,
    interrupted: failed > 0 && ctx.deps.now() >= ctx.callDeadline,
  };
}

async function deletedStep(ctx: RunContext, at: SweepCursor, signal: AbortSignal): Promise<StepOutcome> {
  const { deps, batch, deleted } = ctx;
  const cacheKey = `s:${at.page ?? ''}`;
  let page = ctx.pages.get(cacheKey) as { owners: SweepOwner[]; next?: string } | undefined;
  if (!page) {
    page = await deps.owners.page(ctx.nowSeconds, at.page, ctx.scanLimit, signal);
    ctx.pages.set(cacheKey, page);
  }
  const owners = page.owners.slice(at.offset, at.offset + batch);
  const checked = await deps.directory.whichGone(owners, signal);
  ctx.failures.push(...checked.failures);
  let failed = checked.failures.length;
  for (const owner of checked.gone) {
    deleted.seen++;
    const ok = await revoke(ctx, deleted, {
      sub: owner.sub,
      cognitoSignOut: 'gone',
      unlessRevokedSince: owner.latestIssuedAt,
      actor: 'sweep',
      reason: 'sweep: the user no longer exists in the user pool',
    });
    if (!ok) failed++;
  }
  const offset = at.offset + owners.length;
  const atEnd = offset >= page.owners.length && !page.next;
  const next: SweepCursor =
    offset < page.owners.length ? { ...at, offset } : { ...at, page: page.next, offset: 0 };
  return {
    next,
    failures: failed,
    passDone: atEnd,
    interrupted: failed > 0 && ctx.deps.now() >= ctx.callDeadline,
  };
}

export type Stop = { why: string; code?: 'store_error' | 'directory_error' };

/** Runs one step and records it; answers the new position, or why the run stops. */
async function stepAndRecord(
  ctx: RunContext,
  position: SweepCursor,
  version: number,
): Promise<{ stop: Stop } | { next: SweepCursor; passDone: boolean; passFailures: number }> {
  const { deps } = ctx;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, ctx.callDeadline - deps.now()));
  let outcome: StepOutcome;
  try {
    outcome =
      position.phase === 'disabled'
        ? await disabledStep(ctx, position, controller.signal)
        : await deletedStep(ctx, position, controller.signal);
  } catch (error) {
    if (controller.signal.aborted)
      return { stop: { why: 'the deadline cut a page read; it is read again next run' } };
    const what = position.phase === 'disabled' ? 'disabled users' : 'session records';
    const message = error instanceof Error ? error.message : String(error);
    return {
      stop: {
        why: `reading the ${what} failed: ${message}`,
        code: position.phase === 'disabled' ? 'directory_error' : 'store_error',
      },
    };
  } finally {
    clearTimeout(timer);
  }
  // Failures caused by the deadline: the step is done again next run rather than counted against the pass.
  if (outcome.interrupted) return { stop: { why: 'the deadline cut a step; it is done again next run' } };
  const passFailures = position.passFailures + outcome.failures;
  const nowSeconds = Math.floor(deps.now() / 1000);
  const next: SweepCursor = outcome.passDone
    ? {
        version,
        phase: 'disabled',
        offset: 0,
        passRuns: 0,
        passFailures: 0,
        lastCompleted: {
          startedAt: position.passStartedAt ?? nowSeconds,
          finishedAt: nowSeconds,
          failures: passFailures,
        },
      }
    : { ...outcome.next, passFailures };
  let written: 'written' | 'conflict';
  try {
    written = await deps.cursor.write(next, version, { nowSeconds });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { stop: { why: `recording the position failed: ${message}`, code: 'store_error' } };
  }
  if (written === 'conflict')
    return {
      stop: {
        why: 'another sweep run moved the stored position (overlapping runs); this run leaves it as it is',
      },
    };
  return { next, passDone: outcome.passDone, passFailures };
}

export async function runSweep(deps: SweepDeps, limits: SweepLimits = {}): Promise<SweepResult> {
  const { now } = deps;
  const stopAt = limits.deadlineAt ?? now() + DEFAULT_BUDGET_MS;
  const ctx: RunContext = {
    deps,
    nowSeconds: Math.floor(now() / 1000),
    callDeadline: Math.max(stopAt, limits.callDeadlineAt ?? stopAt),
    batch: Math.max(1, Math.floor(deps.batchSize ?? 60)),
    scanLimit: Math.max(1, Math.floor(deps.scanLimit ?? 1000)),
    disabled: { seen: 0, revoked: 0, skipped: 0 },
    deleted: { seen: 0, revoked: 0, skipped: 0 },
    failures: [],
    pages: new Map(),
  };
  const stored = await deps.cursor.read();
  let version = stored.version;
  let position: SweepCursor =
    stored.passStartedAt === undefined
      ? {
          ...stored,
          phase: 'disabled',
          page: undefined,
          offset: 0,
          passStartedAt: ctx.nowSeconds,
          passRuns: 1,
          passFailures: 0,
        }
      : { ...stored, passRuns: stored.passRuns + 1 };
  let steps = 0;
  let slowest = 0;
  let stop: Stop | undefined;
  let complete = false;
  while (!stop && !complete) {
    const started = now();
    // Never start a step that the slowest one so far says would not end before the deadline. The first step of a
    // run starts whenever its calls still have time: every run must make progress, however short.
    if (started >= ctx.callDeadline || (steps > 0 && (started >= stopAt || started + slowest > stopAt))) {
      stop = { why: 'the deadline: the next step would not end before it' };
      break;
    }
    const step = await stepAndRecord(ctx, position, version);
    if ('stop' in step) {
      stop = step.stop;
      break;
    }
    version++;
    steps++;
    slowest = Math.max(slowest, now() - started);
    if (step.passDone) {
      complete = true;
      position = { ...position, passFailures: step.passFailures };
    } else position = step.next;
  }
  const { disabled, deleted, failures } = ctx;
  const current = ctx.pages.get(`${position.phase === 'disabled' ? 'd' : 's'}:${position.page ?? ''}`) as
    | { users?: unknown[]; owners?: unknown[] }
    | undefined;
  const pageLength = (current?.users ?? current?.owners)?.length;
  return sweepReport({
    pageLength,
    metrics: deps.metrics,
    complete,
    stop,
    position,
    version,
    steps,
    disabled,
    deleted,
    failures,
  });
}
