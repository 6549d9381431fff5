/**
 * The one wrapper every operation runs in: a deadline signal for its store calls, the mapping of a thrown error to a
 * `{ ok: false, error }` result, one metric and one audit line ("admin operation") per call. An operation run here
 * never throws.
 */
import { errorCode } from './errors.js';
import type { InvocationLimits, RevocationContext } from './context.js';
import type { AdminResult, FailedResult } from './results.js';

/** Used when the caller gives no deadline (tests, local runs). */
const DEFAULT_BUDGET_MS = 25_000;

/** The operation name of a request that names none (an unparseable admin request): kept out of its result. */
export const UNNAMED = 'invalid';

export interface RunSpec {
  /** The operation's name, in the result of a failure, the metric and the audit line. */
  readonly operation: string;
  readonly actor?: string | undefined;
  readonly reason?: string | undefined;
  /** Who the request named, for the audit line when the result names no user. */
  readonly user?: unknown;
  readonly limits?: InvocationLimits | undefined;
}

/** Fields of a result that go into the audit line as they are. */
const AUDITED = [
  'skipped',
  'watermark',
  'revoked',
  'revocation',
  'matched',
  'cognito',
  'disabled',
  'deleted',
  'failures',
  'everywhere',
  'counts',
  'scope',
  'readBack',
  'propagation',
  'error',
] as const;

function auditFields(spec: RunSpec, result: AdminResult, elapsedMs: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    audit: true,
    operation: spec.operation,
    ok: result.ok,
    elapsedMs,
  };
  if (spec.actor) fields.actor = spec.actor;
  if (spec.reason) fields.reason = spec.reason;
  if ('user' in result) fields.user = result.user;
  else if (spec.user) fields.user = spec.user;
  const record = result as unknown as Record<string, unknown>;
  const cognitoSignOut = record.cognitoSignOut as { done?: boolean } | undefined;
  if (cognitoSignOut) fields.cognitoSignOut = cognitoSignOut.done === true;
  const sessions = record.sessions as
    | { outstanding: number; revoked: number; window: number; unwritten: unknown[]; unmarked: unknown[] }
    | undefined;
  if (sessions && !Array.isArray(sessions)) {
    fields.sessionsOutstanding = sessions.outstanding;
    fields.sessionsRevoked = sessions.revoked;
    fields.sessionsWindow = sessions.window;
    fields.sessionsUnwritten = sessions.unwritten.length;
    fields.sessionsUnmarked = sessions.unmarked.length;
  }
  for (const key of AUDITED) if (key in record) fields[key] = record[key];
  return fields;
}

export async function runOperation<R extends AdminResult>(
  ctx: RevocationContext<never>,
  spec: RunSpec,
  body: (signal: AbortSignal) => Promise<R>,
): Promise<R | FailedResult> {
  const started = ctx.clock();
  const controller = new AbortController();
  const budget = Math.max(0, (spec.limits?.deadlineAt ?? started + DEFAULT_BUDGET_MS) - started);
  const timer = setTimeout(() => controller.abort(), budget);
  let result: R | FailedResult;
  try {
    result = await body(controller.signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const named = spec.operation !== UNNAMED ? { operation: spec.operation } : {};
    result = { ok: false, ...named, error: { code: errorCode(error), message } };
  } finally {
    clearTimeout(timer);
  }
  ctx.metrics.add(`${result.ok ? 'ok' : 'failed'}_${spec.operation}`, 1);
  (result.ok ? ctx.logger.info : ctx.logger.warn)(
    'admin operation',
    auditFields(spec, result, ctx.clock() - started),
  );
  ctx.metrics.flush();
  return result;
}
