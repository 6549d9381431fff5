/**
 * Lambda entry point of the revocation-aware authorizer (REST TOKEN / REQUEST, HTTP API payload 2.0, AppSync).
 *
 * Nothing happens at module load: the first invocation reads the environment contract, builds the verifier, the
 * DynamoDB reader, the logger and the metrics once for the container, and every invocation reuses them. A
 * configuration problem is logged clearly at the first invocation and every request is denied (never a crash).
 */
import { createDynamoBlocklistReader } from '../adapters/dynamodb/blocklist-reader.js';
import { createDynamoHttpClient, dynamoOptionsFromEnv } from '../adapters/dynamodb/http-client.js';
import {
  createLogger,
  createMetrics,
  type Logger,
  type Metrics,
  parseLogLevel,
  type Sink,
} from '../adapters/observability.js';
import { answer, type Authorizer, type AuthorizerDeps, createAuthorizer } from './authorizer.js';
import { type AuthorizerConfig, parseAuthorizerConfig } from './config.js';
import { parseAuthorizerEvent } from './events.js';
import { cachingReader } from './revocation-cache.js';
import { createCognitoVerifier } from './verifier.js';

export { createAuthorizer } from './authorizer.js';
export type { Authorizer, AuthorizerDeps } from './authorizer.js';
export { parseAuthorizerConfig } from './config.js';

const SERVICE = 'authorizer';

/** An authorizer that denies everything because it is misconfigured, saying why in each decision line. */
function misconfigured(logger: Logger, metrics: Metrics, message: string): Authorizer {
  logger.error(`authorizer configuration error: ${message}`, { reason: 'config_error' });
  return async (event) => {
    const startedAt = performance.now();
    const request = parseAuthorizerEvent(event);
    return answer(
      { logger, metrics },
      { kind: request.kind, restStyle: request.restStyle, arn: request.arn, httpApiResponseMode: 'simple' },
      { allow: false, reason: 'config_error' },
      startedAt,
    );
  };
}

export interface EnvironmentOverrides {
  /** Where log and metric lines go (stdout by default). */
  readonly sink?: Sink;
  readonly clock?: () => number;
}

/** Builds the authorizer from the environment contract (what `handler` does once per container). */
export function createAuthorizerFromEnvironment(
  env: NodeJS.ProcessEnv,
  overrides: EnvironmentOverrides = {},
): Authorizer {
  let level: ReturnType<typeof parseLogLevel> = 'info';
  try {
    level = parseLogLevel(env.LOG_LEVEL || undefined);
  } catch {
    // reported below with the other configuration problems
  }
  const logger = createLogger({ service: SERVICE, level, sink: overrides.sink });
  const metrics = createMetrics({
    namespace: env.METRICS_NAMESPACE?.trim() || 'CognitoRevocation',
    service: SERVICE,
    sink: overrides.sink,
  });
  let config: AuthorizerConfig;
  let storeOptions: ReturnType<typeof dynamoOptionsFromEnv>;
  try {
    config = parseAuthorizerConfig(env);
    storeOptions = dynamoOptionsFromEnv(env);
  } catch (error) {
    metrics.add('ConfigErrors', 1);
    return misconfigured(logger, metrics, error instanceof Error ? error.message : String(error));
  }
  const clock = overrides.clock ?? Date.now;
  const client = createDynamoHttpClient(storeOptions);
  let reader = createDynamoBlocklistReader({
    client,
    tableName: config.tableName,
    consistentRead: config.consistentRead,
    timeoutMs: config.storeTimeoutMs,
    maxAttempts: config.storeMaxAttempts,
    onRoundTrip: (_operation, _ms, ok) => {
      metrics.add('StoreRoundTrips', 1);
      if (!ok) metrics.add('StoreAttemptErrors', 1);
    },
  });
  if (config.revocationCacheTtlSeconds > 0) {
    reader = cachingReader(reader, {
      ttlSeconds: config.revocationCacheTtlSeconds,
      clock,
      onHit: (n) => metrics.add('CacheHits', n),
    });
  }
  const deps: AuthorizerDeps = {
    config,
    reader,
    verifier: createCognitoVerifier(config),
    logger,
    metrics,
    clock,
  };
  return createAuthorizer(deps);
}

let authorizer: Authorizer | undefined;

export async function handler(event: unknown): Promise<unknown> {
  authorizer ??= createAuthorizerFromEnvironment(process.env);
  return authorizer(event);
}
