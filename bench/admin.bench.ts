/**
 * Admin signout of a user with 1,000 outstanding sessions, against dynalite behind a counting proxy.
 * Measured with the admin operations and the SDK store the Lambda ships (source, via tsx); the Cognito directory is
 * an in-process stand-in (resolve + global sign-out answer at once) so that only the table work is timed.
 *
 * Side by side, in the same run: the 1-session signout, and a naive writer doing 1,000 sequential PutItem calls of
 * the same entries. A last case makes DynamoDB leave items unprocessed (as under throttling) to show the retries.
 * Run: npm run bench admin
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createSdkStore } from '../lambdas/adapters/dynamodb/sdk-store.js';
import { revocationToItem } from '../lambdas/adapters/dynamodb/schema.js';
import { createLogger, createMetrics } from '../lambdas/adapters/observability.js';
import { createAdminOperations } from '../lambdas/admin-signout/operations.js';
import type { SignOutResult } from '../lambdas/revocation/results.js';
import type { UserDirectory } from '../lambdas/core/directory.js';
import { DEFAULT_LIFETIME_POLICY } from '../lambdas/core/lifetime.js';
import type { SessionRecord } from '../lambdas/core/session.js';
import { LOCAL_AWS, startDynalite } from '../local/dynalite.js';
import { startDynamoProxy } from '../test/fixtures/dynamo-proxy.js';

const TABLE = 'bench-admin';
const RUNS = 7;
const SESSIONS = 1000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main() {
  const dynamo = await startDynalite();
  await dynamo.createTable(TABLE);
  const proxy = await startDynamoProxy(dynamo.endpoint);
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoint });
  const store = createSdkStore({ client, tableName: TABLE });
  const setupStore = createSdkStore({ client: dynamo.client, tableName: TABLE });
  const directory: UserDirectory = {
    resolve: async (user) => ({ username: user, sub: `sub-${user}` }),
    globalSignOut: async () => {},
  };
  const quiet = () => {};
  const ops = createAdminOperations({
    reader: store,
    writer: store,
    inventory: store,
    audit: store,
    directory,
    policy: DEFAULT_LIFETIME_POLICY,
    logger: createLogger({ service: 'bench', sink: quiet }),
    metrics: createMetrics({ namespace: 'bench', service: 'bench', sink: quiet }),
  });

  async function seed(user: string, count: number) {
    const now = Math.floor(Date.now() / 1000);
    const sessions: SessionRecord[] = Array.from({ length: count }, (_, i) => ({
      sub: `sub-${user}`,
      username: user,
      sessionId: `${user}-s${i}`,
      clientId: 'client',
      triggerSource: 'TokenGeneration_Authentication',
      // One sign-in every 86 s over the last day (the cross-clock window of a signout holds ~4 of them).
      issuedAt: now - i * 86,
      expiresAt: now - i * 86 + 86_700,
    }));
    for (let i = 0; i < sessions.length; i += 50)
      await Promise.all(sessions.slice(i, i + 50).map((s) => setupStore.record(s)));
  }

  async function signOut(user: string) {
    proxy.reset();
    const started = performance.now();
    const result = (await ops.run({
      operation: 'signOutUser',
      user,
      actor: 'bench',
      reason: 'bench',
    })) as SignOutResult;
    const ms = performance.now() - started;
    if (!result.ok || result.sessions.unwritten.length || result.sessions.unmarked.length)
      throw new Error(`signout failed: ${JSON.stringify(result.error)}`);
    return {
      ms,
      batchWrites: proxy.calls.BatchWriteItem ?? 0,
      puts: proxy.calls.PutItem ?? 0,
      queries: proxy.calls.Query ?? 0,
      revoked: result.sessions.revoked,
      window: result.sessions.window,
    };
  }

  const rows: { name: string; ms: number[]; calls: string; note: string }[] = [];

  // 1,000 sessions.
  const big = {
    name: `signOutUser, ${SESSIONS} outstanding sessions`,
    ms: [] as number[],
    calls: '',
    note: '',
  };
  for (let run = 0; run < RUNS; run++) {
    await seed(`big${run}`, SESSIONS);
    const r = await signOut(`big${run}`);
    big.ms.push(r.ms);
    big.calls = `${r.batchWrites} BatchWriteItem of marks (⌈${SESSIONS}/25⌉ = ${Math.ceil(SESSIONS / 25)}), ${r.puts} PutItem (watermark, ${r.window} window entries, audit), ${r.queries} Query`;
    big.note = `${r.revoked} marked`;
  }
  rows.push(big);

  // Baseline: 1 session.
  const one = {
    name: 'baseline: signOutUser, 1 outstanding session',
    ms: [] as number[],
    calls: '',
    note: '',
  };
  for (let run = 0; run < RUNS; run++) {
    await seed(`one${run}`, 1);
    const r = await signOut(`one${run}`);
    one.ms.push(r.ms);
    one.calls = `${r.batchWrites} BatchWriteItem, ${r.puts} PutItem, ${r.queries} Query`;
  }
  rows.push(one);

  // Baseline: naive sequential PutItem of 1,000 session revocations (what a per-session signout would write).
  const naive = {
    name: `baseline: ${SESSIONS} sequential PutItem of per-session revocations`,
    ms: [] as number[],
    calls: '',
    note: '',
  };
  for (let run = 0; run < RUNS; run++) {
    const now = Math.floor(Date.now() / 1000);
    proxy.reset();
    const started = performance.now();
    for (let i = 0; i < SESSIONS; i++) {
      const item = revocationToItem({
        sub: 'bench-user',
        scope: 'session',
        id: `naive${run}-s${i}`,
        revokedAt: now,
        expiresAt: now + 86_700,
        actor: 'bench',
        reason: 'bench',
      });
      await client.send(new PutItemCommand({ TableName: TABLE, Item: item as never }));
    }
    naive.ms.push(performance.now() - started);
    naive.calls = `${proxy.calls.PutItem ?? 0} PutItem`;
  }
  rows.push(naive);

  // Throttling: the first 20 BatchWriteItem calls leave half their items unprocessed.
  const throttled = {
    name: `signOutUser, ${SESSIONS} sessions, 20 calls answer half unprocessed`,
    ms: [] as number[],
    calls: '',
    note: '',
  };
  for (let run = 0; run < 3; run++) {
    await seed(`thr${run}`, SESSIONS);
    proxy.reset();
    proxy.leaveUnprocessed(20);
    const r = await signOut(`thr${run}`);
    throttled.ms.push(r.ms);
    throttled.calls = `${r.batchWrites} BatchWriteItem (40 + ${r.batchWrites - 40} retries), ${proxy.unprocessedItems()} items retried`;
    throttled.note = `${r.revoked} marked`;
  }
  rows.push(throttled);

  client.destroy();
  await proxy.stop();
  await dynamo.stop();

  const base = median(naive.ms);
  console.log(
    `Admin signout against dynalite (loopback, counting proxy; Node ${process.version}; ${new Date().toISOString()})`,
  );
  console.log(
    `${'case'.padEnd(66)} ${'runs'.padStart(4)} ${'median ms'.padStart(10)}  ${'vs PutItem'.padStart(10)}  calls`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(66)} ${String(r.ms.length).padStart(4)} ${median(r.ms).toFixed(1).padStart(10)}  ${`${(median(r.ms) / base).toFixed(2)}×`.padStart(10)}  ${r.calls}${r.note ? `; ${r.note}` : ''}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
