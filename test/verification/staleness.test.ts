/**
 * Staleness mode on a virtual clock with in-memory stores: what is served from the cache, when the hints are polled,
 * what a hint, a failed poll, an idle container and the maximum age do. The multi-container proof against dynalite
 * is test/cache/containers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HINT_MARGIN_MS,
  stalenessReader,
  type UserRevocationReader,
} from '../../lambdas/verification/staleness.js';
import type { HintPage, HintReader, RevocationHint } from '../../lambdas/core/hints.js';
import { StoreError } from '../../lambdas/core/ports.js';
import type { RevocationEntry } from '../../lambdas/core/revocation.js';

const T0 = 1_800_000_000_000;

function world() {
  let now = T0;
  const entries = new Map<string, RevocationEntry[]>();
  const hints: RevocationHint[] = [];
  const reads: string[] = [];
  const polls: { from: number; until: number }[] = [];
  let pollError: Error | undefined;
  let truncate = false;
  const store: UserRevocationReader = {
    async readUser(sub) {
      reads.push(sub);
      return [...(entries.get(sub) ?? [])];
    },
  };
  const hintReader: HintReader = {
    async since(from, until): Promise<HintPage> {
      polls.push({ from, until });
      if (pollError) throw pollError;
      return { hints: hints.filter((h) => h.at >= from && h.at <= until), truncated: truncate };
    },
  };
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
    revoke(sub: string, at = now) {
      entries.set(sub, [
        { sub, scope: 'user', id: sub, notBefore: Math.floor(at / 1000), revokedAt: 1, expiresAt: 4e9 },
      ]);
      hints.push({ sub, at });
    },
    store,
    hintReader,
    reads,
    polls,
    failPolls: (e: Error | undefined) => {
      pollError = e;
    },
    truncateNext: () => {
      truncate = true;
    },
  };
}

function build(w: ReturnType<typeof world>, extra: { maxAgeSeconds?: number; maxUsers?: number } = {}) {
  return stalenessReader(w.store, {
    stalenessSeconds: 1,
    maxAgeSeconds: extra.maxAgeSeconds ?? 600,
    hints: w.hintReader,
    clock: w.clock,
    maxUsers: extra.maxUsers,
  });
}

describe('staleness mode', () => {
  it('first use: no poll (nothing cached); repeated decisions are served from the cache with one poll per S', async () => {
    // Arrange
    const w = world();
    const reader = build(w);
    // Act
    for (let i = 0; i < 10; i++) {
      await reader.readUser('alice');
      w.advance(250);
    }
    // Assert: one read of alice, polls at most every second (2.5 s elapsed → 2 polls)
    expect(w.reads).toEqual(['alice']);
    expect(w.polls).toHaveLength(2);
  });

  it('a hinted user is dropped at the next poll: the decision reads the revocation', async () => {
    const w = world();
    const reader = build(w);
    expect(await reader.readUser('alice')).toEqual([]);
    w.advance(300);
    w.revoke('alice');
    w.advance(300);
    expect(await reader.readUser('alice')).toEqual([]); // within S: may be stale
    w.advance(500);
    const after = await reader.readUser('alice'); // > S after the revocation: polled, dropped, read again
    expect(after).toHaveLength(1);
    expect(w.reads).toEqual(['alice', 'alice']);
  });

  it('each poll reads from the previous poll start minus the margin to now plus the margin', async () => {
    const w = world();
    const reader = build(w);
    await reader.readUser('a');
    w.advance(1000);
    await reader.readUser('a');
    w.advance(1500);
    await reader.readUser('a');
    expect(w.polls).toEqual([
      { from: T0 - DEFAULT_HINT_MARGIN_MS, until: T0 + 1000 + DEFAULT_HINT_MARGIN_MS },
      { from: T0 + 1000 - DEFAULT_HINT_MARGIN_MS, until: T0 + 2500 + DEFAULT_HINT_MARGIN_MS },
    ]);
  });

  it('a hint stamped by a clock 2 s behind, or written late, is still inside the next window', async () => {
    const w = world();
    const reader = build(w);
    await reader.readUser('alice');
    w.advance(1000);
    await reader.readUser('alice'); // poll at T0+1000
    w.revoke('alice', T0 + 1000 - 4000); // stamped 4 s "earlier" (skew + slow write), lands after that poll
    w.advance(1000);
    expect(await reader.readUser('alice')).toHaveLength(1);
  });

  it('a failed poll: nothing served from the cache until a poll succeeds; retried at most every S; no hint skipped', async () => {
    const w = world();
    const reader = build(w);
    await reader.readUser('alice');
    w.advance(1000);
    w.failPolls(new StoreError('unavailable', 'down'));
    await reader.readUser('alice');
    await reader.readUser('alice');
    expect(w.reads).toHaveLength(3); // exact mode while the poll fails
    expect(w.polls).toHaveLength(1); // not retried within S
    w.revoke('alice');
    w.advance(1000);
    w.failPolls(undefined);
    expect(await reader.readUser('alice')).toHaveLength(1);
    expect(w.polls.at(-1)?.from).toBe(T0 - DEFAULT_HINT_MARGIN_MS); // from the last successful poll's start
  });

  it('never serves an answer past the maximum age (e.g. its hint was never written)', async () => {
    const w = world();
    const reader = build(w, { maxAgeSeconds: 5 });
    await reader.readUser('alice');
    for (let i = 0; i < 4; i++) {
      w.advance(1000);
      await reader.readUser('alice');
    }
    expect(w.reads).toHaveLength(1);
    w.advance(1000);
    await reader.readUser('alice');
    expect(w.reads).toHaveLength(2);
  });

  it('a container idle or frozen for longer than a bucket empties its cache instead of reading missed buckets', async () => {
    const w = world();
    const reader = build(w);
    await reader.readUser('alice');
    w.advance(10 * 60_000);
    await reader.readUser('alice');
    expect(w.polls).toHaveLength(0);
    expect(w.reads).toHaveLength(2);
  });

  it('a read that started before a poll that hinted its user is not cached', async () => {
    // Arrange: alice's read is held until after a poll has seen her hint
    const w = world();
    let hold: Promise<void> | undefined;
    let release: () => void = () => {};
    const store: UserRevocationReader = {
      async readUser(sub) {
        const stale = w.store.readUser(sub); // the answer as of the read's start (counted in w.reads)
        if (sub === 'alice' && hold) await hold;
        return stale;
      },
    };
    const reader = stalenessReader(store, {
      stalenessSeconds: 1,
      maxAgeSeconds: 600,
      hints: w.hintReader,
      clock: w.clock,
    });
    await reader.readUser('warm');
    w.advance(1000);
    hold = new Promise<void>((r) => {
      release = r;
    });
    const racing = reader.readUser('alice'); // polls (nothing), then reads: held
    await new Promise((r) => setTimeout(r, 10));
    w.revoke('alice');
    w.advance(1000);
    await reader.readUser('warm'); // this poll sees alice's hint
    // Act
    release();
    hold = undefined;
    expect(await racing).toEqual([]); // the racing decision itself predates the revocation
    const next = await reader.readUser('alice');
    // Assert
    expect(next).toHaveLength(1);
    expect(w.reads.filter((s) => s === 'alice')).toHaveLength(2);
  });

  it('a truncated poll (mass revocation) drops every user', async () => {
    const w = world();
    const reader = build(w);
    await reader.readUser('a');
    await reader.readUser('b');
    expect(reader.size()).toBe(2);
    w.advance(1000);
    w.truncateNext();
    await reader.readUser('a');
    expect(w.reads).toEqual(['a', 'b', 'a']);
  });

  it('bounded memory: least recently used users are dropped first', async () => {
    const w = world();
    const reader = build(w, { maxUsers: 2 });
    await reader.readUser('a');
    await reader.readUser('b');
    await reader.readUser('a');
    await reader.readUser('c'); // evicts b
    await reader.readUser('a');
    await reader.readUser('b');
    expect(w.reads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('a failed store read is not cached', async () => {
    const w = world();
    let fail = true;
    const reader = stalenessReader(
      {
        async readUser(sub) {
          w.reads.push(sub);
          if (fail) throw new StoreError('timeout', 'slow');
          return [];
        },
      },
      { stalenessSeconds: 1, maxAgeSeconds: 600, hints: w.hintReader, clock: w.clock },
    );
    await expect(reader.readUser('a')).rejects.toBeInstanceOf(StoreError);
    fail = false;
    await reader.readUser('a');
    await reader.readUser('a');
    expect(w.reads).toHaveLength(2);
  });
});
