// The API Gateway stand-in against a test-only fixture authorizer (test/e2e/fixtures/authorizer-fixture.cjs)
// hosted by the real Lambda endpoint: events, policy evaluation, status codes, context passing and caching.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiGateway, arnMatches, evaluatePolicy, startApiGateway } from '../../local/api-gateway.js';
import { type LambdaEndpoint, ROOT, startLambdaEndpoint } from '../../local/lambda-endpoint.js';

const FIXTURE = join(ROOT, 'test', 'e2e', 'fixtures', 'authorizer-fixture.cjs');

describe('API Gateway stand-in', () => {
  let lambda: LambdaEndpoint;
  let api: ApiGateway;
  const seen: unknown[] = [];

  beforeAll(async () => {
    lambda = await startLambdaEndpoint({ functions: [{ name: 'authz', bundle: FIXTURE }] });
    api = await startApiGateway({
      authorizerFunction: 'authz',
      invoke: async (fn, event) => {
        seen.push(event);
        return lambda.invoke(fn, event);
      },
    });
  });
  afterAll(async () => {
    await api?.stop();
    await lambda?.stop();
  });

  const call = (url: string, token?: string, method = 'GET') =>
    fetch(url, { method, headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

  it('sends a REST TOKEN event with the header value and the method ARN, and passes the context on as strings', async () => {
    // Arrange
    seen.length = 0;
    // Act
    const res = await call(`${api.urls.restToken}/orders/42`, 'allow');
    const body = (await res.json()) as { message: string; authorizer: Record<string, unknown> };
    // Assert
    expect(res.status).toBe(200);
    expect(seen[0]).toEqual({
      type: 'TOKEN',
      authorizationToken: 'Bearer allow',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:resttoken1/local/GET/orders/42',
    });
    expect(body.message).toBe('hello alice');
    expect(body.authorizer).toMatchObject({ principalId: 'user-1', username: 'alice', eventType: 'TOKEN' });
    expect(typeof body.authorizer.invocations).toBe('string');
    expect(res.headers.get('x-local-authorizer')).toBe('invoked');
  });

  it('sends a REST REQUEST event with headers as sent, query strings and request context', async () => {
    seen.length = 0;
    const res = await call(`${api.urls.restRequest}/items?x=1&x=2`, 'allow', 'POST');
    expect(res.status).toBe(200);
    const event = seen[0] as { headers: Record<string, string> };
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:restreqst1/local/POST/items',
      httpMethod: 'POST',
      path: '/items',
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
      requestContext: { stage: 'local', httpMethod: 'POST', apiId: 'restreqst1', accountId: '000000000000' },
    });
    expect(event.headers.Authorization).toBe('Bearer allow');
  });

  it('sends an HTTP API payload 2.0 event with lower-cased headers and identitySource; simple response passes context under lambda', async () => {
    seen.length = 0;
    const res = await call(`${api.urls.httpApi}/things?a=1&a=2`, 'allow');
    const body = (await res.json()) as { authorizer: { lambda: Record<string, unknown> } };
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:us-east-1:000000000000:httpapi001/local/GET/things',
      identitySource: ['Bearer allow'],
      routeKey: '$default',
      rawPath: '/things',
      rawQueryString: 'a=1&a=2',
      queryStringParameters: { a: '1,2' },
      headers: { authorization: 'Bearer allow' },
      requestContext: { http: { method: 'GET', path: '/things' }, stage: 'local' },
    });
    expect(body.authorizer.lambda).toMatchObject({ username: 'alice', version: '2.0' });
    expect(typeof body.authorizer.lambda.invocations).toBe('number');
  });

  it('answers 401 without invoking the authorizer when the identity source is missing', async () => {
    const before = api.stats();
    const res = await call(`${api.urls.restToken}/x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(api.stats().authorizerInvocations).toBe(before.authorizerInvocations);
    expect(api.stats().skipped).toBe(before.skipped + 1);
  });

  it('maps authorizer answers to API Gateway status codes', async () => {
    const cases: [string, string, number, unknown][] = [
      [api.urls.restToken, 'throw-unauthorized', 401, { message: 'Unauthorized' }],
      [
        api.urls.restToken,
        'deny',
        403,
        { Message: 'User is not authorized to access this resource with an explicit deny' },
      ],
      [
        api.urls.restToken,
        'allow-and-deny',
        403,
        { Message: 'User is not authorized to access this resource with an explicit deny' },
      ],
      [api.urls.restToken, 'object-context', 500, { message: null }],
      [api.urls.restToken, 'no-principal', 500, { message: null }],
      [api.urls.restToken, 'something-else', 500, { message: null }],
      [api.urls.httpApi, 'deny', 403, { message: 'Forbidden' }],
      [api.urls.httpApi, 'something-else', 500, { message: 'Internal Server Error' }],
    ];
    for (const [base, token, status, body] of cases) {
      const res = await call(`${base}/p`, token);
      expect([token, res.status]).toEqual([token, status]);
      expect(await res.json()).toEqual(body);
    }
  });

  it('applies a method-specific Allow to that method only (implicit deny elsewhere)', async () => {
    const allowed = await call(`${api.urls.restToken}/a`, 'allow-this-method-only', 'GET');
    const other = await call(`${api.urls.restToken}/a`, 'allow-this-method-only', 'DELETE');
    expect(allowed.status).toBe(200);
    expect(other.status).toBe(200); // not cached (TTL 0): the authorizer ran again for DELETE and allowed that ARN
  });

  it('with a result TTL, serves the cached policy per identity, re-evaluated against each method ARN, until it expires', async () => {
    // Arrange
    api.setCacheTtl(1);
    const before = api.stats();
    // Act
    const first = await call(`${api.urls.restToken}/a`, 'allow-this-method-only', 'GET');
    const second = await call(`${api.urls.restToken}/a`, 'allow-this-method-only', 'GET');
    const otherMethod = await call(`${api.urls.restToken}/a`, 'allow-this-method-only', 'DELETE');
    await new Promise((r) => setTimeout(r, 1100));
    const afterTtl = await call(`${api.urls.restToken}/a`, 'allow-this-method-only', 'DELETE');
    api.setCacheTtl(0);
    // Assert
    expect([first.status, first.headers.get('x-local-authorizer')]).toEqual([200, 'invoked']);
    expect([second.status, second.headers.get('x-local-authorizer')]).toEqual([200, 'cache-hit']);
    // The cached policy names the GET method only: a cached answer for another method is a 403, as in AWS.
    expect([otherMethod.status, otherMethod.headers.get('x-local-authorizer')]).toEqual([403, 'cache-hit']);
    expect([afterTtl.status, afterTtl.headers.get('x-local-authorizer')]).toEqual([200, 'invoked']);
    expect(api.stats().authorizerInvocations - before.authorizerInvocations).toBe(2);
  });

  it('does not cache thrown errors', async () => {
    api.setCacheTtl(60);
    const a = await call(`${api.urls.restToken}/a`, 'throw-unauthorized');
    const b = await call(`${api.urls.restToken}/a`, 'throw-unauthorized');
    api.setCacheTtl(0);
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(b.headers.get('x-local-authorizer')).toBe('invoked');
  });

  it('rejects a TTL outside 0..3600 whole seconds', () => {
    expect(() => api.setCacheTtl(3601)).toThrow(/0 to 3600/);
    expect(() => api.setCacheTtl(1.5)).toThrow(/whole number/);
  });
});

describe('IAM policy evaluation', () => {
  const arn = 'arn:aws:execute-api:us-east-1:000000000000:api1/local/GET/orders/42';
  const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

  it('allows on a matching Allow, lets an explicit Deny win, denies implicitly otherwise', () => {
    expect(evaluatePolicy(doc({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: arn }), arn)).toBe(
      'allow',
    );
    expect(
      evaluatePolicy(
        doc(
          { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' },
          { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: arn },
        ),
        arn,
      ),
    ).toBe('explicit-deny');
    expect(
      evaluatePolicy(doc({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${arn}/x` }), arn),
    ).toBe('implicit-deny');
    expect(evaluatePolicy(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), arn)).toBe(
      'implicit-deny',
    );
    expect(evaluatePolicy({}, arn)).toBe('implicit-deny');
    expect(evaluatePolicy(null, arn)).toBe('implicit-deny');
    expect(
      evaluatePolicy({ Statement: { Effect: 'Allow', Action: ['execute-api:*'], Resource: [arn] } }, arn),
    ).toBe('allow');
  });

  it('matches IAM wildcards: * spans separators, ? is one character, everything else is literal', () => {
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:api1/local/*/*', arn)).toBe(true);
    expect(arnMatches('arn:aws:execute-api:*:*:api1/*', arn)).toBe(true);
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:api1/local/G?T/orders/42', arn)).toBe(true);
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:api1/local/G?/orders/42', arn)).toBe(false);
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:api1.local/*', arn)).toBe(false);
    expect(arnMatches('ARN:aws:execute-api:us-east-1:000000000000:api1/local/*', arn)).toBe(false);
  });
});
