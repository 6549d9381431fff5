/**
 * Chaining the pool's existing pre-token-generation function. A user pool has one pre-token-generation trigger;
 * a pool that already uses it (custom claims, tenant ids, roles) names that function in
 * `CHAINED_TRIGGER_FUNCTION`, wires this module's trigger instead, and this module's trigger then:
 *
 * 1. invokes the named function (Lambda Invoke, RequestResponse) with the event exactly as Cognito sent it,
 *    within `CHAINED_TRIGGER_TIMEOUT_MS`;
 * 2. runs its own step (session id, session record) on the same event;
 * 3. returns both answers merged (`chain-response.ts`): the chained function wins, except on the session claim.
 *
 * When the chained function fails, times out or answers something that is not an event, the sign-in fails (this
 * function throws), as it would have without this module: its overrides may be what the application relies on
 * (a tenant claim, a suppressed claim, a group override), so issuing tokens without them is not an option. The
 * error Cognito passes to the client names no detail; the log line does.
 *
 * Only `TokenGeneration_*` events are chained (every pre-token-generation source, including ones this module
 * passes through, such as client credentials); a PostAuthentication event wired to this function is not.
 */
import type { Logger, Metrics } from '../adapters/observability.js';
import {
  ChainedAnswerError,
  chainedResponse,
  mergeChainedAnswer,
  touchesSessionClaim,
} from './chain-response.js';
import type { TriggerEvent } from './events.js';

export type TokenTriggerFn = (event: unknown) => Promise<unknown>;

/** Calls the chained function with `event`; resolves with its decoded answer, rejects when it failed. */
export type ChainedInvoke = (event: unknown, signal: AbortSignal) => Promise<unknown>;

export interface ChainConfig {
  readonly functionName: string;
  readonly timeoutMs: number;
}

export class ChainConfigError extends Error {
  override readonly name = 'ChainConfigError';
}

/** Cognito waits 5 s for a trigger in all; this leaves room for this function's own work and a cold start. */
export const MAX_CHAIN_TIMEOUT_MS = 4500;
export const DEFAULT_CHAIN_TIMEOUT_MS = 3000;

// A function name, a partial ARN (account:function:name) or a full ARN, optionally with a version or alias, as
// Lambda's Invoke accepts (FunctionName). Anything else is refused at configuration time.
const FUNCTION_REF =
  /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

const baseName = (ref: string): string => {
  const parts = ref.split(':');
  const i = parts.indexOf('function');
  return i >= 0 ? (parts[i + 1] ?? '') : (parts[0] ?? '');
};

/** Reads the chain settings; `undefined` when no function is named. Throws `ChainConfigError` naming the fault. */
export function readChainConfig(env: NodeJS.ProcessEnv): ChainConfig | undefined {
  const functionName = env.CHAINED_TRIGGER_FUNCTION?.trim() ?? '';
  if (functionName === '') return undefined;
  if (!FUNCTION_REF.test(functionName)) {
    throw new ChainConfigError(
      `CHAINED_TRIGGER_FUNCTION must be a Lambda function name or ARN, got "${functionName.slice(0, 200)}"`,
    );
  }
  const self = env.AWS_LAMBDA_FUNCTION_NAME?.trim();
  if (self && baseName(functionName) === self) {
    throw new ChainConfigError(
      'CHAINED_TRIGGER_FUNCTION names this function itself: it would invoke itself forever',
    );
  }
  const raw = env.CHAINED_TRIGGER_TIMEOUT_MS?.trim();
  const timeoutMs = raw ? Number(raw) : DEFAULT_CHAIN_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > MAX_CHAIN_TIMEOUT_MS) {
    throw new ChainConfigError(
      `CHAINED_TRIGGER_TIMEOUT_MS must be an integer between 100 and ${MAX_CHAIN_TIMEOUT_MS}, got "${raw}"`,
    );
  }
  return { functionName, timeoutMs };
}

/**
 * Lambda Invoke through the AWS SDK. The client module is loaded on first use, so a trigger with no chained
 * function does not pay for evaluating it at cold start (docs/token-trigger.md gives the measured figures).
 */
export function lambdaInvoke(functionName: string): ChainedInvoke {
  let client: import('@aws-sdk/client-lambda').LambdaClient | undefined;
  return async (event, signal) => {
    const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
    // Two attempts (throttling, a 5xx before the function ran) inside the deadline the caller enforces.
    client ??= new LambdaClient({ maxAttempts: 2 });
    const out = await client.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
      { abortSignal: signal },
    );
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    if (out.FunctionError) {
      let detail = '';
      try {
        const error = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
        detail = `${String(error.errorType ?? 'Error')}: ${String(error.errorMessage ?? '')}`.slice(0, 500);
      } catch {
        detail = 'unreadable error payload';
      }
      throw new Error(`the chained function failed (${out.FunctionError}) — ${detail}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ChainedAnswerError('the chained function answered with something that is not JSON');
    }
  };
}

export interface ChainDeps {
  readonly config: ChainConfig;
  readonly invoke: ChainedInvoke;
  readonly claim: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => number;
}

/** The message Cognito hands to the client when the chain fails: deliberately without detail. */
export const CHAIN_FAILURE_MESSAGE = 'pre-token-generation trigger failed';

const isChained = (event: unknown): event is TriggerEvent =>
  typeof event === 'object' &&
  event !== null &&
  typeof (event as { triggerSource?: unknown }).triggerSource === 'string' &&
  (event as { triggerSource: string }).triggerSource.startsWith('TokenGeneration_');

type Attempt = { ok: true; answer: unknown } | { ok: false; kind: 'timeout' | 'failed'; error: unknown };

async function invokeWithin(ms: number, invoke: ChainedInvoke, event: unknown): Promise<Attempt> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Attempt>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, kind: 'timeout', error: new Error(`no answer within ${ms} ms`) });
    }, ms);
  });
  const attempt = invoke(event, controller.signal).then(
    (answer): Attempt => ({ ok: true, answer }),
    (error: unknown): Attempt => ({
      ok: false,
      kind: controller.signal.aborted ? 'timeout' : 'failed',
      error,
    }),
  );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wraps this module's trigger (`own`) so the chained function runs first and both answers are merged. */
export function chainTrigger(own: TokenTriggerFn, deps: ChainDeps): TokenTriggerFn {
  const now = deps.now ?? Date.now;
  const { logger, metrics, claim, config } = deps;
  return async function chainedTokenTrigger(event: unknown): Promise<unknown> {
    if (!isChained(event)) return own(event);
    const started = now();
    const attempt = await invokeWithin(config.timeoutMs, deps.invoke, event);
    metrics.add('chain_ms', now() - started, 'Milliseconds');
    let theirs: Record<string, unknown>;
    try {
      if (!attempt.ok) throw attempt.error;
      theirs = chainedResponse(attempt.answer);
    } catch (error) {
      const kind = attempt.ok ? 'malformed' : attempt.kind;
      metrics.add('chain_failed', 1);
      if (kind === 'timeout') metrics.add('chain_timeout', 1);
      logger.error('chained trigger failed; sign-in refused', {
        chainedFunction: config.functionName,
        failure: kind,
        error,
        triggerSource: event.triggerSource,
      });
      metrics.flush({ triggerSource: String(event.triggerSource) });
      throw new Error(CHAIN_FAILURE_MESSAGE);
    }
    if (touchesSessionClaim(theirs, claim)) {
      metrics.add('chain_session_claim_ignored', 1);
      logger.warn('chained trigger set or suppressed the session claim; ignored', {
        chainedFunction: config.functionName,
        claim,
      });
    }
    // `own` flushes the metrics added above with its own, as one EMF line.
    let ours: unknown;
    try {
      ours = await own(event);
    } catch (error) {
      // `own` never throws by design; should it, the chained answer alone still lets the sign-in proceed.
      logger.error('token trigger failed; the chained answer is returned alone', { error });
      ours = event;
    }
    return mergeChainedAnswer(event, ours, theirs, claim);
  };
}

/**
 * The handler's wrapping step: `own` unchanged when no function is chained; otherwise the chain. When the chain
 * settings are invalid, pre-token-generation events are refused (the sign-in fails) rather than issuing tokens
 * without the chained function's overrides; the error is logged and counted as `config_error` on each one.
 */
export function withChainedTrigger(
  env: NodeJS.ProcessEnv,
  own: TokenTriggerFn,
  deps: { logger: Logger; metrics: Metrics; claim?: string; invoke?: ChainedInvoke },
): TokenTriggerFn {
  let config: ChainConfig | undefined;
  try {
    config = readChainConfig(env);
  } catch (error) {
    return async (event) => {
      if (!isChained(event)) return own(event);
      deps.logger.error('misconfigured chained trigger: sign-in refused', { error });
      deps.metrics.add('config_error', 1);
      deps.metrics.flush();
      throw new Error(CHAIN_FAILURE_MESSAGE);
    };
  }
  if (!config) return own;
  return chainTrigger(own, {
    config,
    invoke: deps.invoke ?? lambdaInvoke(config.functionName),
    claim: deps.claim ?? (env.SESSION_CLAIM?.trim() || 'revocation_sid'),
    logger: deps.logger,
    metrics: deps.metrics,
  });
}
