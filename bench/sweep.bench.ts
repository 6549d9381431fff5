/**
 * One full sweep pass per 1,000 users, the new sweep (revocation/sweep.ts: stored position, `AdminGetUser` by the
 * recorded username, a sub lookup only for the owners not found) side by side with the old one (bench/old-sweep.ts:
 * `status = "Disabled"` pages, then one `ListUsers` `sub = "…"` per session owner), in the same run.
 *
 * The table is dynalite behind a counting proxy (every Scan page, query and write is real). Cognito is an
 * in-process stand-in that answers `ListUsers` (with the `sub` / `status` filters, `Limit`, `PaginationToken`),
 * `AdminGetUser` and `AdminUserGlobalSignOut` as Cognito documents them, and counts the calls: cognito-local keeps a pool in one JSON file that
 * it reads on every request, which does not hold 100,000 users (nor 1,000 at a useful speed). The real adapters'
 * request code runs against it unchanged.
 *
 * Per 1,000 users: 10 % deleted, 5 % disabled, every user with one live session (the worst case: every user active
 * within a token lifetime). The figures are extrapolated to 100,000 users with Cognito's per-category request
 * rates (defaults below; pass your account's as `USERLIST_RPS=… USERREAD_RPS=… npm run bench sweep`).
 * Run: npm run bench sweep
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoSweepDirectory } from '../lambdas/adapters/cognito/sweep-directory.js';
import { createCognitoDirectory } from '../lambdas/adapters/cognito/user-directory.js';
import { createSdkStore } from '../lambdas/adapters/dynamodb/sdk-store.js';
import { scanOwnersPage } from '../lambdas/adapters/dynamodb/session-owners.js';
import { createSweepCursorStore } from '../lambdas/adapters/dynamodb/sweep-cursor.js';
import { createLogger, createMetrics } from '../lambdas/adapters/observability.js';
import { NO_PROPAGATION } from '../lambdas/core/ports.js';
import { sweep } from '../lambdas/revocation/sweep-operation.js';
import type { LifetimePolicy } from '../lambdas/core/lifetime.js';
import { LOCAL_AWS, startDynalite } from '../local/dynalite.js';
import { startDynamoProxy } from '../test/fixtures/dynamo-proxy.js';
import { oldSweep } from './old-sweep.js';

const USERS = 1000;
const RUNS = 3;
const POOL = 100_000;
/** Cognito's default request rates (RPS) for the categories the sweep uses; see docs/automatic-revocation.md. */
const USERLIST_RPS = Number(process.env.USERLIST_RPS ?? 30);
const USERREAD_RPS = Number(process.env.USERREAD_RPS ?? 120);
const POLICY: LifetimePolicy = {
  tokenLifetimeSeconds: 3600,
  refreshTokenLifetimeSeconds: 86400,
  clockSkewSeconds: 300,
};

interface StandInUser {
  username: string;
  sub: string;
  enabled: boolean;
  modified: Date;
}

/** An in-process Cognito user pool answering the two calls the sweeps make; counts them by operation. */
function cognitoStandIn(users: StandInUser[]) {
  const calls: Record<string, number> = {};
  const byName = new Map(users.map((u) => [u.username, u]));
  const shape = (u: StandInUser) => ({
    Username: u.username,
    Enabled: u.enabled,
    UserStatus: 'CONFIRMED',
    UserLastModifiedDate: u.modified,
    Attributes: [{ Name: 'sub', Value: u.sub }],
  });
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const op = command.constructor.name.replace(/Command$/, '');
      calls[op] = (calls[op] ?? 0) + 1;
      const input = command.input;
      if (op === 'AdminGetUser') {
        const u = byName.get(String(input.Username));
        if (!u) throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
        return { Username: u.username, Enabled: u.enabled, UserAttributes: [{ Name: 'sub', Value: u.sub }] };
      }
      if (op === 'AdminUserGlobalSignOut') return {};
      if (op === 'ListUsers') {
        const filter = String(input.Filter ?? '');
        const sub = /^sub = "(.*)"$/.exec(filter)?.[1];
        const matching = sub
          ? users.filter((u) => u.sub === sub)
          : filter === 'status = "Disabled"'
            ? users.filter((u) => !u.enabled)
            : users;
        const start = Number(input.PaginationToken ?? 0);
        const limit = Number(input.Limit ?? 60);
        const page = matching.slice(start, start + limit);
        return {
          Users: page.map(shape),
          ...(start + limit < matching.length ? { PaginationToken: String(start + limit) } : {}),
        };
      }
      throw new Error(`the stand-in does not answer ${op}`);
    },
  };
  return { client: client as unknown as CognitoIdentityProviderClient, calls };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main() {
  const dynamo = await startDynalite();
  const proxy = await startDynamoProxy(dynamo.endpoint);
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoint });
  const quiet = () => {};
  const figures: Record<
    'old' | 'new',
    { ms: number[]; listUsers: number[]; getUser: number[]; scans: number[]; revoked: number[] }
  > = {
    old: { ms: [], listUsers: [], getUser: [], scans: [], revoked: [] },
    new: { ms: [], listUsers: [], getUser: [], scans: [], revoked: [] },
  };
  for (let run = 0; run < RUNS; run++) {
    for (const which of ['old', 'new'] as const) {
      const table = `bench-sweep-${which}-${run}`;
      await dynamo.createTable(table);
      const store = createSdkStore({ client: dynamo.client, tableName: table });
      const now = Math.floor(Date.now() / 1000);
      const users: StandInUser[] = Array.from({ length: USERS }, (_, i) => ({
        username: `user-${i}`,
        sub: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
        enabled: !(i >= USERS * 0.1 && i < USERS * 0.15),
        modified: new Date((now - 120) * 1000),
      }));
      for (const u of users)
        await store.record({
          sub: u.sub,
          username: u.username,
          sessionId: `s-${u.username}`,
          clientId: 'client',
          triggerSource: 'TokenGeneration_Authentication',
          issuedAt: now - 60,
          expiresAt: now + 3840,
        });
      const deleted = new Set(users.slice(0, USERS * 0.1).map((u) => u.sub));
      const remaining = users.filter((u) => !deleted.has(u.sub));
      const live = cognitoStandIn(remaining);
      const tableRef = { client, tableName: table };
      const sdkStore = createSdkStore(tableRef);
      const ctx = {
        deps: {
          reader: sdkStore,
          writer: sdkStore,
          inventory: sdkStore,
          audit: sdkStore,
          propagation: NO_PROPAGATION,
          directory: createCognitoDirectory({ client: live.client, userPoolId: 'us-east-1_bench' }),
          policy: POLICY,
        },
        clock: Date.now,
        logger: createLogger({ service: 'bench', sink: quiet }),
        metrics: createMetrics({ namespace: 'bench', service: 'bench', sink: quiet }),
      };
      const sources = {
        cursor: createSweepCursorStore(tableRef),
        owners: {
          page: (n: number, p: string | undefined, l: number, s?: AbortSignal) =>
            scanOwnersPage(tableRef, n, p, l, s),
        },
        directory: createCognitoSweepDirectory({
          client: live.client,
          userPoolId: 'us-east-1_bench',
          rates: { userRead: 0, userList: 0 },
        }),
      };
      proxy.reset();
      const started = performance.now();
      let revoked: number;
      if (which === 'old') {
        const result = await oldSweep(
          ctx,
          createCognitoDirectory({ client: live.client, userPoolId: 'us-east-1_bench' }),
          { cognito: live.client, userPoolId: 'us-east-1_bench', dynamo: client, tableName: table },
          POLICY,
        );
        revoked = result.deleted.revoked + result.disabled.revoked;
      } else {
        const result = await sweep(ctx, sources, { deadlineAt: Date.now() + 600_000 });
        if (!result.ok || !('deleted' in result))
          throw new Error(`the new sweep did not finish: ${JSON.stringify(result).slice(0, 300)}`);
        revoked = result.deleted.revoked + result.disabled.revoked;
      }
      const f = figures[which];
      f.ms.push(performance.now() - started);
      f.listUsers.push(live.calls.ListUsers ?? 0);
      f.getUser.push(live.calls.AdminGetUser ?? 0);
      f.scans.push(proxy.calls.Scan ?? 0);
      f.revoked.push(revoked);
    }
  }
  await proxy.stop();
  await dynamo.stop();

  const scale = POOL / USERS;
  console.log(
    `Sweep pass over ${USERS} users (${USERS * 0.1} deleted, ${USERS * 0.05} disabled, all with a live session); median of ${RUNS}`,
  );
  console.log(
    '| sweep | ListUsers calls | AdminGetUser calls | Scan pages | revoked | elapsed ms (local) | Cognito-quota time at 100k users |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const quota: Record<string, number> = {};
  for (const which of ['old', 'new'] as const) {
    const f = figures[which];
    const seconds = (median(f.listUsers) * scale) / USERLIST_RPS + (median(f.getUser) * scale) / USERREAD_RPS;
    quota[which] = seconds;
    console.log(
      `| ${which} | ${median(f.listUsers)} | ${median(f.getUser)} | ${median(f.scans)} | ${median(f.revoked)} | ${median(f.ms).toFixed(0)} | ${seconds.toFixed(0)} s |`,
    );
  }
  console.log(
    `Cognito-quota time ratio old/new at ${POOL} users: ${((quota.old as number) / (quota.new as number)).toFixed(2)}x ` +
      `(UserList ${USERLIST_RPS} RPS, UserRead ${USERREAD_RPS} RPS, the whole quota given to the sweep)`,
  );
  console.log(
    `A full pool listing (ListUsers, 60 per page) would take ${Math.ceil(POOL / 60)} calls = ${(POOL / 60 / USERLIST_RPS).toFixed(0)} s at ${POOL} users, whatever the number of owners.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
