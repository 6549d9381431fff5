/**
 * The whole system on loopback, from the shipped bundles: dynalite with the table, a Lambda Invoke endpoint
 * hosting `dist/authorizer`, `dist/token-trigger`, `dist/admin-signout` and `dist/logout` (not the automatic
 * revocation function, which EventBridge invokes with CloudTrail events), cognito-local with the token trigger wired as
 * PreTokenGeneration + PostAuthentication, and the API Gateway stand-in in front of a sample backend.
 * Used by `npm start` (local/start.ts), `npm run demo` (local/demo.ts) and the end-to-end tests.
 *
 * Exported API:
 * - `startStack(options?) → Promise<LocalStack>`; options `{ ports?: { dynamo?, lambda?, cognito?, api? }
 *   (0/absent = pick), tableName?, cacheTtlSeconds? (API Gateway authorizer result TTL, 0), authorizerEnv?
 *   (extra/overriding authorizer variables), users? (default: DEMO_USER), onLog?(fn, line), onProgress?(step),
 *   distDir? (default `<repo>/dist`), cognitoHosting? ('child' | 'in-process', local/cognito.ts) }`.
 *   Throws a one-line error naming what to do when `dist/` is not built, a port is in use, or an emulator fails.
 * - `LocalStack`: `dynamo`, `lambda`, `cognito`, `api`, `tableName`, `functions` (the names of the four functions
 *   it hosts), `cliEnv()` (environment for running `dist/cli/index.js` against the stack: dummy credentials,
 *   region, no profile), `stop()` (stops everything, in reverse order; idempotent).
 * - `DEMO_USER`, `FUNCTION_NAMES`, `BUNDLES`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiGateway, type Backend, sampleBackend, startApiGateway } from './api-gateway.js';
import { type CognitoLocal, type CognitoLocalHosting, type LocalUser, startCognitoLocal } from './cognito.js';
import { type RecordedAwsCall, startAwsCallRecorder } from './aws-call-recorder.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from './dynalite.js';
import {
  assertBundlesBuilt,
  bundlePath,
  type LambdaEndpoint,
  startLambdaEndpoint,
} from './lambda-endpoint.js';

export const FUNCTION_NAMES = {
  authorizer: 'cognito-revocation-authorizer',
  tokenTrigger: 'cognito-revocation-token-trigger',
  adminSignout: 'cognito-revocation-admin-signout',
  /** Self-service logout, behind the authorizer at `POST /<api>/logout`. */
  logout: 'cognito-revocation-logout',
} as const;

export const BUNDLES = ['authorizer', 'token-trigger', 'admin-signout', 'logout'] as const;

export const DEMO_USER: LocalUser = {
  username: 'alice',
  password: 'Demo-Passw0rd!',
  attributes: { email: 'alice@example.com', email_verified: 'true' },
};

/** Token lifetimes of the local app client (minutes), and the matching TOKEN_LIFETIME_SECONDS. */
const TOKEN_MINUTES = 60;
const REFRESH_DAYS = 30;

export interface StackOptions {
  readonly ports?: {
    readonly dynamo?: number;
    readonly lambda?: number;
    readonly cognito?: number;
    readonly api?: number;
  };
  readonly tableName?: string;
  readonly cacheTtlSeconds?: number;
  readonly authorizerEnv?: Readonly<Record<string, string>>;
  readonly users?: readonly LocalUser[];
  readonly onLog?: (functionName: string, line: string) => void;
  readonly onProgress?: (step: string) => void;
  /** Where the bundles are; default `<repo>/dist` (tests point it elsewhere). */
  readonly distDir?: string;
  /** Where cognito-local runs (`local/cognito.ts`): default a child process (the tests default to this process). */
  readonly cognitoHosting?: CognitoLocalHosting;
  /**
   * Told of every AWS call a function makes (DynamoDB, Cognito, API Gateway): the functions then reach each
   * emulator through a recording pass-through (`aws-call-recorder.ts`). For the IAM proof; off by default.
   */
  readonly recordAwsCalls?: (call: RecordedAwsCall) => void;
  /**
   * A pool's existing pre-token-generation function for the token trigger to chain (CHAINED_TRIGGER_FUNCTION):
   * deployed on the Lambda endpoint as `name` (default `existing-pre-token-generation`) from `bundle`.
   */
  readonly chainedTrigger?: {
    readonly name?: string;
    readonly bundle: string;
    readonly env?: Readonly<Record<string, string>>;
  };
}

export interface LocalStack {
  readonly dynamo: LocalDynamo;
  readonly lambda: LambdaEndpoint;
  readonly cognito: CognitoLocal;
  readonly api: ApiGateway;
  readonly tableName: string;
  readonly functions: typeof FUNCTION_NAMES;
  /** The endpoints the functions are given (a recorder's when `recordAwsCalls` is set), for functions added later. */
  readonly functionEndpoints: {
    readonly dynamodb: string;
    readonly cognito: string;
    readonly apiGateway: string;
  };
  cliEnv(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<LocalStack> {
  assertBundlesBuilt(BUNDLES, options.distDir);
  const tableName = options.tableName ?? 'cognito-revocation-local';
  const progress = options.onProgress ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    while (stops.length) {
      const stop = stops.pop();
      await stop?.().catch(() => {});
    }
  };

  try {
    const dynamo = await startDynalite({
      ...(options.ports?.dynamo ? { port: options.ports.dynamo } : {}),
    }).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EADDRINUSE'
        ? new Error(`Port ${options.ports?.dynamo} is in use (dynalite): free it or pick another port.`)
        : new Error(`dynalite failed to start: ${err.message} — run \`npm ci\` and retry.`);
    });
    stops.push(() => dynamo.stop());
    await dynamo.createTable(tableName);
    progress(`dynalite ${dynamo.endpoint} (table ${tableName})`);
    // What the functions are given as endpoints: the emulator's own, or a recorder in front of it.
    const functionsReach = async (endpoint: string): Promise<string> => {
      if (!options.recordAwsCalls) return endpoint;
      const recorder = await startAwsCallRecorder(endpoint, options.recordAwsCalls);
      stops.push(() => recorder.stop());
      return recorder.endpoint;
    };
    const dynamoForFunctions = await functionsReach(dynamo.endpoint);

    const lambda = await startLambdaEndpoint({
      ...(options.ports?.lambda ? { port: options.ports.lambda } : {}),
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    stops.push(() => lambda.stop());
    const common = {
      TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoForFunctions,
      TOKEN_LIFETIME_SECONDS: String(TOKEN_MINUTES * 60),
      LOG_LEVEL: 'info',
    };
    const chained = options.chainedTrigger;
    const chainedName = chained?.name ?? 'existing-pre-token-generation';
    if (chained)
      lambda.deploy({ name: chainedName, bundle: chained.bundle, env: chained.env ?? {}, timeoutMs: 5000 });
    lambda.deploy({
      name: FUNCTION_NAMES.tokenTrigger,
      bundle: bundlePath('token-trigger', options.distDir),
      env: chained
        ? { ...common, CHAINED_TRIGGER_FUNCTION: chainedName, AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint }
        : common,
      // Cognito allows a trigger 5 s in total.
      timeoutMs: 5000,
    });
    progress(`Lambda endpoint ${lambda.endpoint}`);

    const cognito = await startCognitoLocal({
      ...(options.ports?.cognito ? { port: options.ports.cognito } : {}),
      ...(options.cognitoHosting ? { hosting: options.cognitoHosting } : {}),
      lambdaEndpoint: lambda.endpoint,
      triggers: {
        PreTokenGeneration: FUNCTION_NAMES.tokenTrigger,
        PostAuthentication: FUNCTION_NAMES.tokenTrigger,
      },
      tokenValidity: {
        idTokenMinutes: TOKEN_MINUTES,
        accessTokenMinutes: TOKEN_MINUTES,
        refreshTokenDays: REFRESH_DAYS,
      },
      users: options.users ?? [DEMO_USER],
    });
    stops.push(() => cognito.stop());
    progress(`cognito-local ${cognito.endpoint} (pool ${cognito.userPoolId}, client ${cognito.clientId})`);
    const cognitoForFunctions = await functionsReach(cognito.endpoint);

    lambda.deploy({
      name: FUNCTION_NAMES.authorizer,
      bundle: bundlePath('authorizer', options.distDir),
      env: {
        USER_POOL_ID: cognito.userPoolId,
        CLIENT_IDS: cognito.clientId,
        TOKEN_USE: 'any',
        TABLE_NAME: tableName,
        JWKS_URI: cognito.jwksUri,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoForFunctions,
        HTTP_API_RESPONSE_MODE: 'simple',
        LOG_LEVEL: 'info',
        // The local stack shows one line per decision and its metrics at once (deployed defaults: 1 % of allows
        // logged, metrics aggregated; docs/cost.md).
        DECISION_LOG_SAMPLE_RATE: '1',
        METRICS_FLUSH_DECISIONS: '1',
        ...(options.authorizerEnv ?? {}),
      },
      timeoutMs: 10_000,
    });

    const api = await startApiGateway({
      ...(options.ports?.api ? { port: options.ports.api } : {}),
      // `POST /<api>/logout` is the self-service logout; every other route the sample backend.
      backend: logoutRoute((event) => lambda.invoke(FUNCTION_NAMES.logout, event)),
      invoke: (fn, event) => lambda.invoke(fn, event),
      authorizerFunction: FUNCTION_NAMES.authorizer,
      region: LOCAL_AWS.region,
      accountId: '000000000000',
      cacheTtlSeconds: options.cacheTtlSeconds ?? 0,
      httpApiSimpleResponses: (options.authorizerEnv?.HTTP_API_RESPONSE_MODE ?? 'simple') === 'simple',
    });
    stops.push(() => api.stop());
    progress(`API Gateway stand-in ${api.endpoint}`);
    const apiForFunctions = await functionsReach(api.endpoint);

    // The stages a deployment lists for its revoking functions to flush after every revocation (CACHE_FLUSH_TARGETS).
    const flushTargets = JSON.stringify([
      { api: 'rest', apiId: api.apiIds['rest-token'], stage: api.stage },
      { api: 'rest', apiId: api.apiIds['rest-request'], stage: api.stage },
      { api: 'http', apiId: api.apiIds.http, stage: api.stage },
    ]);
    // Deployed after the API stand-in (its route invokes it by name at request time): it flushes the stand-in's
    // stages too.
    lambda.deploy({
      name: FUNCTION_NAMES.logout,
      bundle: bundlePath('logout', options.distDir),
      env: {
        ...common,
        REFRESH_TOKEN_LIFETIME_SECONDS: String(REFRESH_DAYS * 86400),
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoForFunctions,
        AWS_ENDPOINT_URL_API_GATEWAY: apiForFunctions,
        CACHE_FLUSH_TARGETS: flushTargets,
      },
      timeoutMs: 10_000,
    });

    // Deployed after the API stand-in: it flushes the stand-in's caches (CACHE_FLUSH_TARGETS).
    lambda.deploy({
      name: FUNCTION_NAMES.adminSignout,
      bundle: bundlePath('admin-signout', options.distDir),
      env: {
        ...common,
        USER_POOL_ID: cognito.userPoolId,
        REFRESH_TOKEN_LIFETIME_SECONDS: String(REFRESH_DAYS * 86400),
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoForFunctions,
        // Every revocation flushes the stand-in's authorizer caches, as a deployment lists its stages.
        AWS_ENDPOINT_URL_API_GATEWAY: apiForFunctions,
        CACHE_FLUSH_TARGETS: flushTargets,
      },
      timeoutMs: 30_000,
    });

    let stopped: Promise<void> | undefined;
    return {
      dynamo,
      lambda,
      cognito,
      api,
      tableName,
      functions: FUNCTION_NAMES,
      functionEndpoints: {
        dynamodb: dynamoForFunctions,
        cognito: cognitoForFunctions,
        apiGateway: apiForFunctions,
      },
      cliEnv: () => cliEnvironment(lambda.endpoint),
      stop: () => {
        stopped ??= stopAll();
        return stopped;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Environment for the admin CLI run against the stack: the inherited PATH etc., none of the caller's AWS
 * variables (no profile, no real credentials), dummy credentials and the region.
 */
export function cliEnvironment(lambdaEndpoint: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  }
  return {
    ...env,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
    // Files that do not exist: the developer's ~/.aws profile stays out of the local run.
    AWS_CONFIG_FILE: join(tmpdir(), 'cognito-revocation-local-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'cognito-revocation-local-no-aws-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * The stand-in's backend with the self-service logout route: `POST …/logout` behind the authorizer is
 * integrated with the logout function as an API Gateway proxy integration would (REST: payload 1.0, the context in
 * `requestContext.authorizer`; HTTP API: payload 2.0, under `requestContext.authorizer.lambda`); every other route
 * goes to the sample backend.
 */
export function logoutRoute(invoke: (event: unknown) => Promise<{ payload: unknown }>): Backend {
  return async (event) => {
    if (event.method !== 'POST' || event.path !== '/logout') return sampleBackend(event);
    const proxyEvent =
      event.api === 'http'
        ? {
            version: '2.0',
            routeKey: 'POST /logout',
            rawPath: '/logout',
            headers: event.headers,
            body: event.body ?? '',
            isBase64Encoded: false,
            requestContext: {
              http: { method: 'POST', path: '/logout' },
              authorizer: event.requestContext.authorizer,
            },
          }
        : {
            resource: '/logout',
            path: '/logout',
            httpMethod: 'POST',
            headers: event.headers,
            body: event.body || null,
            isBase64Encoded: false,
            requestContext: { authorizer: event.requestContext.authorizer },
          };
    const { payload } = await invoke(proxyEvent);
    const answer = payload as
      | { statusCode?: unknown; headers?: Record<string, string>; body?: unknown }
      | undefined;
    if (typeof answer?.statusCode !== 'number' || typeof answer.body !== 'string')
      return {
        statusCode: 502,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Internal server error"}',
      };
    return { statusCode: answer.statusCode, headers: answer.headers ?? {}, body: answer.body };
  };
}
