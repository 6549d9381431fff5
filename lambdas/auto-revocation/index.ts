/**
 * Automatic revocation: invoked by EventBridge with Cognito API calls recorded by CloudTrail
 * (`revoke_on`) and by a schedule (the sweep). Thin handler: parse the event (`events.ts`), run the revocation
 * service (`revokeUser` / `sweep` in lambdas/revocation/ — every revocation goes through it), report.
 *
 * Retries: EventBridge invokes asynchronously. A failure that a retry can fix (table or Cognito unreachable,
 * throttled, the watermark not in force) THROWS, so Lambda retries and then sends the event to the dead-letter
 * queue. Anything a retry cannot fix (another pool, a failed call, a hidden user, bad input) is logged and answered.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCognitoDirectory } from '../adapters/cognito/user-directory.js';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { scanOwnersPage } from '../adapters/dynamodb/session-owners.js';
import { createSweepCursorStore } from '../adapters/dynamodb/sweep-cursor.js';
import { createCognitoSweepDirectory } from '../adapters/cognito/sweep-directory.js';
import { createLogger, createMetrics, type Logger } from '../adapters/observability.js';
import { propagationFromEnvironment } from '../revocation/propagation.js';
import type { RevocationContext, RevocationDeps } from '../revocation/context.js';
import type { AdminResult } from '../revocation/results.js';
import { revokeUser } from '../revocation/revoke-user.js';
import type { RevokeUserDeps } from '../revocation/revoke-user.js';
import { type SweepSources, sweep } from '../revocation/sweep-operation.js';
import { checkEventTime, nothingLeftToRevoke } from '../core/horizon.js';
import { readAutoRevocationConfig } from './config.js';
import { parseEvent, type RevokeEvent } from './events.js';
import { handledAs } from './outcome.js';
import { boundedRequests } from '../adapters/aws/request-timeouts.js';

const SERVICE = 'auto-revocation';
const REPORT_MARGIN_MS = 1500;
/** Calls in flight are aborted this long before the Lambda's end (a step that runs late is then not recorded). */
const CALL_MARGIN_MS = 500;

interface InvokeContext {
  getRemainingTimeInMillis?: () => number;
}

export interface AutoRevocationResult {
  /**
   * `revoked`: this event's watermark was written. `unchanged`: nothing written, a live watermark at or after the
   * event already stands (a redelivery). `expired`: nothing written, every token the event could revoke has
   * expired. `refused`: nothing written, the user could not be acted on (see `result.error`).
   */
  readonly handled:
    | 'revoked'
    | 'unchanged'
    | 'expired'
    | 'refused'
    | 'swept'
    | 'hidden'
    | 'ignored'
    | 'invalid'
    | 'configuration';
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

/** What tests may replace: the ports of this door and the observability. */
export type AutoRevocationOverrides = Partial<Pick<RevocationDeps, RevokeUserDeps>> & {
  sweep?: SweepSources;
} & Partial<Pick<RevocationContext, 'logger' | 'metrics' | 'clock'>>;

/** One revoking event: the event-time checks (core/horizon.ts), then `revokeUser`; throws what a retry can fix. */
async function revokeFromEvent(
  parsed: RevokeEvent,
  ctx: RevocationContext<RevokeUserDeps>,
  deadlineAt: number | undefined,
): Promise<AutoRevocationResult> {
  const { user } = parsed;
  const { logger } = ctx;
  const event = { eventName: parsed.eventName, eventId: parsed.eventId };
  const nowSeconds = Math.floor(ctx.clock() / 1000);
  const time = checkEventTime(parsed.eventTime, nowSeconds);
  if (time.kind === 'ahead') {
    // Not dropped: thrown, so Lambda retries it (this clock may have caught up by then) and dead-letters it.
    const message = `${parsed.eventName} ${parsed.eventId}: dated ${time.aheadSeconds} s ahead of this function's clock; nothing written`;
    logger.warn('event dated ahead of this clock', { ...event, handled: 'retry', reason: message });
    throw new RetryableRevocationError(message);
  }
  if (nothingLeftToRevoke(parsed.cognitoSignOut, parsed.eventTime, nowSeconds, ctx.deps.policy)) {
    const reason = `${parsed.reason}: Cognito ended the refresh tokens at the event and every token issued by then has expired; nothing written`;
    logger.info('event not acted on', { ...event, handled: 'expired', reason });
    return { handled: 'expired', reason };
  }
  const result = await revokeUser(
    ctx,
    {
      actor: { kind: 'event', name: parsed.actor, reason: parsed.reason },
      subject: user.sub ? { sub: user.sub } : { user: user.username as string },
      // A live watermark at or after the event already revokes what this one would, for long enough: the
      // revocation that wrote it ended the refresh tokens no earlier than its own watermark (or outlives them).
      // So a redelivery or a replay writes nothing and asks nothing of Cognito.
      evidence: { cognitoSignOut: parsed.cognitoSignOut, unlessRevokedSince: time.eventTime },
      asOf: time.eventTime,
    },
    { deadlineAt },
  );
  if (retryable(result))
    throw new RetryableRevocationError(
      `${parsed.eventName} ${parsed.eventId}: ${result.error?.message ?? 'failed'}`,
    );
  const handled = handledAs(result);
  (handled === 'refused' ? logger.warn : logger.info)('event handled', {
    ...event,
    handled,
    ...(result.error ? { reason: result.error.message } : {}),
  });
  return { handled, result };
}

export function createHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: AutoRevocationOverrides = {},
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
    requestHandler: boundedRequests(3000, 5000),
  });
  const directory = createCognitoDirectory({ client: cognito, userPoolId: config.userPoolId });
  const tableRef = { client: dynamo, tableName: config.tableName };
  const { logger: loggerOverride, metrics, clock, sweep: sweepOverride, ...ports } = overrides;
  const sweepSources: SweepSources = sweepOverride ?? {
    cursor: createSweepCursorStore(tableRef),
    owners: {
      page: (nowSeconds: number, page: string | undefined, limit: number, signal?: AbortSignal) =>
        scanOwnersPage(tableRef, nowSeconds, page, limit, signal),
    },
    directory: createCognitoSweepDirectory({ client: cognito, userPoolId: config.userPoolId }),
  };
  const logger: Logger = loggerOverride ?? createLogger({ service: SERVICE, level: config.logLevel });
  const ctx: RevocationContext<RevokeUserDeps> = {
    deps: {
      propagation,
      reader: store,
      writer: store,
      inventory: store,
      directory,
      policy: config.policy,
      ...ports,
    },
    clock: clock ?? Date.now,
    logger,
    metrics: metrics ?? createMetrics({ namespace: config.metricsNamespace, service: SERVICE }),
  };

  return async (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - REPORT_MARGIN_MS) : undefined;
    const callDeadlineAt =
      remaining !== undefined ? Date.now() + Math.max(0, remaining - CALL_MARGIN_MS) : undefined;
    const parsed = parseEvent(event, {
      userPoolId: config.userPoolId,
      revokeOn: config.revokeOn,
      clientIds: config.clientIds,
    });
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
        const sources =
          parsed.batchSize !== undefined
            ? { ...sweepSources, batchSize: parsed.batchSize, scanLimit: parsed.batchSize }
            : sweepSources;
        const result = await sweep(ctx, sources, { deadlineAt, callDeadlineAt });
        // An unfinished pass is not retried by Lambda: the next scheduled run continues from the stored position.
        if (!result.ok && result.operation === 'sweep' && !('failures' in result))
          throw new RetryableRevocationError(result.error?.message ?? 'sweep failed');
        return { handled: 'swept', result };
      }
      case 'revoke':
        return revokeFromEvent(parsed, ctx, deadlineAt);
    }
  };
}

export const handler: AutoRevocationHandler = createHandler();
