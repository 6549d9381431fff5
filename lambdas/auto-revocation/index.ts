/**
 * Automatic revocation (issue #14): invoked by EventBridge with Cognito API calls recorded by CloudTrail
 * (`revoke_on`) and by a schedule (the sweep). Thin handler: parse the event (`events.ts`), run the admin operation
 * (`revokeUser` / `sweep` in admin-signout/operations.ts — every revocation goes through them), report.
 *
 * Retries: EventBridge invokes asynchronously. A failure that a retry can fix (table or Cognito unreachable,
 * throttled, the watermark not in force) THROWS, so Lambda retries and then sends the event to the dead-letter
 * queue. Anything a retry cannot fix (another pool, a failed call, a hidden user, bad input) is logged and answered.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCognitoDirectory } from '../adapters/cognito/user-directory.js';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { createSessionOwners, scanOwnersPage } from '../adapters/dynamodb/session-owners.js';
import { createSweepCursorStore } from '../adapters/dynamodb/sweep-cursor.js';
import { createCognitoSweepDirectory } from '../adapters/cognito/sweep-directory.js';
import { createLogger, createMetrics, type Logger } from '../adapters/observability.js';
import { propagationFromEnvironment } from '../admin-signout/propagation.js';
import { type AdminDeps, type AdminResult, createAdminOperations } from '../admin-signout/operations.js';
import { readAutoRevocationConfig } from './config.js';
import { parseEvent } from './events.js';

const SERVICE = 'auto-revocation';
const REPORT_MARGIN_MS = 1500;
/** Calls in flight are aborted this long before the Lambda's end (a step that runs late is then not recorded). */
const CALL_MARGIN_MS = 500;

interface InvokeContext {
  getRemainingTimeInMillis?: () => number;
}

export interface AutoRevocationResult {
  readonly handled: 'revoked' | 'swept' | 'hidden' | 'ignored' | 'invalid' | 'configuration';
  readonly reason?: string;
  readonly result?: AdminResult;
}

export type AutoRevocationHandler = (
  event: unknown,
  context?: InvokeContext,
) => Promise<AutoRevocationResult>;

/** Thrown to make Lambda retry the event (and dead-letter it when retries run out). */
export class RetryableRevocationError extends Error {
  override readonly name = 'RetryableRevocationError';
}

function retryable(result: AdminResult): boolean {
  if (result.ok) return false;
  const code = result.error?.code;
  if (code === 'store_error' || code === 'directory_error' || code === 'internal') return true;
  // Incomplete: retry only when the watermark itself is not in force (a failed Cognito sign-out alone is covered
  // by the watermark's longer expiry; a failed hint or flush by the caches' maximum age).
  if (code === 'incomplete' && 'watermark' in result && result.watermark) return !result.watermark.inForce;
  if (result.operation === 'sweep' && 'failures' in result) return false; // the next sweep retries them
  return false;
}

export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AdminDeps> = {},
): AutoRevocationHandler {
  const dynamo = new DynamoDBClient({});
  let config: ReturnType<typeof readAutoRevocationConfig>;
  let propagation: ReturnType<typeof propagationFromEnvironment>;
  try {
    config = readAutoRevocationConfig(env);
    propagation = propagationFromEnvironment(env, dynamo, config.tableName, config.flushTargets);
  } catch (error) {
    const logger = createLogger({ service: SERVICE });
    const message = (error as Error).message;
    return async () => {
      logger.error('misconfigured', { error });
      // A configuration error is not fixed by a retry of the same event, but the event must not be lost either:
      // throw, so it ends in the dead-letter queue to replay once the configuration is fixed.
      throw new RetryableRevocationError(`misconfigured: ${message}`);
    };
  }
  const store = createSdkStore({ client: dynamo, tableName: config.tableName });
  const cognito = new CognitoIdentityProviderClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 },
  });
  const directory = createCognitoDirectory({ client: cognito, userPoolId: config.userPoolId });
  const tableRef = { client: dynamo, tableName: config.tableName };
  const sweepSources = {
    cursor: createSweepCursorStore(tableRef),
    owners: {
      page: (nowSeconds: number, page: string | undefined, limit: number, signal?: AbortSignal) =>
        scanOwnersPage(tableRef, nowSeconds, page, limit, signal),
    },
    directory: createCognitoSweepDirectory({ client: cognito, userPoolId: config.userPoolId }),
  };
  const logger: Logger = createLogger({ service: SERVICE, level: config.logLevel });
  const baseDeps: AdminDeps = {
    propagation,
    reader: store,
    writer: store,
    inventory: store,
    audit: store,
    directory,
    sessionOwners: createSessionOwners({ client: dynamo, tableName: config.tableName }),
    sweep: sweepSources,
    policy: config.policy,
    logger,
    metrics: createMetrics({ namespace: config.metricsNamespace, service: SERVICE }),
    ...overrides,
  };
  const operations = createAdminOperations(baseDeps);

  return async (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - REPORT_MARGIN_MS) : undefined;
    const callDeadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - CALL_MARGIN_MS) : undefined;
    const parsed = parseEvent(event, { userPoolId: config.userPoolId, revokeOn: config.revokeOn });
    switch (parsed.kind) {
      case 'invalid':
      case 'ignored':
        logger.info('event not acted on', { handled: parsed.kind, reason: parsed.reason });
        return { handled: parsed.kind, reason: parsed.reason };
      case 'hidden':
        logger.warn('event names no user', {
          handled: 'hidden',
          eventName: parsed.eventName,
          eventId: parsed.eventId,
          reason: parsed.reason,
        });
        return { handled: 'hidden', reason: parsed.reason };
      case 'sweep': {
        // A sweep with its own batch size (a manual run) uses the same sources with smaller steps.
        const sweeper =
          parsed.batchSize !== undefined
            ? createAdminOperations({
                ...baseDeps,
                sweep: {
                  ...(baseDeps.sweep ?? sweepSources),
                  batchSize: parsed.batchSize,
                  scanLimit: parsed.batchSize,
                },
              })
            : operations;
        const result = await sweeper.sweep({ deadlineAt, callDeadlineAt });
        // An unfinished pass is not retried by Lambda: the next scheduled run continues from the stored position.
        if (!result.ok && result.operation === 'sweep' && !('failures' in result))
          throw new RetryableRevocationError(result.error?.message ?? 'sweep failed');
        return { handled: 'swept', result };
      }
      case 'revoke': {
        const { user } = parsed;
        const result = await operations.revokeUser(
          {
            ...(user.sub ? { sub: user.sub } : { user: user.username as string }),
            notBefore: parsed.eventTime,
            cognitoSignOut: parsed.cognitoSignOut,
            actor: parsed.actor,
            reason: parsed.reason,
          },
          { deadlineAt },
        );
        if (retryable(result))
          throw new RetryableRevocationError(
            `${parsed.eventName} ${parsed.eventId}: ${result.error?.message ?? 'failed'}`,
          );
        return { handled: 'revoked', result };
      }
    }
  };
}

export const handler: AutoRevocationHandler = createHandler();
