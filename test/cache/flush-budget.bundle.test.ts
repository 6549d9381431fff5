/**
 * The flush budget on the BUILT functions: API Gateway allows 10 management requests per second (burst 40) per
 * account and Region, shared by every management call; the local stand-in enforces exactly that on its flush API
 * (token bucket, 429 beyond). A sustained self-service logout burst (5 per second, three logout containers) must
 * not starve an admin's revocation: the admin's stages are flushed and the admin result says so, stage by stage.
 * Then a logout replayed for an already revoked session announces no flush at all.
 *
 * Everything is real except API Gateway itself (the local stand-in, which answers the flush calls and keeps the
 * authorizer cache) and the authorizer it calls (a fixed allow here: this test is about the cache, not decisions).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiGateway, startApiGateway } from '../../local/api-gateway.js';
import { type CognitoLocal, startCognitoLocal } from '../../local/cognito.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { type Handler, loadWithEnvironment } from '../fixtures/bundles.js';
import { type Capture, captureOutput } from '../support/capture.js';

const TABLE = 'flush-budget';
const LOGOUTS_PER_SECOND = 5;
const BURST_SECONDS = 8;
const ADMIN_AT_MS = 3000;
const CONTEXT = { getRemainingTimeInMillis: () => 30_000 };

let dynamo: LocalDynamo;
let cognito: CognitoLocal;
let gateway: ApiGateway;
let capture: Capture;
let victim: { username: string; sub: string };
const loaded: { handler: Handler; restore: () => void }[] = [];
let logouts: Handler[];
let admin: Handler;

interface Propagation {
  ok: boolean;
  hint?: { written: boolean; error?: string };
  skipped?: string;
  flushes: { target: string; ok: boolean; error?: string; coveredBy?: { flush: number; own: boolean } }[];
}

/** A logout as API Gateway passes it to the function (REST proxy): the authorizer's context is the identity. */
function logoutEvent(sub: string, sessionId: string, originJti: string, jti: string) {
  return {
    resource: '/logout',
    httpMethod: 'POST',
    headers: {},
    body: null,
    requestContext: {
      authorizer: {
        principalId: sub,
        sub,
        sessionId,
        originJti,
        jti,
        exp: String(Math.floor(Date.now() / 1000) + 3600),
      },
    },
  };
}

async function cacheState(url: string): Promise<string | null> {
  const response = await fetch(`${url}/pets`, { headers: { authorization: 'Bearer victim-token' } });
  return response.headers.get('x-local-authorizer');
}

beforeAll(async () => {
  [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal()]);
  await dynamo.createTable(TABLE);
  victim = await cognito.createUser('victim', 'Passw0rd!long');
  gateway = await startApiGateway({
    authorizerFunction: 'authorizer',
    cacheTtlSeconds: 300,
    managementRateLimit: { ratePerSecond: 10, burst: 40 },
    invoke: async (_fn, event) => {
      const e = event as { version?: string; methodArn?: string };
      const arn = e.methodArn?.split('/').slice(0, 2).join('/');
      const payload =
        e.version === '2.0'
          ? { isAuthorized: true, context: {} }
          : {
              principalId: 'victim',
              policyDocument: {
                Version: '2012-10-17',
                Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arn}/*` }],
              },
            };
      return { statusCode: 200, payload, durationMs: 1 };
    },
  });
  const env = {
    TABLE_NAME: TABLE,
    USER_POOL_ID: cognito.userPoolId,
    TOKEN_LIFETIME_SECONDS: '3600',
    REFRESH_TOKEN_LIFETIME_SECONDS: '86400',
    CACHE_FLUSH_TARGETS: JSON.stringify([
      { api: 'rest', apiId: gateway.apiIds['rest-token'], stage: gateway.stage },
      { api: 'rest', apiId: gateway.apiIds['rest-request'], stage: gateway.stage },
      { api: 'http', apiId: gateway.apiIds.http, stage: gateway.stage },
    ]),
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    AWS_ENDPOINT_URL_API_GATEWAY: gateway.endpoint,
  };
  capture = captureOutput({ stderr: false });
  for (let i = 0; i < 3; i++) loaded.push(loadWithEnvironment('logout', env));
  loaded.push(loadWithEnvironment('admin-signout', env));
  logouts = loaded.slice(0, 3).map((c) => c.handler);
  admin = (loaded[3] as { handler: Handler }).handler;
}, 60_000);

afterAll(async () => {
  capture?.restore();
  for (const c of loaded.reverse()) c.restore();
  await Promise.all([gateway?.stop(), dynamo?.stop(), cognito?.stop()]);
});

describe('flush budget: a logout burst does not starve an admin revocation (built bundles)', () => {
  it('5 logouts/s for 8 s across three containers, an admin revokes a token meanwhile: the admin’s three stages are covered', async () => {
    // Arrange: the burst, one logout of a new session every 200 ms, round-robin over the containers
    const results: Promise<{ statusCode: number; body: string }>[] = [];
    const started = performance.now();
    const burst = (async () => {
      for (let i = 0; i < LOGOUTS_PER_SECOND * BURST_SECONDS; i++) {
        const due = started + (i * 1000) / LOGOUTS_PER_SECOND;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const event = logoutEvent(randomUUID(), `s-${i}`, `o-${i}`, `j-${i}`);
        results.push(logouts[i % 3]?.(event, CONTEXT) as Promise<{ statusCode: number; body: string }>);
      }
    })();
    await new Promise((r) => setTimeout(r, ADMIN_AT_MS));
    // The victim's token gets an allow into the cache of every API (the burst's flushes may empty them again
    // at any moment: what matters is that none is left once the admin call has returned).
    for (const url of [gateway.urls.restToken, gateway.urls.restRequest, gateway.urls.httpApi])
      expect(await cacheState(url)).toMatch(/^(invoked|cache-hit)$/);
    // Act: the admin revokes the stolen token in the middle of the burst
    const adminStarted = performance.now();
    const adminResult = (await admin(
      {
        operation: 'revokeToken',
        user: victim.username,
        jti: 'stolen-jti',
        exp: Math.floor(Date.now() / 1000) + 3600,
        actor: 'ops',
        reason: 'stolen token',
      },
      CONTEXT,
    )) as { ok: boolean; written: boolean; propagation?: Propagation; error?: { message: string } };
    const adminMs = Math.round(performance.now() - adminStarted);
    const afterAdmin = await Promise.all(
      [gateway.urls.restToken, gateway.urls.restRequest, gateway.urls.httpApi].map(cacheState),
    );
    await burst;
    const logoutResults = await Promise.all(results);
    // The figures of this run, for docs/caching.md (stderr: the bundles' own log lines on stdout are captured).
    process.stderr.write(
      `flush budget: ${logoutResults.length + 1} revocations, management calls ${JSON.stringify(gateway.managementCalls())}, admin call ${adminMs} ms, admin flushes ${JSON.stringify(adminResult.propagation?.flushes)}\n`,
    );
    // Assert: the admin's revocation is written and covered on every stage, and the result says by which flush
    // (The hint's own 1 s publish deadline is not this test's subject: on a loaded machine it can fail alone, and
    // then `ok` is false for that reason only — the message never names a cache flush.)
    expect(adminResult.written).toBe(true);
    expect(adminResult.propagation?.flushes.every((f) => f.ok)).toBe(true);
    expect(adminResult.error?.message ?? '').not.toMatch(/cache flush/);
    if (adminResult.propagation?.hint?.written) expect(adminResult.ok).toBe(true);
    expect(adminResult.propagation?.flushes.map((f) => f.target).sort()).toEqual(
      [
        `http:${gateway.apiIds.http}/${gateway.stage}`,
        `rest:${gateway.apiIds['rest-request']}/${gateway.stage}`,
        `rest:${gateway.apiIds['rest-token']}/${gateway.stage}`,
      ].sort(),
    );
    for (const f of adminResult.propagation?.flushes ?? [])
      expect(f).toMatchObject({ ok: true, coveredBy: { flush: expect.any(Number) } });
    // … and the victim's cached allows are gone from every API once the admin call returned
    expect(afterAdmin).toEqual(['invoked', 'invoked', 'invoked']);
    // Nobody was throttled, and the logouts' own revocations were covered too (no caller starves another)
    expect(gateway.managementCalls().throttled).toBe(0);
    expect(logoutResults).toHaveLength(LOGOUTS_PER_SECOND * BURST_SECONDS);
    const uncovered = logoutResults
      .map((r) => ({ status: r.statusCode, body: JSON.parse(r.body) as { propagation?: Propagation } }))
      .filter((r) => r.status !== 200 || r.body.propagation?.flushes.length !== 3)
      .concat(
        logoutResults
          .map((r) => ({ status: r.statusCode, body: JSON.parse(r.body) as { propagation?: Propagation } }))
          .filter((r) => r.body.propagation?.flushes.some((f) => !f.ok)),
      );
    expect(uncovered).toEqual([]);
    // Coalesced: far fewer flush calls than the 2 per stage per revocation of flushing each one on its own
    const revocations = logoutResults.length + 1;
    expect(gateway.managementCalls().accepted).toBeLessThan(revocations * 3);
  }, 90_000);

  it('a logout replayed for a session that is already revoked announces no flush', async () => {
    const sub = randomUUID();
    const event = logoutEvent(sub, 's-replay', 'o-replay', 'j-replay');
    const first = (await logouts[0]?.(event, CONTEXT)) as { statusCode: number; body: string };
    const firstFlushes = (JSON.parse(first.body) as { propagation: Propagation }).propagation.flushes;
    expect(firstFlushes.map((f) => f.ok)).toEqual([true, true, true]);
    const calls = gateway.managementCalls().accepted;
    const replay = (await logouts[1]?.(event, CONTEXT)) as { statusCode: number; body: string };
    const body = JSON.parse(replay.body) as { ok: boolean; propagation: Propagation };
    expect(replay.statusCode).toBe(200);
    expect(body.propagation.flushes).toEqual([]);
    expect(body.propagation.skipped).toMatch(/nothing changed|no flush/);
    expect(gateway.managementCalls().accepted).toBe(calls);
  }, 30_000);
});
