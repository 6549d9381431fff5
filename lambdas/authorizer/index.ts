/**
 * Lambda entry point of the revocation-aware authorizer (REST TOKEN / REQUEST, HTTP API payload 2.0, AppSync).
 *
 * Nothing happens at module load: the first invocation reads the environment contract and builds the verifier,
 * the DynamoDB reader, the logger and the decision recorder once for the container; every invocation reuses them.
 * A configuration problem is logged clearly at the first invocation and every request is denied (never a crash).
 */
import { createDynamoBlocklistReader } from '../adapters/dynamodb/blocklist-reader.js';
import { createHttpHintReader } from '../adapters/dynamodb/hint-reader.js';
import {
  createDynamoHttpClient,
  type DynamoHttpClient,
  dynamoOptionsFromEnv,
} from '../adapters/dynamodb/http-client.js';
import type { HintReader } from '../core/hints.js';
import { createLogger, type LogLevel, parseLogLevel } from '../adapters/observability.js';
import type { RevocationReader } from '../core/ports.js';
import { answer, type Authorizer, type AuthorizerDeps, createAuthorizer } from './authorizer.js';
import { type AuthorizerConfig, parseAuthorizerConfig } from '../verification/config.js';
import { contractValue } from '../config/reader.js';
import { stalenessReader } from '../verification/staleness.js';
import { createDecisionRecorder, type DecisionRecorder, stdoutLineWriter } from './decision-record.js';
import { parseAuthorizerEvent } from './events.js';
import { createCognitoVerifier } from '../verification/verifier.js';

export { createAuthorizer } from './authorizer.js';
export type { Authorizer, AuthorizerDeps } from './authorizer.js';
export { parseAuthorizerConfig } from '../verification/config.js';
export { createDecisionRecorder, stdoutLineWriter } from './decision-record.js';

const SERVICE = 'authorizer';

/** An authorizer that denies everything because it is misconfigured; each decision line says `config_error`. */
function misconfigured(recorder: DecisionRecorder): Authorizer {
  return async (event) => {
    const startedAt = performance.now();
    const request = parseAuthorizerEvent(event);
    return answer(
      recorder,
      { kind: request.kind, restStyle: request.restStyle, arn: request.arn, httpApiResponseMode: 'simple' },
      { allow: false, reason: 'config_error' },
      startedAt,
    );
  };
}

export interface EnvironmentOverrides {
  /** Where log and decision lines go, each a complete line with its newline (stdout by default). */
  readonly write?: (text: string) => void;
  readonly clock?: () => number;
  /** A blocklist to use instead of the DynamoDB one (benchmarks, local stand-ins). */
  readonly reader?: RevocationReader;
  /** Revocation hints to poll instead of the DynamoDB ones (staleness mode; benchmarks). */
  readonly hints?: HintReader;
}

/** Builds the authorizer from the environment contract (what `handler` does once per container). */
export function createAuthorizerFromEnvironment(
  env: NodeJS.ProcessEnv,
  overrides: EnvironmentOverrides = {},
): Authorizer {
  const write = overrides.write ?? stdoutLineWriter();
  let level: LogLevel = 'info';
  try {
    level = parseLogLevel(env.LOG_LEVEL || undefined);
  } catch {
    // reported below with the other configuration problems
  }
  const logger = createLogger({ service: SERVICE, level, sink: (line) => write(`${line}\n`) });
  let config: AuthorizerConfig | undefined;
  let configError: unknown;
  try {
    config = parseAuthorizerConfig(env);
  } catch (error) {
    configError = error;
  }
  // A misconfigured function denies everything, and every deny is logged: the sampling knobs do not matter then.
  const recorder = createDecisionRecorder({
    namespace: contractValue('authorizer', 'METRICS_NAMESPACE', env),
    service: SERVICE,
    level,
    write,
    allowSampleRate: config?.allowLogSampleRate,
    flushEveryDecisions: config?.metricsFlushDecisions,
    clock: overrides.clock,
  });
  try {
    if (config === undefined) throw configError;
    const clock = overrides.clock ?? Date.now;
    const countRoundTrip = (ok: boolean) => {
      recorder.count('StoreRoundTrips');
      if (!ok) recorder.count('StoreAttemptErrors');
    };
    let client: DynamoHttpClient | undefined;
    const dynamo = () => {
      client ??= createDynamoHttpClient(dynamoOptionsFromEnv(env));
      return client;
    };
    let reader: RevocationReader =
      overrides.reader ??
      createDynamoBlocklistReader({
        client: dynamo(),
        tableName: config.tableName,
        consistentRead: config.consistentRead,
        timeoutMs: config.storeTimeoutMs,
        maxAttempts: config.storeMaxAttempts,
        onRoundTrip: (_operation, _ms, ok) => countRoundTrip(ok),
      });
    // Staleness mode (docs/caching.md): users' answers cached, invalidated by polled revocation hints.
    if (config.stalenessSeconds > 0) {
      reader = stalenessReader(reader, {
        stalenessSeconds: config.stalenessSeconds,
        maxAgeSeconds: config.maxAgeSeconds,
        clock,
        hints:
          overrides.hints ??
          createHttpHintReader({
            client: dynamo(),
            tableName: config.tableName,
            timeoutMs: config.storeTimeoutMs,
            onRoundTrip: (_ms, ok) => countRoundTrip(ok),
          }),
        onHit: () => recorder.count('CacheHits'),
        onPoll: (ok, hints) => {
          recorder.count('HintPolls');
          if (!ok) recorder.count('HintPollErrors');
          if (hints > 0) recorder.count('HintsSeen', hints);
        },
      });
    }
    const deps: AuthorizerDeps = { config, reader, verifier: createCognitoVerifier(config), recorder, clock };
    return createAuthorizer(deps);
  } catch (error) {
    logger.error(
      `authorizer configuration error: ${error instanceof Error ? error.message : String(error)}`,
      {
        reason: 'config_error',
      },
    );
    recorder.count('ConfigErrors');
    return misconfigured(recorder);
  }
}

let authorizer: Authorizer | undefined;

export async function handler(event: unknown): Promise<unknown> {
  authorizer ??= createAuthorizerFromEnvironment(process.env);
  return authorizer(event);
}
