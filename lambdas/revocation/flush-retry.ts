/**
 * One flush of one stage, retried while API Gateway throttles (429) or fails (5xx, timeouts, network errors), with
 * full-jitter exponential backoff, and never past the caller's deadline. Throttling means the account's management
 * budget (10 requests per second, burst 40, shared with deployments and Terraform) is spent: backing off with
 * jitter spreads the retries of every caller instead of lining them up on the same instant.
 */
import {
  type AuthorizerCacheFlusher,
  FlushError,
  type FlushTarget,
} from '../adapters/apigateway/authorizer-cache.js';

export interface FlushRetryOptions {
  /** Upper bound of the first backoff (default 200 ms); doubled per attempt up to `capMs`. */
  readonly baseMs?: number;
  /** Largest backoff (default 2000 ms). */
  readonly capMs?: number;
  /** Calls per flush at most (default 4): bounds what one flush can take from the shared budget. */
  readonly maxAttempts?: number;
  /** Shortest time worth starting an attempt with (default 300 ms): below it the attempt is not made. */
  readonly minAttemptMs?: number;
  readonly random?: () => number;
}

export type FlushOutcome =
  | { readonly ok: true; readonly attempts: number }
  | { readonly ok: false; readonly attempts: number; readonly error: string; readonly final: boolean };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export function createRetryingFlush(flusher: AuthorizerCacheFlusher, options: FlushRetryOptions = {}) {
  const baseMs = options.baseMs ?? 200;
  const capMs = options.capMs ?? 2000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const minAttemptMs = options.minAttemptMs ?? 300;
  const random = options.random ?? Math.random;

  /** Flushes `target`; `deadlineAt` is a `performance.now()` instant after which no attempt starts. */
  return async function flushWithRetry(
    target: FlushTarget,
    deadlineAt: number,
    signal?: AbortSignal,
  ): Promise<FlushOutcome> {
    let lastError = 'deadline passed before the first attempt';
    let made = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const left = deadlineAt - performance.now();
      if (signal?.aborted || left < minAttemptMs)
        return { ok: false, attempts: made, error: lastError, final: false };
      const attemptSignal = signal
        ? AbortSignal.any([signal, AbortSignal.timeout(Math.floor(left))])
        : AbortSignal.timeout(Math.floor(left));
      made++;
      try {
        await flusher.flush(target, attemptSignal);
        return { ok: true, attempts: attempt };
      } catch (error) {
        const retryable = error instanceof FlushError ? error.retryable : false;
        lastError = (error instanceof Error ? error.message : String(error)).slice(0, 300);
        if (!retryable) return { ok: false, attempts: attempt, error: lastError, final: true };
      }
      if (attempt === maxAttempts) break;
      const backoff = random() * Math.min(capMs, baseMs * 2 ** (attempt - 1));
      if (performance.now() + backoff + minAttemptMs > deadlineAt) break;
      await sleep(backoff, signal);
    }
    return { ok: false, attempts: made, error: lastError, final: false };
  };
}

export type RetryingFlush = ReturnType<typeof createRetryingFlush>;
