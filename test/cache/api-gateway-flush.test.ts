/**
 * The API Gateway stand-in's control plane: the admin function's signed flushes (REST FlushStageAuthorizersCache,
 * HTTP API ResetAuthorizersCache) empty the authorizer result cache of exactly that API's stage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedFlusher } from '../../lambdas/adapters/apigateway/authorizer-cache.js';
import { createRevocationPropagation } from '../../lambdas/revocation/propagation.js';
import { type ApiGateway, startApiGateway } from '../../local/api-gateway.js';
import { createSdkFlushLeaseStore } from '../../lambdas/adapters/dynamodb/flush-lease.js';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../../local/dynalite.js';

let gateway: ApiGateway;
let dynamo: LocalDynamo;
let invocations = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable('flush-leases');
  gateway = await startApiGateway({
    authorizerFunction: 'authorizer',
    cacheTtlSeconds: 300,
    invoke: async (_fn, event) => {
      invocations++;
      const e = event as { version?: string; methodArn?: string };
      const payload =
        e.version !== '2.0'
          ? {
              principalId: 'u',
              policyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Action: 'execute-api:Invoke',
                    Effect: 'Allow',
                    Resource: `${e.methodArn?.split('/').slice(0, 2).join('/')}/*`,
                  },
                ],
              },
            }
          : { isAuthorized: true, context: {} };
      return { statusCode: 200, payload, durationMs: 1 };
    },
  });
});

afterAll(async () => {
  await Promise.all([gateway.stop(), dynamo.stop()]);
});

const call = (url: string) =>
  fetch(url, { headers: { authorization: 'Bearer x' } }).then((r) => r.headers.get('x-local-authorizer'));

describe('API Gateway stand-in: flush endpoints', () => {
  it('a signed flush of each API stage empties that API’s cache only; unknown stages are 404; unsigned 403', async () => {
    // Arrange: cached allows on the REST TOKEN API and the HTTP API
    expect(await call(`${gateway.urls.restToken}/pets`)).toBe('invoked');
    expect(await call(`${gateway.urls.restToken}/pets`)).toBe('cache-hit');
    expect(await call(`${gateway.urls.httpApi}/pets`)).toBe('invoked');
    expect(await call(`${gateway.urls.httpApi}/pets`)).toBe('cache-hit');
    const flusher = createSignedFlusher({
      region: 'us-east-1',
      endpoint: new URL(gateway.endpoint),
      credentials: LOCAL_AWS.credentials,
    });
    const propagation = createRevocationPropagation({
      flusher,
      targets: [{ api: 'rest', apiId: gateway.apiIds['rest-token'], stage: gateway.stage }],
      leases: createSdkFlushLeaseStore({ client: dynamo.client, tableName: 'flush-leases' }),
      settleMs: 0,
    });
    // Act
    const report = await propagation.announce('alice');
    // Assert
    expect(report).toEqual({
      ok: true,
      flushes: [{ target: `rest:resttoken1/${gateway.stage}`, ok: true, coveredBy: { flush: 1, own: true } }],
    });
    expect(gateway.flushes().map((f) => f.api)).toEqual(['rest-token']);
    expect(await call(`${gateway.urls.restToken}/pets`)).toBe('invoked');
    expect(await call(`${gateway.urls.httpApi}/pets`)).toBe('cache-hit');
    await flusher.flush({ api: 'http', apiId: gateway.apiIds.http, stage: gateway.stage });
    expect(await call(`${gateway.urls.httpApi}/pets`)).toBe('invoked');
    await expect(flusher.flush({ api: 'http', apiId: gateway.apiIds.http, stage: 'prod' })).rejects.toThrow(
      /404/,
    );
    const unsigned = await fetch(
      `${gateway.endpoint}/restapis/resttoken1/stages/${gateway.stage}/cache/authorizers`,
      {
        method: 'DELETE',
      },
    );
    expect(unsigned.status).toBe(403);
    flusher.destroy();
    expect(invocations).toBe(4);
  });
});
