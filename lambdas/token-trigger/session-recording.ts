/**
 * The session-recording step of the token trigger, for teams that keep their own pre-token-generation function and
 * call this step inside it instead of chaining (CHAINED_TRIGGER_FUNCTION). Import this file, not `index.ts` (which
 * builds the module's own handler from the environment at load).
 *
 *   const record = createSessionRecorder({ tableName: process.env.TABLE_NAME });
 *   export const handler = async (event) => addMyClaims(await record(event));
 *
 * `record(event)` behaves exactly as the module's trigger: for a `TokenGeneration_*` event it mints a session id,
 * returns a copy of the event whose response carries it as the session claim (ID token for event version 1; ID and
 * access tokens for 2 and 3) and records the session; anything else comes back unchanged. It never throws and never
 * breaks the sign-in: a table that fails or does not answer within `storeTimeoutMs` is logged and counted, and the
 * claim is injected anyway. Your function must keep the session claim as returned (not override, not suppress it),
 * and its role needs `dynamodb:PutItem` on the blocklist table (the module's `table_arn` output).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createSdkStore } from '../adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics, type Logger, type Metrics } from '../adapters/observability.js';
import { lifetimePolicy } from '../core/lifetime.js';
import { isValidClaimName } from './events.js';
import { createTokenTrigger } from './trigger.js';
import { boundedRequests } from '../adapters/aws/request-timeouts.js';

export interface SessionRecorderOptions {
  /** The module's blocklist table (`table_name` output). */
  readonly tableName: string | undefined;
  /** Must equal the module's `session_claim` (the authorizer reads it); default `revocation_sid`. */
  readonly claim?: string;
  /** Longest ID/access token validity of the app clients (300–86400); default 86400, Cognito's maximum. */
  readonly tokenLifetimeSeconds?: number;
  /** Deadline for recording a session (50–3000 ms); default 300. */
  readonly storeTimeoutMs?: number;
  /** Your own client (region, credentials, endpoint); default: one with two attempts and the deadline. */
  readonly client?: DynamoDBClient;
  /** Default: JSON lines and EMF metrics on stdout, as the module's functions write them. */
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

export type SessionRecorder = <E>(event: E) => Promise<E>;

/** Builds the step once per container; throws a clear error at build time for a bad option, never at sign-in. */
export function createSessionRecorder(options: SessionRecorderOptions): SessionRecorder {
  const tableName = options.tableName?.trim();
  if (!tableName)
    throw new Error('createSessionRecorder: tableName is required (the module output table_name)');
  const claim = options.claim ?? 'revocation_sid';
  if (!isValidClaimName(claim))
    throw new Error(`createSessionRecorder: "${claim}" is not a claim it may set`);
  const storeTimeoutMs = options.storeTimeoutMs ?? 300;
  if (!Number.isInteger(storeTimeoutMs) || storeTimeoutMs < 50 || storeTimeoutMs > 3000) {
    throw new Error('createSessionRecorder: storeTimeoutMs must be an integer between 50 and 3000');
  }
  const client =
    options.client ??
    new DynamoDBClient({
      maxAttempts: 2,
      requestHandler: boundedRequests(storeTimeoutMs, storeTimeoutMs),
    });
  const trigger = createTokenTrigger({
    inventory: createSdkStore({ client, tableName, consistentRead: false }),
    claim,
    policy: lifetimePolicy({ tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86400 }),
    storeTimeoutMs,
    logger: options.logger ?? createLogger({ service: 'session-recording' }),
    metrics:
      options.metrics ?? createMetrics({ namespace: 'CognitoRevocation', service: 'session-recording' }),
  });
  return async (event) => (await trigger(event)) as typeof event;
}
