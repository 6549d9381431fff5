/**
 * Caching that keeps revocation — every figure next to its baseline from the same run.
 *
 * 1. Workload figures, SIMULATED on a virtual clock: 10,000 users, Zipf(1.0) requests, 4 containers, one revocation
 *    per second, 30 virtual minutes. The code under test is the shipped staleness cache
 *    (lambdas/authorizer/staleness.ts) over an in-memory store and hint partition that count their reads; only time
 *    is simulated. Store reads per decision in staleness mode (S = 1) vs exact mode (1.0), and the worst stale
 *    answer after a revocation, at two request rates.
 * 2. Lag against REAL dynalite, real time: 4 in-process authorizer containers in staleness mode (S = 1) on the
 *    lean DynamoDB client, Zipf requests over 10,000 users, one revocation per second through the admin
 *    operations (entry, then hint). After each revocation every container probes the revoked token every 20 ms:
 *    revocation-to-enforcement lag = first refusal − revocation returned; any allow after it is counted.
 *    Exact mode on the same store as the baseline.
 * 3. API Gateway's cache at 300 s with flush on: the local API Gateway stand-in in front of the exact-mode
 *    authorizer, revocations flushing the stage through the stand-in's FlushStageAuthorizersCache endpoint;
 *    revocation-to-401 and Lambda invocations per request. Baseline: the same cache without the flush.
 *
 * Run: npm run bench caching   (builds first)
 */
import { createAuthorizerFromEnvironment } from '../lambdas/authorizer/index.js';
import { stalenessReader } from '../lambdas/verification/staleness.js';
import { createSignedFlusher } from '../lambdas/adapters/apigateway/authorizer-cache.js';
import { createSdkHintStore } from '../lambdas/adapters/dynamodb/hint-publisher.js';
import { createSdkStore } from '../lambdas/adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../lambdas/adapters/observability.js';
import { createAdminOperations } from '../lambdas/admin-signout/operations.js';
import { createSdkFlushLeaseStore } from '../lambdas/adapters/dynamodb/flush-lease.js';
import { createRevocationPropagation } from '../lambdas/revocation/propagation.js';
import { type HintReader, hintBuckets, type RevocationHint } from '../lambdas/core/hints.js';
import { lifetimePolicy } from '../lambdas/core/lifetime.js';
import type { RevocationReader } from '../lambdas/core/ports.js';
import type { RevocationEntry } from '../lambdas/core/revocation.js';
import { startApiGateway } from '../local/api-gateway.js';
import { LOCAL_AWS, startDynalite } from '../local/dynalite.js';
import { restTokenEvent } from '../test/fixtures/authorizer-events.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import { signAccessToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../test/fixtures/tokens.js';

const USERS = 10_000;
const CONTAINERS = 4;
const S = 1;
const MAX_AGE = 600;
const TABLE = 'bench-caching';

/** mulberry32: seeded, so every run draws the same workload. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf(s) over ranks 0..n-1 by inverse CDF. */
function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / (k + 1) ** s;
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k] = (cdf[k] as number) / sum;
  return () => {
    const u = rand();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const median = (values: number[]) => {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sub = (rank: number) => `user-${rank}`;

// ───────────────────────────── 1. simulated workload ─────────────────────────────

async function simulate(rate: number, seconds: number) {
  let now = 1_800_000_000_000;
  const entries = new Map<string, RevocationEntry[]>();
  const hints: RevocationHint[] = [];
  let storeReads = 0;
  let hintQueries = 0;
  const store: RevocationReader = {
    async readUser(s) {
      storeReads++;
      return entries.get(s) ?? [];
    },
  };
  const hintReader: HintReader = {
    async since(from, until) {
      hintQueries += hintBuckets(from, until).length;
      return { hints: hints.filter((h) => h.at >= from && h.at <= until), truncated: false };
    },
  };
  const containers = Array.from({ length: CONTAINERS }, () =>
    stalenessReader(store, {
      stalenessSeconds: S,
      maxAgeSeconds: MAX_AGE,
      hints: hintReader,
      clock: () => now,
    }),
  );
  const rand = random(11);
  const pick = zipf(USERS, 1.0, rand);
  const revokedAt = new Map<string, number>();
  let worstLagMs = 0;
  let stale = 0;
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const t = 1_800_000_000_000 + Math.floor((i * 1000) / rate);
    if (Math.floor(t / 1000) !== Math.floor(now / 1000) || i === 0) {
      // one revocation per second, of a user drawn uniformly
      const victim = sub(Math.floor(rand() * USERS));
      entries.set(victim, [
        ...(entries.get(victim) ?? []),
        {
          sub: victim,
          scope: 'user',
          id: victim,
          notBefore: Math.floor(t / 1000),
          revokedAt: t,
          expiresAt: 4e9,
        },
      ]);
      hints.push({ sub: victim, at: t });
      revokedAt.set(victim, t);
    }
    now = t;
    const s = sub(pick());
    const container = containers[Math.floor(rand() * CONTAINERS)] as (typeof containers)[number];
    const answer = await container.readUser(s);
    const truth = entries.get(s)?.length ?? 0;
    if (answer.length < truth) {
      stale++;
      worstLagMs = Math.max(worstLagMs, t - (revokedAt.get(s) ?? t));
    }
  }
  return { decisions: total, storeReads, hintQueries, stale, worstLagMs };
}

// ───────────────────────────── 2. lag against dynalite ─────────────────────────────

async function realLag(
  dynamoEndpoint: string,
  jwksUri: string,
  client: import('@aws-sdk/client-dynamodb').DynamoDBClient,
) {
  const env = (staleness: number): NodeJS.ProcessEnv => ({
    USER_POOL_ID: TEST_USER_POOL_ID,
    CLIENT_IDS: TEST_CLIENT_ID,
    TABLE_NAME: TABLE,
    JWKS_URI: jwksUri,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    REVOCATION_STALENESS_SECONDS: String(staleness),
    REVOCATION_MAX_AGE_SECONDS: String(MAX_AGE),
    // Every decision's line and a metrics document after each one: the counts below read them.
    DECISION_LOG_SAMPLE_RATE: '1',
    METRICS_FLUSH_DECISIONS: '1',
  });
  const counters = (lines: { decisions: number; reads: number }) => (text: string) => {
    for (const line of text.split('\n')) {
      if (line.includes('"message":"authorizer decision"')) lines.decisions++;
      const m = /"StoreRoundTrips":(\d+)/.exec(line);
      if (m) lines.reads += Number(m[1]);
    }
  };
  const tokens = new Map<string, string>();
  const token = (s: string) => {
    let t = tokens.get(s);
    if (!t) {
      t = signAccessToken({ sub: s, jti: `jti-${s}` });
      tokens.set(s, t);
    }
    return t;
  };
  const isAllow = (answer: unknown) =>
    (answer as { policyDocument?: { Statement?: { Effect?: string }[] } })?.policyDocument?.Statement?.[0]
      ?.Effect === 'Allow';
  const decide = async (authorize: (e: unknown) => Promise<unknown>, s: string) => {
    try {
      return isAllow(await authorize(restTokenEvent(`Bearer ${token(s)}`)));
    } catch {
      return false;
    }
  };
  const sink = () => {};
  const store = createSdkStore({ client, tableName: TABLE });
  const ops = createAdminOperations({
    reader: store,
    writer: store,
    inventory: store,
    audit: store,
    directory: { resolve: async (u) => ({ username: u, sub: u }), globalSignOut: async () => {} },
    policy: lifetimePolicy({}),
    propagation: createRevocationPropagation({ hints: createSdkHintStore({ client, tableName: TABLE }) }),
    logger: createLogger({ service: 'bench', sink }),
    metrics: createMetrics({ namespace: 'bench', service: 'bench', sink }),
  });

  async function run(staleness: number, seconds: number, revoke: boolean, seed: number) {
    const rand = random(seed);
    const pick = zipf(USERS, 1.0, rand);
    const metrics = { decisions: 0, reads: 0 };
    const containers = Array.from({ length: CONTAINERS }, () =>
      createAuthorizerFromEnvironment(env(staleness), { write: counters(metrics) }),
    );
    let done = false;
    let workload = 0;
    const loops = containers.map(async (authorize) => {
      while (!done) {
        await decide(authorize, sub(pick()));
        workload++;
        if (workload % 50 === 0) await sleep(0);
      }
    });
    const lags: number[] = [];
    let lateAllows = 0;
    let revocations = 0;
    const deadline = Date.now() + seconds * 1000;
    let n = 0;
    while (Date.now() < deadline) {
      const tick = Date.now();
      if (revoke) {
        const victim = `victim-${seed}-${n++}`;
        for (const c of containers) await decide(c, victim); // cached (allowed) in every container first
        const result = (await ops.run({
          operation: 'revokeToken',
          user: victim,
          jti: `jti-${victim}`,
          actor: 'bench',
          reason: 'bench',
        })) as { ok: boolean };
        const returned = Date.now();
        if (!result.ok) throw new Error('revocation failed');
        revocations++;
        await Promise.all(
          containers.map(async (c) => {
            for (;;) {
              const started = Date.now();
              if (!(await decide(c, victim))) {
                lags.push(started - returned);
                return;
              }
              if (started - returned > S * 1000) lateAllows++;
              if (started - returned > 5000) return;
              await sleep(20);
            }
          }),
        );
      }
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
    done = true;
    await Promise.all(loops);
    return { ...metrics, workload, lags, lateAllows, revocations };
  }

  const exact = await run(0, 5, false, 3);
  const cached = await run(S, 20, true, 5);
  return { exact, cached };
}

// ───────────────────────────── 3. API Gateway cache + flush ─────────────────────────────

async function gatewayFlush(
  dynamoEndpoint: string,
  jwksUri: string,
  client: import('@aws-sdk/client-dynamodb').DynamoDBClient,
) {
  const authorize = createAuthorizerFromEnvironment(
    {
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: TABLE,
      JWKS_URI: jwksUri,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    },
    { write: () => {} },
  );
  const gateway = await startApiGateway({
    authorizerFunction: 'authorizer',
    cacheTtlSeconds: 300,
    invoke: async (_fn, event) => {
      const started = performance.now();
      try {
        return { statusCode: 200, payload: await authorize(event), durationMs: performance.now() - started };
      } catch (error) {
        return {
          statusCode: 200,
          functionError: 'Unhandled' as const,
          payload: { errorMessage: (error as Error).message },
          durationMs: performance.now() - started,
        };
      }
    },
  });
  const sink = () => {};
  const store = createSdkStore({ client, tableName: TABLE });
  const flusher = createSignedFlusher({
    region: LOCAL_AWS.region,
    endpoint: new URL(gateway.endpoint),
    credentials: LOCAL_AWS.credentials,
  });
  const opsWith = (flush: boolean) =>
    createAdminOperations({
      reader: store,
      writer: store,
      inventory: store,
      audit: store,
      directory: { resolve: async (u) => ({ username: u, sub: u }), globalSignOut: async () => {} },
      policy: lifetimePolicy({}),
      propagation: createRevocationPropagation({
        hints: createSdkHintStore({ client, tableName: TABLE }),
        ...(flush
          ? {
              flusher,
              targets: [{ api: 'rest' as const, apiId: gateway.apiIds['rest-token'], stage: gateway.stage }],
              leases: createSdkFlushLeaseStore({ client, tableName: TABLE }),
            }
          : {}),
      }),
      logger: createLogger({ service: 'bench', sink }),
      metrics: createMetrics({ namespace: 'bench', service: 'bench', sink }),
    });
  const tokens = new Map<string, string>();
  const token = (s: string) => {
    let t = tokens.get(s);
    if (!t) {
      t = signAccessToken({ sub: s, jti: `jti-${s}` });
      tokens.set(s, t);
    }
    return t;
  };
  const call = async (s: string) => {
    const res = await fetch(`${gateway.urls.restToken}/pets`, {
      headers: { authorization: `Bearer ${token(s)}` },
    });
    await res.arrayBuffer();
    return res.status;
  };

  async function run(flush: boolean, seconds: number, seed: number) {
    gateway.flushCache();
    const before = gateway.stats();
    const ops = opsWith(flush);
    const rand = random(seed);
    const pick = zipf(USERS, 1.0, rand);
    let done = false;
    let requests = 0;
    const loops = Array.from({ length: 8 }, async () => {
      while (!done) {
        await call(sub(pick()));
        requests++;
      }
    });
    const fromStart: number[] = [];
    const adminMs: number[] = [];
    let staleAllows = 0;
    let n = 0;
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      const tick = Date.now();
      const victim = `gw-victim-${seed}-${n++}`;
      await call(victim); // an allow cached by the stand-in for 300 s
      // Probe the revoked token every 20 ms from the moment the revoke call starts, concurrently with it.
      const started = Date.now();
      let returned = Number.POSITIVE_INFINITY;
      const revocation = ops
        .run({
          operation: 'revokeToken',
          user: victim,
          jti: `jti-${victim}`,
          actor: 'bench',
          reason: 'bench',
        })
        .then((result) => {
          returned = Date.now();
          return result as { ok: boolean };
        });
      for (;;) {
        const probe = Date.now();
        const status = await call(victim);
        requests++;
        if (status === 401) {
          fromStart.push(probe - started);
          break;
        }
        if (probe > returned) staleAllows++;
        if (probe - started > 3000) break;
        await sleep(20);
      }
      const result = await revocation;
      adminMs.push(returned - started);
      if (flush && !result.ok) throw new Error('revocation with flush failed');
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
    done = true;
    await Promise.all(loops);
    const after = gateway.stats();
    const invocations = after.authorizerInvocations - before.authorizerInvocations;
    return { requests, invocations, fromStart, staleAllows, adminMs, revocations: n };
  }

  const withFlush = await run(true, 15, 7);
  const withoutFlush = await run(false, 10, 9);
  const flushes = gateway.flushes().length;
  flusher.destroy();
  await gateway.stop();
  return { withFlush, withoutFlush, flushes };
}

async function main() {
  console.log(
    '1. Simulated workload (virtual clock; the shipped staleness cache; 10,000 users, Zipf 1.0, 4 containers, 1 revocation/s, S = 1 s, max age 600 s, 30 virtual minutes)',
  );
  for (const rate of [2000, 500]) {
    const started = performance.now();
    const r = await simulate(rate, 1800);
    const perDecision = (r.storeReads + r.hintQueries) / r.decisions;
    console.log(
      `   ${rate} req/s: reads/decision ${perDecision.toFixed(4)} (user reads ${(r.storeReads / r.decisions).toFixed(4)} + hint polls ${(r.hintQueries / r.decisions).toFixed(4)}) vs exact 1.0000 → ×${(1 / perDecision).toFixed(0)} fewer; ` +
        `stale answers ${r.stale} of ${r.decisions}, worst ${r.worstLagMs} ms after the revocation (bound ${S * 1000} ms) [${((performance.now() - started) / 1000).toFixed(1)} s]`,
    );
  }

  const dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  const jwks = await startJwksServer();
  try {
    console.log(
      '2. Real dynalite, real time: 4 in-process containers, Zipf over 10,000 users, 1 revocation/s (admin operations: entry, then hint)',
    );
    const { exact, cached } = await realLag(dynamo.endpoint, jwks.uri, dynamo.client);
    console.log(
      `   exact mode (5 s):        ${exact.decisions} decisions, store round trips/decision ${(exact.reads / exact.decisions).toFixed(3)}`,
    );
    console.log(
      `   staleness S=1 (20 s):    ${cached.decisions} decisions, store round trips/decision ${(cached.reads / cached.decisions).toFixed(3)} ` +
        `(probes included; a short run: every user is read once per container before it is cached)`,
    );
    console.log(
      `   revocation → enforcement, ${cached.revocations} revocations × ${CONTAINERS} containers: median ${median(cached.lags)} ms, worst ${Math.max(...cached.lags)} ms (bound S = ${S * 1000} ms); allows later than S: ${cached.lateAllows}`,
    );

    console.log(
      '3. API Gateway stand-in, authorizer cache TTL 300 s, exact-mode authorizer, 8 clients, Zipf over 10,000 users, 1 revocation/s',
    );
    const gw = await gatewayFlush(dynamo.endpoint, jwks.uri, dynamo.client);
    const f = gw.withFlush;
    console.log(
      `   flush on (15 s): ${f.requests} requests, ${f.invocations} authorizer invocations = ${(f.invocations / f.requests).toFixed(3)} per request; ` +
        `revocation → 401 (probing every 20 ms from the revoke call's start): median ${median(f.fromStart)} ms, worst ${Math.max(...f.fromStart)} ms; ` +
        `allows after the revoke returned: ${f.staleAllows}; admin call median ${median(f.adminMs)} ms (two flushes, 1 s apart); ${gw.flushes} flushes received`,
    );
    const o = gw.withoutFlush;
    console.log(
      `   flush off (baseline, 10 s): ${o.requests} requests, ${(o.invocations / o.requests).toFixed(3)} invocations per request; ` +
        `revoked tokens still allowed 3 s after the revoke call: ${o.revocations - o.fromStart.length} of ${o.revocations} (${o.staleAllows} allows after it returned; the cached allow lives 300 s)`,
    );
  } finally {
    await jwks.stop();
    await dynamo.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
