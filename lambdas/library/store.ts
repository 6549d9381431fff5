/**
 * The library's store: the authorizer's own lean DynamoDB client and one-`Query` reader (and, in staleness mode,
 * its hint-invalidated cache), signed with credentials from the environment's provider chain (credentials.ts)
 * rather than the Lambda runtime's variables. One client per verifier, kept alive: no client per request.
 */
import { createDynamoBlocklistReader } from '../adapters/dynamodb/blocklist-reader.js';
import { createHttpHintReader } from '../adapters/dynamodb/hint-reader.js';
import { createDynamoHttpClient, type DynamoHttpClient } from '../adapters/dynamodb/http-client.js';
import type { HintReader } from '../core/hints.js';
import type { AuthorizerConfig } from '../verification/config.js';
import { stalenessReader } from '../verification/staleness.js';
import { type RevocationReader, StoreError } from '../core/ports.js';
import type { CredentialHolder } from './credentials.js';

export interface StoreCounters {
  /** A round trip to DynamoDB (revocation Query or hint poll). */
  readonly onRoundTrip?: () => void;
  /** A decision answered from the staleness cache. */
  readonly onCacheHit?: () => void;
}

/**
 * A client whose calls first make sure credentials are held: at once when they are (the usual case), else waiting
 * for the provider chain within the call's own deadline — a chain that cannot answer is a store failure like any
 * other (`timeout` past the deadline; `denied` when it fails: a fault to fix, never an outage fail-open may cover).
 */
function credentialedClient(
  inner: DynamoHttpClient,
  holder: CredentialHolder,
): Pick<DynamoHttpClient, 'call'> {
  return {
    call<T>(operation: string, input: unknown, signal?: AbortSignal, timeoutMs?: number): Promise<T> {
      if (holder.current()) return inner.call<T>(operation, input, signal, timeoutMs);
      const started = performance.now();
      return new Promise<T>((resolve, reject) => {
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(
                () => reject(new StoreError('timeout', 'credentials not resolved within the store deadline')),
                timeoutMs,
              );
        holder.get().then(
          () => {
            if (timer !== undefined) clearTimeout(timer);
            const left =
              timeoutMs === undefined ? undefined : Math.max(1, timeoutMs - (performance.now() - started));
            inner.call<T>(operation, input, signal, left).then(resolve, reject);
          },
          (error: unknown) => {
            if (timer !== undefined) clearTimeout(timer);
            reject(
              new StoreError('denied', `no AWS credentials from the provider chain: ${describe(error)}`),
            );
          },
        );
      });
    },
  };
}

const describe = (error: unknown) => (error instanceof Error ? error.message.slice(0, 200) : String(error));

/** A store to use instead of DynamoDB (benchmarks, in-process stand-ins), as the authorizer's overrides. */
export interface InjectedStore {
  /** The blocklist read (the one `Query` of a user's revocations). */
  readonly reader?: RevocationReader;
  /** Revocation hints polled in staleness mode. */
  readonly hints?: HintReader;
}

export interface LibraryStore {
  readonly reader: RevocationReader;
  readonly close: () => void;
}

export function createLibraryStore(
  config: AuthorizerConfig,
  target: { readonly region: string; readonly endpoint: URL },
  holder: CredentialHolder,
  clock: () => number,
  counters: StoreCounters = {},
  injected: InjectedStore = {},
): LibraryStore {
  const inner = createDynamoHttpClient({
    region: target.region,
    endpoint: target.endpoint,
    // Only called once `credentialedClient` made sure a valid set is held.
    credentials: () => {
      const held = holder.current();
      if (!held) throw new StoreError('denied', 'AWS credentials expired while signing');
      return held;
    },
  });
  const client = credentialedClient(inner, holder);
  const exact =
    injected.reader ??
    createDynamoBlocklistReader({
      client,
      tableName: config.tableName,
      consistentRead: config.consistentRead,
      timeoutMs: config.storeTimeoutMs,
      maxAttempts: config.storeMaxAttempts,
      onRoundTrip: () => counters.onRoundTrip?.(),
    });
  const reader =
    config.stalenessSeconds > 0
      ? stalenessReader(exact, {
          stalenessSeconds: config.stalenessSeconds,
          maxAgeSeconds: config.maxAgeSeconds,
          clock,
          hints:
            injected.hints ??
            createHttpHintReader({
              client,
              tableName: config.tableName,
              timeoutMs: config.storeTimeoutMs,
              onRoundTrip: () => counters.onRoundTrip?.(),
            }),
          onHit: () => counters.onCacheHit?.(),
        })
      : exact;
  return { reader, close: () => inner.destroy() };
}
