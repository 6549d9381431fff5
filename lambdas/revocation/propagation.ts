/**
 * What every revoking function does after a revocation so that caches let go of it (docs/caching.md):
 * 1. publishes a revocation hint for the user (authorizer containers in staleness mode drop the user at their next
 *    poll), and
 * 2. gets the authorizer result cache of every configured API Gateway stage flushed — through the flush coordinator
 *    (flush-coordinator.ts), which shares flushes among all revocations of all functions and containers: covered
 *    means a flush that started after the write, and another that started once the settle time had passed (a
 *    decision whose read began before the revocation can still be answering — and be cached — while the first
 *    flush runs; it ends at most its store deadline, 800 ms by default, after its read began).
 *
 * What changed decides what is announced: nothing (every entry was already stored at least as strong) → nothing;
 * only entries already in force were extended → the hint alone (no cached allow of API Gateway can be denied by an
 * entry that was in force already, but a staleness-mode container may hold the entry's old expiry); otherwise both.
 *
 * Never throws: the report says what was done; `ok` only when the hint was written and every stage is covered.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HintPublisher } from '../core/hints.js';
import { NO_PROPAGATION, type PropagationReport, type RevocationPropagation } from '../core/ports.js';
import type { FlushLeaseStore } from '../core/flush-lease.js';
import {
  type AuthorizerCacheFlusher,
  createSignedFlusher,
  type FlushTarget,
  flusherOptionsFromEnv,
} from '../adapters/apigateway/authorizer-cache.js';
import { createSdkFlushLeaseStore } from '../adapters/dynamodb/flush-lease.js';
import { createSdkHintStore } from '../adapters/dynamodb/hint-publisher.js';
import { createFlushCoordinator, type FlushCoordinatorOptions } from './flush-coordinator.js';
import { createRetryingFlush, type FlushRetryOptions } from './flush-retry.js';

export { NO_PROPAGATION };

export interface PropagationOptions {
  /** Absent: hints are not published (staleness mode off everywhere). */
  readonly hints?: HintPublisher;
  readonly flusher?: AuthorizerCacheFlusher;
  readonly targets?: readonly FlushTarget[];
  /** Where the stages' flush leases live (required with a flusher). */
  readonly leases?: FlushLeaseStore;
  /** Epoch ms: the hint's stamp. */
  readonly clock?: () => number;
  /** Wait after the write before the flush threshold that `ok` rests on (default 1000 ms; 0 = one flush). */
  readonly settleMs?: number;
  readonly coordinator?: Omit<FlushCoordinatorOptions, 'store' | 'flush' | 'settleMs'>;
  readonly retry?: FlushRetryOptions;
}

export const DEFAULT_SETTLE_MS = 1000;
/** Flush starts of all listed stages together stay at or below this rate (of API Gateway's 10 per second). */
export const FLUSH_STARTS_PER_SECOND = 2;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

export function createRevocationPropagation(options: PropagationOptions): RevocationPropagation {
  const { hints, flusher } = options;
  const targets = flusher ? (options.targets ?? []) : [];
  if (targets.length > 0 && !options.leases)
    throw new Error('flushing needs a lease store: flushes are coordinated, never sent unshared');
  const clock = options.clock ?? Date.now;
  const coordinator =
    targets.length > 0
      ? createFlushCoordinator({
          // Spacing per stage such that all stages together start at most FLUSH_STARTS_PER_SECOND flushes a second.
          minIntervalMs: Math.max(1000, Math.ceil((1000 * targets.length) / FLUSH_STARTS_PER_SECOND)),
          ...options.coordinator,
          store: options.leases as FlushLeaseStore,
          flush: createRetryingFlush(flusher as AuthorizerCacheFlusher, options.retry),
          settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
        })
      : undefined;

  return {
    async announce(sub, callOptions = {}) {
      const changed = callOptions.changed ?? 'revoked';
      if (changed === 'nothing')
        return { ok: true, skipped: 'nothing changed: every entry was already stored', flushes: [] };
      try {
        const hint = hints
          ? hints.publish(sub, clock(), { signal: callOptions.signal }).then(
              () => ({ written: true }),
              (error: unknown) => ({ written: false, error: message(error) }),
            )
          : undefined;
        const flushes =
          coordinator && changed === 'revoked'
            ? await Promise.all(targets.map((t) => coordinator.cover(t, callOptions.signal)))
            : [];
        const hintResult = hint ? await hint : undefined;
        const ok = (hintResult?.written ?? true) && flushes.every((f) => f.ok);
        const report: PropagationReport = {
          ok,
          ...(hintResult ? { hint: hintResult } : {}),
          flushes,
          ...(changed === 'extended' && targets.length > 0
            ? { skipped: 'no flush: only entries already in force were extended' }
            : {}),
        };
        return report;
      } catch (error) {
        return { ok: false, hint: { written: false, error: message(error) }, flushes: [] };
      }
    },
  };
}

/**
 * The propagation every revoking function (admin signout, automatic revocation, logout) builds once per container:
 * a hint always (one small item, so turning staleness on later needs no change here) and the coordinated flushes of
 * the stages in `CACHE_FLUSH_TARGETS` (parsed by the function's config). Throws `FlushConfigError` when flushing is
 * configured but the runtime gives no region or credentials.
 */
export function propagationFromEnvironment(
  env: NodeJS.ProcessEnv,
  dynamo: DynamoDBClient,
  tableName: string,
  targets: readonly FlushTarget[],
): RevocationPropagation {
  return createRevocationPropagation({
    hints: createSdkHintStore({ client: dynamo, tableName }),
    ...(targets.length > 0
      ? {
          // One call per attempt: the retries (backoff with jitter, within the deadline) are flush-retry.ts's.
          flusher: createSignedFlusher({ ...flusherOptionsFromEnv(env), maxAttempts: 1 }),
          targets,
          leases: createSdkFlushLeaseStore({ client: dynamo, tableName }),
        }
      : {}),
  });
}
