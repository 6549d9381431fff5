/**
 * Admin signout Lambda, invoked through the Lambda Invoke API (IAM only) by the admin CLI and other tooling.
 * Thin handler: dependencies built once per container (no network at init); each invocation is validated and run through
 * the revocation service by `createAdminOperations`, which always answers with a result object — `{ ok: false, error: { code, message } }`
 * for anything that went wrong, never an exception.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCognitoDirectory } from '../adapters/cognito/user-directory.js';
import { createCognitoSessions } from '../adapters/cognito/user-sessions.js';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { propagationFromEnvironment } from '../revocation/propagation.js';
import { createLogger, createMetrics } from '../adapters/observability.js';
import { readAdminConfig } from './config.js';
import type { AdminResult } from '../revocation/results.js';
import { type AdminDeps, createAdminOperations } from './operations.js';
import { boundedRequests } from '../adapters/aws/request-timeouts.js';

export type { AdminResult } from '../revocation/results.js';

const SERVICE = 'admin-signout';
/** Time kept back from the Lambda's remaining time to report after the last retry. */
const REPORT_MARGIN_MS = 1500;

interface InvokeContext {
  getRemainingTimeInMillis?: () => number;
}

export type AdminHandler = (event: unknown, context?: InvokeContext) => Promise<AdminResult>;

export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AdminDeps> = {},
): AdminHandler {
  let config: ReturnType<typeof readAdminConfig>;
  try {
    config = readAdminConfig(env);
  } catch (error) {
    const logger = createLogger({ service: SERVICE });
    const message = (error as Error).message;
    return async () => {
      logger.error('misconfigured', { error });
      return { ok: false, error: { code: 'configuration', message } };
    };
  }
  const dynamo = new DynamoDBClient({});
  const store = createSdkStore({ client: dynamo, tableName: config.tableName });
  // After every revocation: a hint for authorizers in staleness mode and the flushes of the configured stages.
  let propagation: ReturnType<typeof propagationFromEnvironment>;
  try {
    propagation = propagationFromEnvironment(env, dynamo, config.tableName, config.flushTargets);
  } catch (error) {
    const message = (error as Error).message;
    return async () => ({ ok: false, error: { code: 'configuration', message } });
  }
  // Bounded so that a hung Cognito endpoint cannot eat the time the table writes need.
  const cognitoClient = new CognitoIdentityProviderClient({
    maxAttempts: 2,
    requestHandler: boundedRequests(3000, 5000),
  });
  const directory = createCognitoDirectory({ client: cognitoClient, userPoolId: config.userPoolId });
  const operations = createAdminOperations({
    reader: store,
    writer: store,
    inventory: store,
    audit: store,
    propagation,
    directory,
    ...(config.cognitoSessionManagement
      ? { cognitoSessions: createCognitoSessions({ client: cognitoClient, userPoolId: config.userPoolId }) }
      : {}),
    policy: config.policy,
    logger: createLogger({ service: SERVICE, level: config.logLevel }),
    metrics: createMetrics({ namespace: config.metricsNamespace, service: SERVICE }),
    ...overrides,
  });
  return async (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - REPORT_MARGIN_MS) : undefined;
    return operations.run(event, { deadlineAt });
  };
}

export const handler: AdminHandler = createHandler();
