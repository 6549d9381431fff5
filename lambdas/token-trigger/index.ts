/**
 * Token trigger Lambda: Cognito PreTokenGeneration (event versions 1, 2, 3) and PostAuthentication.
 * Thin handler: dependencies built once per container (no network at init), then `createTokenTrigger`.
 * A configuration error never breaks sign-in: every event passes through unchanged and the error is logged.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../adapters/observability.js';
import { withChainedTrigger } from './chain.js';
import { contractValue } from '../config/reader.js';
import { readTokenTriggerConfig } from './config.js';
import { createTokenTrigger, type TokenTrigger, type TokenTriggerDeps } from './trigger.js';
import { boundedRequests } from '../adapters/aws/request-timeouts.js';

export { createTokenTrigger, mintSessionId } from './trigger.js';

const SERVICE = 'token-trigger';

/** Builds the trigger from the environment; used by `handler` and by tests that need a fresh container. */
export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<TokenTriggerDeps> = {},
): TokenTrigger {
  let config: ReturnType<typeof readTokenTriggerConfig>;
  try {
    config = readTokenTriggerConfig(env);
  } catch (error) {
    const logger = createLogger({ service: SERVICE });
    const metrics = createMetrics({
      namespace: contractValue('token-trigger', 'METRICS_NAMESPACE', env),
      service: SERVICE,
    });
    const passthrough = async (event: unknown) => {
      logger.error('misconfigured: event passed through unchanged', { error });
      metrics.add('config_error', 1);
      metrics.flush();
      return event;
    };
    // A chained function still runs (its overrides reach the tokens); see chain.ts.
    return withChainedTrigger(env, passthrough, { logger, metrics });
  }
  const logger = overrides.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
  const metrics =
    overrides.metrics ?? createMetrics({ namespace: config.metricsNamespace, service: SERVICE });
  const client = new DynamoDBClient({
    // Two attempts inside the deadline; the deadline itself is enforced by the trigger.
    maxAttempts: 2,
    requestHandler: boundedRequests(config.storeTimeoutMs, config.storeTimeoutMs),
  });
  const inventory =
    overrides.inventory ?? createSdkStore({ client, tableName: config.tableName, consistentRead: false });
  const own = createTokenTrigger({
    inventory,
    claim: config.claim,
    policy: config.policy,
    storeTimeoutMs: config.storeTimeoutMs,
    logger,
    metrics,
    ...overrides,
  });
  // The pool's existing pre-token-generation function, when one is named (CHAINED_TRIGGER_FUNCTION): chain.ts.
  return withChainedTrigger({ ...env, ...config.chain }, own, { logger, metrics, claim: config.claim });
}

export const handler: TokenTrigger = createHandler();
