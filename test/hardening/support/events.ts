/**
 * The four event shapes the authorizer answers, carrying a given Authorization value, and how to read the verdict
 * from each shape's answer: REST denies by throwing exactly `Error('Unauthorized')`, HTTP API 2.0 (simple
 * responses) and AppSync by `{ isAuthorized: false }`.
 */
import type { Handler } from '../../fixtures/bundles.js';

export type EventShape = 'rest_token' | 'rest_request' | 'http_v2' | 'appsync';
export const EVENT_SHAPES: readonly EventShape[] = ['rest_token', 'rest_request', 'http_v2', 'appsync'];

export const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders/42';
export const ROUTE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/GET/orders';

export function eventFor(shape: EventShape, authorization: string): Record<string, unknown> {
  switch (shape) {
    case 'rest_token':
      return { type: 'TOKEN', authorizationToken: authorization, methodArn: METHOD_ARN };
    case 'rest_request':
      return {
        type: 'REQUEST',
        methodArn: METHOD_ARN,
        resource: '/orders/{id}',
        path: '/orders/42',
        httpMethod: 'GET',
        headers: { Authorization: authorization, Host: 'api.example.com' },
        multiValueHeaders: { Authorization: [authorization], Host: ['api.example.com'] },
        queryStringParameters: {},
        pathParameters: { id: '42' },
        stageVariables: {},
        requestContext: { accountId: '123456789012', apiId: 'abcdef1234', stage: 'prod', httpMethod: 'GET' },
      };
    case 'http_v2':
      return {
        version: '2.0',
        type: 'REQUEST',
        routeArn: ROUTE_ARN,
        identitySource: [authorization],
        routeKey: 'GET /orders',
        rawPath: '/orders',
        rawQueryString: '',
        headers: { authorization, host: 'api.example.com' },
        requestContext: {
          accountId: '123456789012',
          apiId: 'abcdef1234',
          http: { method: 'GET', path: '/orders' },
          stage: '$default',
        },
      };
    case 'appsync':
      return {
        authorizationToken: authorization,
        requestContext: {
          apiId: 'xyz789appsync',
          accountId: '123456789012',
          requestId: 'b2f1a9c0-0000-4000-8000-000000000001',
          queryString: 'query { orders { id } }',
          operationName: 'Orders',
          variables: {},
        },
        requestHeaders: { authorization },
      };
  }
}

export type Verdict = 'allow' | 'deny';

export interface Answer {
  readonly verdict: Verdict;
  /** Set when the answer has a shape the event kind does not allow (any throw other than `Unauthorized`, ...). */
  readonly malformed?: string;
  readonly elapsedMs: number;
}

/**
 * Invokes and classifies the answer. `restStyle` true: a deny must be exactly a thrown `Error('Unauthorized')` and an
 * allow an Allow policy. `false`: nothing may be thrown; `{ isAuthorized }` answers. `'either'` (fuzzed events whose
 * kind is not known in advance): a throw must be `Unauthorized` from an event carrying a `methodArn`; a return must
 * be an IAM policy or `{ isAuthorized: boolean }`.
 */
export async function invoke(
  handler: Handler,
  event: unknown,
  restStyle: boolean | 'either',
): Promise<Answer> {
  const started = performance.now();
  let result: unknown;
  try {
    result = await handler(event);
  } catch (error) {
    const elapsedMs = performance.now() - started;
    const hasMethodArn =
      typeof event === 'object' &&
      event !== null &&
      typeof (event as { methodArn?: unknown }).methodArn === 'string';
    const mayThrow = restStyle === true || (restStyle === 'either' && hasMethodArn);
    if (mayThrow && error instanceof Error && error.message === 'Unauthorized' && error.name === 'Error') {
      return { verdict: 'deny', elapsedMs };
    }
    return { verdict: 'deny', malformed: `threw ${String(error)}`, elapsedMs };
  }
  const elapsedMs = performance.now() - started;
  const r = result as { policyDocument?: { Statement?: unknown }; isAuthorized?: unknown } | null | undefined;
  const raw = r?.policyDocument?.Statement;
  const statements: { Effect?: unknown }[] = Array.isArray(raw) ? raw : [];
  const isPolicy = statements.length > 0;
  if (restStyle === true || (restStyle === 'either' && isPolicy)) {
    if (isPolicy && statements.every((s) => s.Effect === 'Allow')) {
      return { verdict: 'allow', elapsedMs };
    }
    if (restStyle === 'either' && isPolicy && statements.every((s) => s.Effect === 'Deny')) {
      return { verdict: 'deny', elapsedMs };
    }
    return {
      verdict: 'deny',
      malformed: `answer is not an Allow policy nor a throw: ${JSON.stringify(r)}`,
      elapsedMs,
    };
  }
  if (r?.isAuthorized === true) return { verdict: 'allow', elapsedMs };
  if (r?.isAuthorized === false) return { verdict: 'deny', elapsedMs };
  return { verdict: 'deny', malformed: `answer is neither allow nor deny: ${JSON.stringify(r)}`, elapsedMs };
}

export const isRestShape = (shape: EventShape) => shape === 'rest_token' || shape === 'rest_request';
