/**
 * Proof of the staleness mode's bound with several authorizer containers: each a worker thread running the built
 * dist/authorizer bundle with REVOCATION_STALENESS_SECONDS=1 against dynalite, its clock skewed by up to ± 2 s,
 * frozen (not invoked) for up to 2.5 s at random, while the admin operations revoke tokens (racing the decisions)
 * and publish hints stamped by clocks that are also ± 2 s off.
 *
 * - Every revocation is enforced by every container for every decision that starts more than S after the
 *   revocation returned (no allow later than that), whatever the skews and freezes.
 * - With the hint write failing: the admin result says so (not ok, `propagation.hint.written: false`), and no
 *   container allows the revoked token past the maximum age.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkHintStore } from '../../lambdas/adapters/dynamodb/hint-publisher.js';
import { createSdkStore } from '../../lambdas/adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../../lambdas/adapters/observability.js';
import { createAdminOperations } from '../../lambdas/admin-signout/operations.js';
import { createRevocationPropagation } from '../../lambdas/revocation/propagation.js';
import type { HintPublisher } from '../../lambdas/core/hints.js';
import { lifetimePolicy } from '../../lambdas/core/lifetime.js';
import { StoreError } from '../../lambdas/core/ports.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';
import { bundleFile, LOCAL_ENV } from '../fixtures/bundles.js';
import { type JwksServer, startJwksServer } from '../fixtures/jwks.js';
import { signAccessToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../fixtures/tokens.js';

const TABLE = 'containers';
const S_MS = 1000;
let dynamo: LocalDynamo;
let jwks: JwksServer;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  jwks = await startJwksServer();
});

afterAll(async () => {
  await jwks.stop();
  await dynamo.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Container {
  decide(token: string): Promise<'allow' | 'deny'>;
  /** Decision lines written so far (decision log + metrics). */
  readonly lines: Record<string, unknown>[];
  stop(): Promise<void>;
}

function startContainer(skewMs: number, env: Record<string, string>): Container {
  const worker = new Worker(join(__dirname, 'fixtures', 'authorizer-container.cjs'), {
    workerData: { skewMs, bundle: bundleFile('authorizer') },
    env: {
      ...LOCAL_ENV,
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      JWKS_URI: jwks.uri,
      REVOCATION_STALENESS_SECONDS: String(S_MS / 1000),
      ...env,
    },
    stdout: true,
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  worker.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if ('decision' in parsed) lines.push(parsed);
      } catch {
        // not a JSON line
      }
    }
  });
  const pending = new Map<string, (verdict: 'allow' | 'deny') => void>();
  worker.on('message', (m: { id: string; verdict: 'allow' | 'deny' }) => pending.get(m.id)?.(m.verdict));
  return {
    lines,
    decide(token) {
      const id = randomUUID();
      return new Promise((resolve) => {
        pending.set(id, (v) => {
          pending.delete(id);
          resolve(v);
        });
        worker.postMessage({
          id,
          event: { type: 'TOKEN', authorizationToken: token, methodArn: METHOD_ARN },
        });
      });
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/pets';

function adminOperations(skewMs: number, hints: HintPublisher) {
  const clock = () => Date.now() + skewMs;
  const store = createSdkStore({ client: dynamo.client, tableName: TABLE });
  const sink = () => {};
  return createAdminOperations({
    reader: store,
    writer: store,
    inventory: store,
    audit: store,
    directory: {
      resolve: async (user) => ({ username: user, sub: user }),
      globalSignOut: async () => {},
    },
    policy: lifetimePolicy({}),
    propagation: createRevocationPropagation({ hints, clock }),
    logger: createLogger({ service: 'admin-signout', sink }),
    metrics: createMetrics({ namespace: 'Test', service: 'admin-signout', sink }),
    now: clock,
  });
}

interface Decision {
  readonly sub: string;
  readonly started: number;
  readonly verdict: 'allow' | 'deny';
}

describe('several containers in staleness mode (S = 1 s) against dynalite', () => {
  it('racing revocations, clocks ± 2 s, frozen containers: no allow more than S after a revocation returned', async () => {
    // Arrange: 4 containers with skewed clocks, 40 users, two admin clocks 2 s ahead and 2 s behind
    const containers = [-2000, 2000, 0, 1500].map((skew) => startContainer(skew, {}));
    const users = Array.from({ length: 40 }, (_, i) => `race-user-${i}`);
    const tokens = new Map(users.map((sub) => [sub, signAccessToken({ sub, jti: `jti-${sub}` })]));
    const publisher = createSdkHintStore({ client: dynamo.client, tableName: TABLE });
    const admins = [adminOperations(2000, publisher), adminOperations(-2000, publisher)];
    const decisions: Decision[] = [];
    const revoked = new Map<string, number>();
    let done = false;
    const loops = containers.map(async (container, c) => {
      let n = c;
      while (!done) {
        if (Math.random() < 0.005) await sleep(500 + Math.random() * 2000); // frozen between invocations
        const sub = users[Math.floor(Math.random() * users.length)] as string;
        const started = Date.now();
        const verdict = await container.decide(tokens.get(sub) as string);
        decisions.push({ sub, started, verdict });
        if (++n % 4 === 0) await sleep(1);
      }
    });
    await sleep(1500); // every container warm, every user cached somewhere
    // Act: one revocation every 250 ms for 6 s, racing the decisions
    const results: { ok: boolean }[] = [];
    for (let i = 0; i < 24; i++) {
      const sub = users[i] as string;
      const result = (await admins[i % 2]?.run({
        operation: 'revokeToken',
        user: sub,
        jti: `jti-${sub}`,
        actor: 'containers-test',
        reason: 'race',
      })) as { ok: boolean };
      revoked.set(sub, Date.now());
      results.push(result);
      await sleep(250);
    }
    await sleep(S_MS + 2500);
    done = true;
    await Promise.all(loops);
    // Assert
    expect(results.every((r) => r.ok)).toBe(true);
    const lags: number[] = [];
    const late: (Decision & { returned: number })[] = [];
    for (const [sub, returned] of revoked) {
      const allows = decisions.filter((d) => d.sub === sub && d.verdict === 'allow' && d.started >= returned);
      lags.push(allows.length === 0 ? 0 : Math.max(...allows.map((d) => d.started - returned)));
      for (const d of allows) if (d.started > returned + S_MS) late.push({ ...d, returned });
    }
    expect(late).toEqual([]);
    const after = decisions.filter((d) => revoked.has(d.sub) && d.started > (revoked.get(d.sub) ?? 0) + S_MS);
    expect(after.length).toBeGreaterThan(100); // the bound was exercised, not vacuous
    const allowedBefore = decisions.filter((d) => revoked.has(d.sub) && d.verdict === 'allow');
    expect(allowedBefore.length).toBeGreaterThan(100);
    const lines = containers.flatMap((c) => c.lines);
    const reads = lines.reduce((sum, l) => sum + Number(l.StoreRoundTrips ?? 0), 0);
    console.info(
      `containers: ${decisions.length} decisions, ${revoked.size} revocations, worst lag ${Math.max(...lags)} ms ` +
        `(bound ${S_MS} ms), store round trips per decision ${(reads / lines.length).toFixed(3)}`,
    );
    await Promise.all(containers.map((c) => c.stop()));
  }, 60_000);

  it('hint writes failing: the admin result says so, and no allow past the maximum age', async () => {
    // Arrange: containers with the smallest maximum age (10 s); every user cached in every container first
    const MAX_AGE_MS = 10_000;
    const containers = [-2000, 2000].map((skew) =>
      startContainer(skew, { REVOCATION_MAX_AGE_SECONDS: String(MAX_AGE_MS / 1000) }),
    );
    const users = Array.from({ length: 3 }, (_, i) => `lost-hint-${i}`);
    const tokens = new Map(users.map((sub) => [sub, signAccessToken({ sub, jti: `jti-${sub}` })]));
    for (const c of containers) for (const sub of users) await c.decide(tokens.get(sub) as string);
    const failing: HintPublisher = {
      publish: async () => {
        throw new StoreError('unavailable', 'hint store unreachable');
      },
    };
    const admin = adminOperations(0, failing);
    const decisions: Decision[] = [];
    let done = false;
    const loops = containers.map(async (container) => {
      while (!done) {
        for (const sub of users) {
          const started = Date.now();
          decisions.push({ sub, started, verdict: await container.decide(tokens.get(sub) as string) });
        }
        await sleep(50);
      }
    });
    // Act
    const result = (await admin.run({
      operation: 'revokeToken',
      user: users[0],
      jti: `jti-${users[0]}`,
      actor: 'containers-test',
      reason: 'lost hint',
    })) as {
      ok: boolean;
      error?: { message: string };
      propagation?: { ok: boolean; hint?: { written: boolean } };
    };
    const returned = Date.now();
    await sleep(MAX_AGE_MS + 1500);
    done = true;
    await Promise.all(loops);
    // Assert: the result is honest about it
    expect(result.ok).toBe(false);
    expect(result.propagation).toMatchObject({ ok: false, hint: { written: false } });
    expect(result.error?.message).toMatch(/maximum age/);
    const allows = decisions.filter(
      (d) => d.sub === users[0] && d.verdict === 'allow' && d.started >= returned,
    );
    expect(allows.filter((d) => d.started > returned + MAX_AGE_MS)).toEqual([]);
    // …and the maximum age is what enforced it: cached answers kept allowing past S (no hint to drop them).
    expect(allows.some((d) => d.started > returned + S_MS)).toBe(true);
    const lastAllow = Math.max(...allows.map((d) => d.started - returned));
    console.info(
      `lost hint: last allow ${lastAllow} ms after the revocation returned (max age ${MAX_AGE_MS} ms)`,
    );
    await Promise.all(containers.map((c) => c.stop()));
  }, 60_000);
});
