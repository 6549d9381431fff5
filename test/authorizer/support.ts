/**
 * Shared fixtures for the authorizer tests and benchmark:
 * - `memoryBlocklist(entries?)`: an in-memory `BlocklistReader` counting its calls (unit tests, benchmark);
 * - API Gateway / AppSync event builders (`restTokenEvent`, `restRequestEvent`, `httpApiEvent`, `appSyncEvent`);
 * - `loadAuthorizerBundle(env)`: requires the BUILT bundle dist/authorizer/index.js in a fresh module registry
 *   with exactly the given authorizer variables set (the shipped artifact, as Lambda loads it);
 * - `captureStdout()`: collects everything written to stdout until `restore()`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BlocklistReader } from '../../lambdas/core/ports.js';
import { type RevocationEntry, type RevocationKey, sameKey } from '../../lambdas/core/revocation.js';

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE = join(ROOT, 'dist', 'authorizer', 'index.js');
export const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets/42';
export const STAGE_RESOURCE = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*';

export interface MemoryBlocklist extends BlocklistReader {
  readonly calls: RevocationKey[][];
  put(entry: RevocationEntry): void;
  failWith(error: Error | undefined): void;
}

export function memoryBlocklist(initial: RevocationEntry[] = []): MemoryBlocklist {
  const entries = [...initial];
  const calls: RevocationKey[][] = [];
  let failure: Error | undefined;
  return {
    calls,
    put: (entry) => {
      entries.push(entry);
    },
    failWith: (error) => {
      failure = error;
    },
    async find(keys) {
      calls.push([...keys]);
      if (failure) throw failure;
      return entries.filter((e) => keys.some((k) => sameKey(k, e)));
    },
  };
}

export function restTokenEvent(authorizationToken: unknown, methodArn = METHOD_ARN) {
  return { type: 'TOKEN', authorizationToken, methodArn };
}

export function restRequestEvent(headers: Record<string, unknown> | null, methodArn = METHOD_ARN) {
  return {
    type: 'REQUEST',
    methodArn,
    resource: '/pets/{id}',
    path: '/pets/42',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: null,
    queryStringParameters: null,
    pathParameters: { id: '42' },
    stageVariables: null,
    requestContext: { accountId: '123456789012', apiId: 'a1b2c3d4e5', stage: 'prod', httpMethod: 'GET' },
  };
}

export function httpApiEvent(headers: Record<string, string> | undefined, routeArn = METHOD_ARN) {
  const authorization = headers?.authorization;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn,
    identitySource: authorization === undefined ? undefined : [authorization],
    routeKey: 'GET /pets/{id}',
    rawPath: '/pets/42',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      http: { method: 'GET', path: '/pets/42' },
      stage: 'prod',
    },
  };
}

export function appSyncEvent(authorizationToken: unknown) {
  return {
    authorizationToken,
    requestContext: {
      apiId: 'xxxxxxxxxxxxxxxxxxxxxxxxxx',
      accountId: '123456789012',
      requestId: 'f4081827-1111-4444-5555-5cf4d9c0b5a9',
      queryString: 'query { pets { id } }',
      operationName: 'Pets',
      variables: {},
    },
    requestHeaders: {},
  };
}

/** Every variable the bundle may read; cleared before each load so configurations never leak between loads. */
const VARIABLES = [
  'USER_POOL_ID',
  'CLIENT_IDS',
  'TOKEN_USE',
  'TABLE_NAME',
  'SESSION_CLAIM',
  'FAIL_MODE',
  'STORE_TIMEOUT_MS',
  'STORE_MAX_ATTEMPTS',
  'CONSISTENT_READ',
  'REVOCATION_CACHE_TTL_SECONDS',
  'HTTP_API_RESPONSE_MODE',
  'JWKS_URI',
  'LOG_LEVEL',
  'METRICS_NAMESPACE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
];

export type Handler = (event: unknown) => Promise<unknown>;

/**
 * A fresh copy of the built bundle with `env` as its environment. The bundle reads the environment at its first
 * invocation, so the variables stay set until the next load.
 */
export function loadAuthorizerBundle(env: Record<string, string>): Handler {
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  const require = createRequire(__filename);
  delete require.cache[require.resolve(BUNDLE)];
  return (require(BUNDLE) as { handler: Handler }).handler;
}

export interface CapturedOutput {
  readonly lines: string[];
  /** Parsed JSON lines (non-JSON lines are skipped). */
  json(): Record<string, unknown>[];
  restore(): void;
}

export function captureStdout(): CapturedOutput {
  const original = process.stdout.write.bind(process.stdout);
  const lines: string[] = [];
  let partial = '';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    partial += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    lines,
    json: () =>
      lines.flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    restore: () => {
      if (partial) lines.push(partial);
      process.stdout.write = original;
    },
  };
}

/** The last decision log line and the last EMF line written since `from`. */
export function lastDecision(output: CapturedOutput, from = 0) {
  const records = output.json().slice(from);
  const decision = [...records].reverse().find((r) => r.message === 'authorizer decision');
  const metrics = [...records].reverse().find((r) => r._aws !== undefined);
  return { decision, metrics };
}
