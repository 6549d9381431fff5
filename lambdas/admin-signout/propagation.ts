/**
 * What the admin side does after every revocation so that caches let go of it (docs/caching.md):
 * 1. publishes a revocation hint for the user (authorizer containers in staleness mode drop the user at their next
 *    poll), and
 * 2. flushes the authorizer result cache of every configured API Gateway stage — twice: at once, and again after
 *    `settleMs`, because a decision whose store read started before the revocation can still be answering
 *    (and be cached by API Gateway) while the first flush runs. An authorizer decision ends at most its store
 *    deadline (`STORE_TIMEOUT_MS`, 800 ms by default) after its read started, so the second flush, 1 s after the
 *    first returned, finds any such allow already cached.
 *
 * Never throws: the report says what was done; `ok` only when the hint was written and every flush succeeded.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HintPublisher } from '../core/hints.js';
import { NO_PROPAGATION, type RevocationPropagation } from '../core/ports.js';
import {
  type AuthorizerCacheFlusher,
  createSignedFlusher,
  type FlushTarget,
  flusherOptionsFromEnv,
  targetName,
} from '../adapters/apigateway/authorizer-cache.js';
import { createSdkHintStore } from '../adapters/dynamodb/hint-publisher.js';

export { NO_PROPAGATION };

export interface PropagationOptions {
  /** Absent: hints are not published (staleness mode off everywhere). */
  readonly hints?: HintPublisher;
  readonly flusher?: AuthorizerCacheFlusher;
  readonly targets?: readonly FlushTarget[];
  /** Epoch ms: the hint's stamp. */
  readonly clock?: () => number;
  /** Delay before the second flush (default 1000 ms; 0 = flush once). */
  readonly settleMs?: number;
}

export const DEFAULT_SETTLE_MS = 1000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

export function createRevocationPropagation(options: PropagationOptions): RevocationPropagation {
  const { hints, flusher } = options;
  const targets = flusher ? (options.targets ?? []) : [];
  const clock = options.clock ?? Date.now;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;

  async function flushTwice(target: FlushTarget, signal?: AbortSignal) {
    const name = targetName(target);
    try {
      await (flusher as AuthorizerCacheFlusher).flush(target, signal);
      if (settleMs > 0) {
        await new Promise((r) => setTimeout(r, settleMs));
        await (flusher as AuthorizerCacheFlusher).flush(target, signal);
      }
      return { target: name, ok: true };
    } catch (error) {
      return { target: name, ok: false, error: message(error) };
    }
  }

  return {
    async announce(sub, callOptions = {}) {
      try {
        const hint = hints
          ? hints.publish(sub, clock(), callOptions).then(
              () => ({ written: true }),
              (error: unknown) => ({ written: false, error: message(error) }),
            )
          : undefined;
        const flushes = await Promise.all(targets.map((t) => flushTwice(t, callOptions.signal)));
        const hintResult = hint ? await hint : undefined;
        const ok = (hintResult?.written ?? true) && flushes.every((f) => f.ok);
        return hintResult ? { ok, hint: hintResult, flushes } : { ok, flushes };
      } catch (error) {
        return { ok: false, hint: { written: false, error: message(error) }, flushes: [] };
      }
    },
  };
}

/**
 * The propagation every revoking function (admin signout, automatic revocation, logout) builds once per container:
 * a hint always (one small item, so turning staleness on later needs no change here) and the flushes of the stages
 * in `CACHE_FLUSH_TARGETS` (parsed by the function's config). Throws `FlushConfigError` when flushing is configured
 * but the runtime gives no region or credentials.
 */
export function propagationFromEnvironment(
  env: NodeJS.ProcessEnv,
  dynamo: DynamoDBClient,
  tableName: string,
  targets: readonly FlushTarget[],
): RevocationPropagation {
  return createRevocationPropagation({
    hints: createSdkHintStore({ client: dynamo, tableName }),
    ...(targets.length > 0 ? { flusher: createSignedFlusher(flusherOptionsFromEnv(env)), targets } : {}),
  });
}
