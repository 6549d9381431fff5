/**
 * The sweep's core (lambdas/revocation/sweep.ts) with its position stored on dynalite (the real cursor adapter)
 * and in-memory pages of users and owners (the core's ports; Cognito and the Scan are covered by the bundle tests):
 * - two overlapping runs: the one that records second stops with `incomplete`, the stored position is the
 *   first one's and only moves forward;
 * - a revocation that fails is counted in the pass, which then ends `ok: false`; the next pass starts over;
 * - a stored ListUsers position Cognito refuses restarts the disabled phase, nothing is skipped;
 * - an item that is not a position (wrong phase) is a store error, not a fresh start.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StalePageError, type SweepOwner } from '../../lambdas/adapters/cognito/sweep-directory.js';
import { createSweepCursorStore, SWEEP_CURSOR_KEY } from '../../lambdas/adapters/dynamodb/sweep-cursor.js';
import { createLogger, createMetrics } from '../../lambdas/adapters/observability.js';
import type { DisabledUser } from '../../lambdas/core/directory.js';
import { runSweep, type SweepDeps, type SweepRevokeRequest } from '../../lambdas/revocation/sweep.js';
import { type LocalDynamo, startDynalite } from '../../local/dynalite.js';

let dynamo: LocalDynamo;
let tableNo = 0;
const quiet = () => {};

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

async function freshTable(): Promise<string> {
  const name = `sweep-core-${++tableNo}`;
  await dynamo.createTable(name);
  return name;
}

/** Disabled users in pages of `size` (tokens are offsets), owners in Scan pages of `size`; none of them exists. */
function sources(options: { disabled: number; owners: number; size: number; staleToken?: string }) {
  const now = Math.floor(Date.now() / 1000);
  const disabled: DisabledUser[] = Array.from({ length: options.disabled }, (_, i) => ({
    username: `d${i}`,
    sub: `disabled-${i}`,
    enabled: false,
    lastModifiedAt: now - 10,
  }));
  const owners: SweepOwner[] = Array.from({ length: options.owners }, (_, i) => ({
    sub: `owner-${i}`,
    latestIssuedAt: now - 60,
    username: `o${i}`,
  }));
  let stale = options.staleToken;
  const pageOf = <T>(all: T[], page: string | undefined) => {
    const start = Number(page ?? 0);
    const next = start + options.size;
    return { items: all.slice(start, next), ...(next < all.length ? { next: String(next) } : {}) };
  };
  return {
    directory: {
      async disabledPage(page: string | undefined) {
        // Refused once, as Cognito refuses a token it no longer honours (a fresh listing gets fresh tokens).
        if (page !== undefined && page === stale) {
          stale = undefined;
          throw new StalePageError('refused');
        }
        const p = pageOf(disabled, page);
        return { users: p.items, ...(p.next ? { next: p.next } : {}) };
      },
      async whichGone(list: readonly SweepOwner[]) {
        return { gone: [...list], failures: [] };
      },
    },
    owners: {
      async page(_now: number, page: string | undefined) {
        const p = pageOf(owners, page);
        return { owners: p.items, ...(p.next ? { next: p.next } : {}) };
      },
    },
  };
}

function deps(
  table: string,
  src: ReturnType<typeof sources>,
  revoked: string[],
  failFor: Set<string> = new Set(),
): SweepDeps {
  return {
    cursor: createSweepCursorStore({ client: dynamo.client, tableName: table }),
    directory: src.directory,
    owners: src.owners,
    revokeUser: async (request: SweepRevokeRequest) => {
      if (failFor.has(request.sub)) return { ok: false, error: { message: 'not proven' } };
      revoked.push(request.sub);
      return { ok: true };
    },
    now: Date.now,
    logger: createLogger({ service: 'test', sink: quiet }),
    metrics: createMetrics({ namespace: 'test', service: 'test', sink: quiet }),
    horizonSeconds: 3900,
    batchSize: 2,
    scanLimit: 2,
  };
}

describe('the sweep core', () => {
  it('overlapping runs: the second to record stops with incomplete; the position stays the first one’s', async () => {
    // Arrange: two runs that read the same stored position; the first records a step while the second works.
    const table = await freshTable();
    const src = sources({ disabled: 1, owners: 6, size: 2 });
    const revoked: string[] = [];
    const store = createSweepCursorStore({ client: dynamo.client, tableName: table });
    let releaseSecond: () => void = () => {};
    const secondMayRecord = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });
    const slowDeps: SweepDeps = {
      ...deps(table, src, revoked),
      // The slow run is held inside its first step until the fast one has recorded its steps.
      revokeUser: async (request) => {
        await secondMayRecord;
        revoked.push(request.sub);
        return { ok: true };
      },
    };
    // Act
    const slow = runSweep(slowDeps, { deadlineAt: Date.now() + 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fast = await runSweep(deps(table, src, revoked), { deadlineAt: Date.now() + 20_000 });
    const storedAfterFast = await store.read();
    releaseSecond();
    const slowResult = await slow;
    const storedAfterSlow = await store.read();
    // Assert
    expect(fast).toMatchObject({ ok: true, incomplete: false });
    expect(slowResult).toMatchObject({ ok: false, incomplete: true, cursor: { stepsThisRun: 0 } });
    expect(slowResult.remaining?.why).toMatch(/another sweep run moved the stored position/);
    expect(storedAfterSlow).toEqual(storedAfterFast);
  });

  it('a revocation that is not proven makes the pass end ok: false; the next pass starts over', async () => {
    // Arrange: 3 disabled users, 3 owners; one owner's revocation fails; runs of one step each.
    const table = await freshTable();
    const src = sources({ disabled: 3, owners: 3, size: 2 });
    const revoked: string[] = [];
    const d = deps(table, src, revoked, new Set(['owner-1']));
    // Act: runs with no time to start a second step (the first always starts); loop until the pass ends.
    const results = [];
    for (let i = 0; i < 20; i++) {
      const r = await runSweep(d, { deadlineAt: Date.now(), callDeadlineAt: Date.now() + 5000 });
      results.push(r);
      if (!r.incomplete) break;
    }
    const last = results[results.length - 1];
    const next = await runSweep(d, { deadlineAt: Date.now(), callDeadlineAt: Date.now() + 5000 });
    // Assert
    expect(results.length).toBeGreaterThan(1);
    expect(results.slice(0, -1).every((r) => r.incomplete && !r.ok)).toBe(true);
    expect(last).toMatchObject({ ok: false, incomplete: false, error: { code: 'incomplete' } });
    expect(last?.error?.message).toMatch(/1 revocations not proven/);
    expect(new Set(revoked)).toEqual(
      new Set(['disabled-0', 'disabled-1', 'disabled-2', 'owner-0', 'owner-2']),
    );
    expect(next.cursor).toMatchObject({ phase: 'disabled', passRuns: 1 });
  });

  it('a stored ListUsers position Cognito refuses restarts the disabled phase; nobody is skipped', async () => {
    // Arrange: the position points at page "2", which Cognito no longer accepts.
    const table = await freshTable();
    const src = sources({ disabled: 4, owners: 0, size: 2, staleToken: '2' });
    const revoked: string[] = [];
    const d = deps(table, src, revoked);
    const store = createSweepCursorStore({ client: dynamo.client, tableName: table });
    await store.write(
      { version: 0, phase: 'disabled', page: '2', offset: 0, passStartedAt: 1, passRuns: 1, passFailures: 0 },
      0,
    );
    // Act: one run with a single step (the restart), then one with time to finish.
    const first = await runSweep(d, { deadlineAt: Date.now(), callDeadlineAt: Date.now() + 5000 });
    const afterRestart = await store.read();
    const second = await runSweep(d, { deadlineAt: Date.now() + 10_000 });
    // Assert
    expect(first).toMatchObject({ incomplete: true, cursor: { stepsThisRun: 1 } });
    expect(afterRestart).toMatchObject({ phase: 'disabled', offset: 0 });
    expect(afterRestart.page).toBeUndefined();
    expect(second).toMatchObject({ ok: true, incomplete: false });
    expect(revoked).toEqual(['disabled-0', 'disabled-1', 'disabled-2', 'disabled-3']);
  });

  it('a stored item that is not a position is a store error, never a silent fresh start', async () => {
    // Arrange
    const table = await freshTable();
    await dynamo.client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: SWEEP_CURSOR_KEY },
          sk: { S: SWEEP_CURSOR_KEY },
          version: { N: '3' },
          phase: { S: 'elsewhere' },
        },
      }),
    );
    const store = createSweepCursorStore({ client: dynamo.client, tableName: table });
    // Act / Assert
    await expect(store.read()).rejects.toThrow(/unknown phase/);
  });
});
