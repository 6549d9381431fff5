/**
 * Read units per authorizer decision, measured at the wire — table layout v2 next to the v1 layout, same run.
 *
 * A metering proxy sits between the reader and dynalite. For every request it
 * - counts the round trip;
 * - asks dynalite for `ReturnConsumedCapacity: TOTAL` and adds up what it answers (dynalite's own figure);
 * - computes the read units AWS charges from the request and the items in the answer, with DynamoDB's rules
 *   (developer guide, "Capacity unit consumption for read operations"): GetItem and every key of a BatchGetItem cost
 *   the item's size rounded up to 4 KB, and 1 unit for a key that does not exist; a Query costs the total size of
 *   the items it returns rounded up to 4 KB, counted here as at least 1 unit even when it returns nothing (an
 *   assumption on the safe side: dynalite answers 0 for an empty Query). Item sizes use dynalite's `itemSize`
 *   (attribute names + values, DynamoDB's rule). All reads strongly consistent, as the authorizer reads.
 *
 * v2: the shipped authorizer (built from its environment, lean SigV4 client) deciding ID and access tokens that carry
 * all four keys (sub, origin_jti, session id, jti); one Query of the user's `rev#` range per decision.
 * v1: the v1 lookup (bench/v1-reader.ts): BatchGetItem of the same token's four keys in the v1 layout.
 * Users: 0, 1, 10 and 1,000 live revocations (jti revocations with attribution) plus as many session records; and a
 * user signed out by the real admin operation after 1,000 sessions issued over the last day or in the minute before
 * (time-ordered session ids), and, as the baseline, after the same burst with ids that carry no time (what the
 * previous code did for every session), deciding the tokens of a fresh sign-in after the signout.
 *
 * Run: npm run bench read-units
 */
import { createRequire } from 'node:module';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoHttpClient } from '../lambdas/adapters/dynamodb/http-client.js';
import { createSdkStore } from '../lambdas/adapters/dynamodb/sdk-store.js';
import { createLogger, createMetrics } from '../lambdas/adapters/observability.js';
import { createAdminOperations } from '../lambdas/admin-signout/operations.js';
import type { SignOutResult } from '../lambdas/revocation/results.js';
import { createAuthorizerFromEnvironment } from '../lambdas/authorizer/index.js';
import { DEFAULT_LIFETIME_POLICY } from '../lambdas/core/lifetime.js';
import { mintSessionId } from '../lambdas/token-trigger/trigger.js';
import { LOCAL_AWS, startDynalite } from '../local/dynalite.js';
import { restTokenEvent } from '../test/fixtures/authorizer-events.js';
import { startJwksServer } from '../test/fixtures/jwks.js';
import { signAccessToken, signIdToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from '../test/fixtures/tokens.js';
import { v1Item, v1Lookup, v1Session } from './v1-reader.js';

const V2_TABLE = 'bench-units-v2';
const V1_TABLE = 'bench-units-v1';
const DECISIONS = Number(process.env.BENCH_UNITS_DECISIONS ?? 20);
const UNIT_BYTES = 4096;

const itemSize = (createRequire(__filename)('dynalite/db') as { itemSize(item: unknown): number }).itemSize;
type Item = Record<string, unknown>;

interface Meter {
  readonly endpoint: string;
  reset(): void;
  readonly totals: {
    requests: number;
    awsUnits: number;
    dynaliteUnits: number;
    bytes: number;
    ops: Set<string>;
  };
  stop(): Promise<void>;
}

/** AWS's read units for one request and its answer (strongly consistent). */
function awsUnits(
  operation: string,
  request: Item,
  answer: Item,
  table: string,
): { units: number; bytes: number } {
  const size = (item: unknown) => itemSize(item);
  if (operation === 'Query') {
    const bytes = ((answer.Items as unknown[]) ?? []).reduce<number>((sum, item) => sum + size(item), 0);
    return { units: Math.max(1, Math.ceil(bytes / UNIT_BYTES)), bytes };
  }
  if (operation === 'GetItem') {
    const bytes = answer.Item ? size(answer.Item) : 0;
    return { units: Math.max(1, Math.ceil(bytes / UNIT_BYTES)), bytes };
  }
  if (operation === 'BatchGetItem') {
    const asked = ((request.RequestItems as Record<string, { Keys: unknown[] }>)[table]?.Keys ?? []).length;
    const found = ((answer.Responses as Record<string, unknown[]>)?.[table] ?? []) as unknown[];
    const bytes = found.reduce<number>((sum, item) => sum + size(item), 0);
    const units = found.reduce<number>(
      (sum, item) => sum + Math.max(1, Math.ceil(size(item) / UNIT_BYTES)),
      0,
    );
    return { units: units + (asked - found.length), bytes };
  }
  return { units: 0, bytes: 0 };
}

async function startMeter(target: string, table: () => string): Promise<Meter> {
  const url = new URL(target);
  const totals = { requests: 0, awsUnits: 0, dynaliteUnits: 0, bytes: 0, ops: new Set<string>() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Item;
      const body = Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'TOTAL' }));
      const upstream = httpRequest(
        {
          hostname: url.hostname,
          port: url.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, 'content-length': String(body.length) },
        },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            const raw = Buffer.concat(out);
            if (up.statusCode === 200) {
              const answer = JSON.parse(raw.toString('utf8')) as Item;
              const consumed = answer.ConsumedCapacity as
                | { CapacityUnits?: number }
                | { CapacityUnits?: number }[];
              const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
              totals.requests++;
              totals.ops.add(operation);
              totals.dynaliteUnits += list.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
              const aws = awsUnits(operation, request, answer, table());
              totals.awsUnits += aws.units;
              totals.bytes += aws.bytes;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(raw);
          });
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    totals,
    reset() {
      totals.requests = 0;
      totals.awsUnits = 0;
      totals.dynaliteUnits = 0;
      totals.bytes = 0;
      totals.ops.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Scenario {
  readonly name: string;
  readonly sub: string;
  /** The v2 figure's target, when it has one: ≤ 1 unit (≤ 10 live revocations; signed out with time-ordered ids). */
  readonly target?: number;
}

async function main() {
  const jwks = await startJwksServer();
  const dynamo = await startDynalite();
  await dynamo.createTable(V2_TABLE);
  await dynamo.createTable(V1_TABLE);
  let table = V2_TABLE;
  const meter = await startMeter(dynamo.endpoint, () => table);
  const store = createSdkStore({ client: dynamo.client, tableName: V2_TABLE, writeConcurrency: 8 });
  const now = Math.floor(Date.now() / 1000);
  const quiet = () => {};
  const put = (item: Item) =>
    dynamo.client.send(new PutItemCommand({ TableName: V1_TABLE, Item: item as never }));

  const scenarios: Scenario[] = [];
  // Users with N live revocations (jti, with attribution) and N session records.
  for (const n of [0, 1, 10, 1000]) {
    const sub = `units-user-${n}`;
    const entries = Array.from({ length: n }, (_, i) => ({
      sub,
      scope: 'token' as const,
      id: `8d5c3f0e-1b2a-4c3d-9e8f-${String(i).padStart(12, '0')}`,
      revokedAt: now,
      expiresAt: now + 3600,
      actor: 'arn:aws:sts::123456789012:assumed-role/SecOps/alice@example.com',
      reason: 'token pasted into support ticket #12345',
    }));
    // Seeding only: on a loaded box dynalite can leave some writes undone; write those again (a few rounds).
    let pending = entries;
    for (let round = 0; round < 5 && pending.length > 0; round++) {
      const { unwritten } = await store.revoke(pending);
      const left = new Set(unwritten.map((k) => k.id));
      pending = pending.filter((e) => left.has(e.id));
    }
    if (pending.length) throw new Error(`seeding: ${pending.length} revocations not written`);
    for (let i = 0; i < n; i++) {
      const sessionId = `${String(i).padStart(8, '0')}${'a'.repeat(24)}`;
      await store.record({
        sub,
        username: sub,
        sessionId,
        clientId: TEST_CLIENT_ID,
        triggerSource: 'TokenGeneration_Authentication',
        issuedAt: now - 60,
        expiresAt: now + 3600,
      });
      await put(v1Session(sub, sessionId, now - 60, now + 3600));
    }
    for (const e of entries) await put(v1Item(e));
    scenarios.push({ name: `${n} live revocations + ${n} sessions`, sub, ...(n <= 10 ? { target: 1 } : {}) });
  }

  // Users signed out by the real admin operation (10 s ago) after 1,000 sessions: issued over the last day, or in
  // the minute before the signout (a burst); with time-ordered session ids (the token trigger's ids) or with ids
  // that carry no time — the baseline: for those the signout writes what the previous code wrote for every session,
  // one `rev#session#` entry per session in the cross-clock window.
  const ops = createAdminOperations({
    reader: store,
    writer: store,
    inventory: store,
    audit: store,
    directory: {
      resolve: async (user: string) => ({ username: user, sub: user }),
      globalSignOut: async () => {},
    },
    policy: DEFAULT_LIFETIME_POLICY,
    logger: createLogger({ service: 'bench', sink: quiet }),
    metrics: createMetrics({ namespace: 'bench', service: 'bench', sink: quiet }),
    now: () => Date.now() - 10_000,
  });
  const signedOutCases = [
    { key: 'day-timed', spreadMs: 86_000, timed: true, label: 'over a day, time-ordered ids' },
    { key: 'burst-timed', spreadMs: 60, timed: true, label: 'in the minute before, time-ordered ids' },
    {
      key: 'burst-untimed',
      spreadMs: 60,
      timed: false,
      label: 'in the minute before, ids without time (baseline)',
    },
  ] as const;
  for (const c of signedOutCases) {
    const signedOut = `units-signed-out-${c.key}`;
    const sessions = Array.from({ length: 1000 }, (_, i) => {
      const issuedMs = Date.now() - 10_000 - 1000 - i * c.spreadMs;
      const issuedAt = Math.floor(issuedMs / 1000);
      return {
        sub: signedOut,
        username: signedOut,
        sessionId: c.timed ? mintSessionId(issuedMs) : `${String(i).padStart(8, '0')}${'b'.repeat(24)}`,
        clientId: TEST_CLIENT_ID,
        triggerSource: 'TokenGeneration_Authentication',
        issuedAt,
        expiresAt: issuedAt + 86_400 + 300,
      };
    });
    for (const s of sessions) await store.record(s);
    const signout = (await ops.run({
      operation: 'signOutUser',
      user: signedOut,
      actor: 'bench',
      reason: 'bench signout',
    })) as SignOutResult;
    if (!signout.ok) throw new Error(`bench signout failed: ${JSON.stringify(signout.error)}`);
    // v1 signout: the watermark plus one session revocation per outstanding session, each in its own partition.
    const nb = signout.watermark.notBefore;
    await put(
      v1Item({
        sub: signedOut,
        scope: 'user',
        id: signedOut,
        notBefore: nb,
        revokedAt: nb,
        expiresAt: nb + 86_700,
        actor: 'bench',
        reason: 'bench signout',
      }),
    );
    for (const s of sessions) {
      await put(v1Session(signedOut, s.sessionId, s.issuedAt, s.expiresAt));
      if (s.expiresAt > nb)
        await put(
          v1Item({
            sub: signedOut,
            scope: 'session',
            id: s.sessionId,
            revokedAt: nb,
            expiresAt: s.expiresAt,
            actor: 'bench',
            reason: 'bench signout',
          }),
        );
    }
    const written = (await store.readUser(signedOut)).length;
    scenarios.push({
      name: `signed out after 1,000 sessions ${c.label}: ${written} rev# item${written === 1 ? '' : 's'}`,
      sub: signedOut,
      ...(c.timed ? { target: 1 } : {}),
    });
  }

  // The authorizer as deployed, reading through the meter.
  const authorize = createAuthorizerFromEnvironment(
    {
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_IDS: TEST_CLIENT_ID,
      TABLE_NAME: V2_TABLE,
      JWKS_URI: jwks.uri,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: meter.endpoint,
    },
    { write: quiet },
  );
  const v1Client = createDynamoHttpClient({
    region: LOCAL_AWS.region,
    endpoint: new URL(meter.endpoint),
    credentials: LOCAL_AWS.credentials,
  });
  // Warm the JWKS and the connection (not counted).
  await authorize(restTokenEvent(`Bearer ${signIdToken()}`));

  const kinds = [
    ['ID', signIdToken],
    ['access', signAccessToken],
  ] as const;
  const rows: string[] = [];
  let failed = false;
  console.log(
    `Read units per decision, strongly consistent, ${DECISIONS} decisions per cell (AWS rule; dynalite's ConsumedCapacity in brackets)`,
  );
  console.log(
    `  ${'user'.padEnd(104)} ${'token'.padEnd(7)} ${'v2 units'.padStart(12)} ${'v2 trips'.padStart(9)} ${'v2 bytes'.padStart(9)} ${'v1 units'.padStart(12)} ${'v1 trips'.padStart(9)}`,
  );
  for (const scenario of scenarios) {
    for (const [kind, sign] of kinds) {
      const claims = (i: number) => ({
        sub: scenario.sub,
        jti: `jti-${kind}-${i}`,
        origin_jti: `0f1e2d3c-4b5a-4987-8a7b-6c5d4e3f2a${String(i).padStart(2, '0')}`,
        // A fresh sign-in after the signout: its session id carries its (later) issue time.
        revocation_sid: mintSessionId(Date.now() + i),
      });
      // v2: the authorizer
      table = V2_TABLE;
      meter.reset();
      for (let i = 0; i < DECISIONS; i++) {
        const r = (await authorize(restTokenEvent(`Bearer ${sign(claims(i))}`))) as {
          policyDocument?: unknown;
        };
        if (!r.policyDocument) throw new Error(`${scenario.name}: the v2 decision was not an allow`);
      }
      const v2 = { ...meter.totals, ops: [...meter.totals.ops] };
      // v1: the same tokens' four keys
      table = V1_TABLE;
      meter.reset();
      for (let i = 0; i < DECISIONS; i++) {
        const c = claims(i);
        await v1Lookup(v1Client, V1_TABLE, [
          { scope: 'user', id: c.sub },
          { scope: 'origin', id: c.origin_jti },
          { scope: 'session', id: c.revocation_sid },
          { scope: 'token', id: c.jti },
        ]);
      }
      const v1 = { ...meter.totals, ops: [...meter.totals.ops] };
      const per = (x: number) => (x / DECISIONS).toFixed(2);
      const v2Units = v2.awsUnits / DECISIONS;
      const ok = scenario.target === undefined || (v2Units <= scenario.target && v2.requests === DECISIONS);
      if (!ok) failed = true;
      rows.push(
        `  ${scenario.name.padEnd(104)} ${kind.padEnd(7)} ${`${per(v2.awsUnits)} [${per(v2.dynaliteUnits)}]`.padStart(12)} ${per(v2.requests).padStart(9)} ${String(Math.round(v2.bytes / DECISIONS)).padStart(9)} ${`${per(v1.awsUnits)} [${per(v1.dynaliteUnits)}]`.padStart(12)} ${per(v1.requests).padStart(9)}${scenario.target !== undefined ? `   target <= ${scenario.target}: ${ok ? 'met' : 'MISSED'}` : ''}`,
      );
      console.log(rows[rows.length - 1]);
    }
  }
  console.log('  (v2 = one Query of the user’s rev# range; v1 = one BatchGetItem of the token’s four keys)');
  v1Client.destroy();
  await meter.stop();
  await dynamo.stop();
  await jwks.stop();
  if (failed) {
    console.error('read-unit target missed');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
