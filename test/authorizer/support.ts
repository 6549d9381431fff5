/**
 * Shared fixtures for the authorizer tests and benchmark:
 * - `memoryBlocklist(entries?)`: an in-memory `RevocationReader` counting its calls (unit tests, benchmark);
 * - API Gateway / AppSync event builders (`restTokenEvent`, `restRequestEvent`, `httpApiEvent`, `appSyncEvent`);
 * - `lastDecision(output, mark?)`: the last decision log line and EMF line in captured output.
 * The bundle loader and the output capture are test/support/bundles.ts and test/support/capture.ts.
 */
import type { RevocationReader } from '../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';
import type { Capture } from '../support/capture.js';

export const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets/42';
export const STAGE_RESOURCE = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*';

export interface MemoryBlocklist extends RevocationReader {
  /** The `sub` of every read, in order. */
  readonly calls: string[];
  put(entry: RevocationEntry): void;
  failWith(error: Error | undefined): void;
}

export function memoryBlocklist(initial: RevocationEntry[] = []): MemoryBlocklist {
  const entries = [...initial];
  const calls: string[] = [];
  let failure: Error | undefined;
  return {
    calls,
    put: (entry) => {
      entries.push(entry);
    },
    failWith: (error) => {
      failure = error;
    },
    async readUser(sub) {
      calls.push(sub);
      if (failure) throw failure;
      return entries.filter((e) => e.sub === sub);
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

/** The last decision log line and the last EMF line written since `mark` (an offset from `output.offset()`). */
export function lastDecision(output: Capture, mark = 0) {
  const records = output.json(mark);
  const decision = [...records].reverse().find((r) => r.message === 'authorizer decision');
  const metrics = [...records].reverse().find((r) => r._aws !== undefined);
  return { decision, metrics };
}
