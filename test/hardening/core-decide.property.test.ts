/**
 * Property tests of the pure revocation decision (the core part of the fuzzing): `decide` agrees with a
 * straightforward reference model over random revocation sets and token claims, and the keys the authorizer
 * fetches (`revocationKeysFor`) are exactly the keys whose entries can revoke.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  REVOCATION_SCOPES,
  type RevocationEntry,
  type RevocationScope,
  revocationKeysFor,
} from '../../lambdas/core/revocation.js';
import { StoreError } from '../../lambdas/core/ports.js';
import type { TokenFacts } from '../../lambdas/core/token.js';
import { itemToRevocation, revocationToItem } from '../../lambdas/adapters/dynamodb/schema.js';
import { fuzz } from './support/fuzz.js';

const NOW = 1_800_000_000;

// --- the reference model: written from the four scopes' definitions, not from the code ----------------------------

/** 1..256 chars, each printable ASCII other than space. */
function usableId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 256) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

function lookupKeys(token: TokenFacts): Set<string> {
  const keys = new Set<string>([`user ${token.sub}`]);
  if (usableId(token.originJti)) keys.add(`origin ${token.originJti}`);
  if (usableId(token.sessionId)) keys.add(`session ${token.sessionId}`);
  if (usableId(token.jti)) keys.add(`token ${token.jti}`);
  return keys;
}

/** Revoked iff some entry is live (now < expiresAt), is in the token's user's partition, has one of the token's
 * lookup keys, and (user scope) the token was authenticated at or before the watermark. Unknown watermark or unknown
 * authentication time: revoked. */
function referenceRevoked(token: TokenFacts, entries: readonly RevocationEntry[], now: number): boolean {
  const keys = lookupKeys(token);
  return entries.some((entry) => {
    if (!(now < entry.expiresAt)) return false;
    if (entry.sub !== token.sub) return false;
    if (!keys.has(`${entry.scope} ${entry.id}`)) return false;
    if (entry.scope !== 'user') return true;
    if (typeof entry.notBefore !== 'number' || !Number.isFinite(entry.notBefore)) return true;
    const times = token.authTime === undefined ? [token.issuedAt] : [token.issuedAt, token.authTime];
    if (times.some((t) => !Number.isFinite(t))) return true;
    if (Math.min(...times) <= entry.notBefore) return true;
    // A time-ordered session id (exactly 44 lowercase hex: 12 of epoch ms, 32 random) minted by the watermark's
    // second plus one second of Lambda clock error also revokes; any other session id adds nothing.
    const sid = token.sessionId;
    if (typeof sid !== 'string' || !/^[0-9a-f]{44}$/.test(sid)) return false;
    return Math.floor(Number.parseInt(sid.slice(0, 12), 16) / 1000) <= entry.notBefore + 1;
  });
}

/** A time-ordered session id minted at `ms`, and look-alikes that must carry no time. */
const timed = (ms: number) => `${ms.toString(16).padStart(12, '0')}${'5e'.repeat(16)}`;
const TIMED_IDS = [-3, -1, 0, 1, 2, 3].map((s) => timed((NOW + s) * 1000 + 999));
const NOT_TIMED_IDS = [
  timed(NOW * 1000).toUpperCase(),
  timed(NOW * 1000).slice(1),
  `${timed(NOW * 1000)}0`,
  `${timed(NOW * 1000).slice(0, 43)}g`,
];

// --- generators ---------------------------------------------------------------------------------------------------

// A small pool so that entries and tokens collide often; includes ids the blocklist must not use as keys.
const ID_POOL = [
  'a',
  'b',
  '7c2f4a8e-1d3b-4f6a-9e0c-5b8d2a7f3e1c',
  '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b',
  '',
  'has space',
  'tab\there',
  'é-non-ascii',
  'x'.repeat(256),
  'x'.repeat(257),
  ...TIMED_IDS,
  ...NOT_TIMED_IDS,
];
// Entries come from the store, whose codec (`itemToRevocation`) rejects an item whose id is not usable, so entry ids
// are drawn from the usable part of the pool only; the premise is checked below.
const ENTRY_IDS = ID_POOL.filter(usableId);
const SUBS = ['aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', '11111111-2222-3333-4444-555555555555', 'a'];

const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: NOW - 200, max: NOW + 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);
const optionalId = fc.option(fc.constantFrom(...ID_POOL), { nil: undefined });

const tokenArb: fc.Arbitrary<TokenFacts> = fc.record({
  sub: fc.constantFrom(...SUBS),
  issuedAt: time,
  authTime: fc.option(time, { nil: undefined }),
  expiresAt: fc.integer({ min: NOW, max: NOW + 86_400 }),
  jti: optionalId,
  originJti: optionalId,
  sessionId: optionalId,
});

const entryArb: fc.Arbitrary<RevocationEntry> = fc
  .record({
    scope: fc.constantFrom<RevocationScope>(...REVOCATION_SCOPES),
    idFromPool: fc.constantFrom(...ENTRY_IDS),
    sub: fc.constantFrom(...SUBS),
    notBefore: fc.option(time, { nil: undefined }),
    revokedAt: fc.integer({ min: NOW - 1000, max: NOW }),
    expiresAt: fc.oneof(
      fc.integer({ min: NOW - 5, max: NOW + 5 }),
      fc.integer({ min: NOW - 100_000, max: NOW + 100_000 }),
    ),
  })
  .map(({ scope, idFromPool, sub, notBefore, revokedAt, expiresAt }) => ({
    sub,
    scope,
    id: scope === 'user' ? sub : idFromPool,
    notBefore: scope === 'user' ? notBefore : undefined,
    revokedAt,
    expiresAt,
  }));

const nowArb = fc.integer({ min: NOW - 10, max: NOW + 10 });

// --- properties -----------------------------------------------------------------------------------------------

describe('decide against the reference model', () => {
  it('revokes exactly when the reference model does', () => {
    fc.assert(
      fc.property(tokenArb, fc.array(entryArb, { maxLength: 8 }), nowArb, (token, entries, now) => {
        // Act
        const decision = decide(token, entries, now);
        // Assert
        expect(decision.revoked).toBe(referenceRevoked(token, entries, now));
      }),
      fuzz(4000),
    );
  });

  it('a watermark revokes by a time-ordered session id too, only ever adding revocations; look-alikes count as no claim', () => {
    let bySessionTimeOnly = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: NOW - 5, max: NOW + 5 }),
        fc.integer({ min: NOW - 5, max: NOW + 5 }),
        fc.option(fc.constantFrom(...TIMED_IDS, ...NOT_TIMED_IDS), { nil: undefined }),
        (notBefore, issuedAt, sessionId) => {
          // Arrange
          const sub = SUBS[0] as string;
          const token: TokenFacts = { sub, issuedAt, expiresAt: NOW + 3600, sessionId };
          const claimless: TokenFacts = { sub, issuedAt, expiresAt: NOW + 3600 };
          const watermark: RevocationEntry = {
            sub,
            scope: 'user',
            id: sub,
            notBefore,
            revokedAt: notBefore,
            expiresAt: NOW + 86_400,
          };
          // Act
          const withId = decide(token, [watermark], NOW).revoked;
          const without = decide(claimless, [watermark], NOW).revoked;
          // Assert
          expect(withId).toBe(referenceRevoked(token, [watermark], NOW));
          if (without) expect(withId).toBe(true); // never lifts a revocation
          if (sessionId !== undefined && NOT_TIMED_IDS.includes(sessionId)) expect(withId).toBe(without);
          if (withId && !without) bySessionTimeOnly++;
        },
      ),
      fuzz(2000),
    );
    expect(bySessionTimeOnly).toBeGreaterThan(10); // the session-time rule was exercised, not vacuous
  });

  it('names an entry that revokes on its own, with its scope', () => {
    fc.assert(
      fc.property(tokenArb, fc.array(entryArb, { maxLength: 8 }), nowArb, (token, entries, now) => {
        const decision = decide(token, entries, now);
        fc.pre(decision.revoked);
        if (!decision.revoked) return;
        expect(entries).toContain(decision.entry);
        expect(decision.scope).toBe(decision.entry.scope);
        expect(referenceRevoked(token, [decision.entry], now)).toBe(true);
      }),
      fuzz(1500),
    );
  });

  it('does not depend on the order the store returns entries in', () => {
    fc.assert(
      fc.property(
        tokenArb,
        fc.array(entryArb, { maxLength: 8 }),
        nowArb,
        fc.infiniteStream(fc.nat()),
        (token, entries, now, randomness) => {
          // Arrange: a deterministic shuffle driven by the generated stream
          const shuffled = [...entries];
          const iterator = randomness[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (iterator.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          // Act / Assert
          expect(decide(token, shuffled, now).revoked).toBe(decide(token, entries, now).revoked);
        },
      ),
      fuzz(1500),
    );
  });

  it('never un-revokes when more entries arrive (monotonic)', () => {
    fc.assert(
      fc.property(
        tokenArb,
        fc.array(entryArb, { maxLength: 6 }),
        fc.array(entryArb, { maxLength: 6 }),
        nowArb,
        (token, entries, more, now) => {
          fc.pre(decide(token, entries, now).revoked);
          expect(decide(token, [...entries, ...more], now).revoked).toBe(true);
        },
      ),
      fuzz(1500),
    );
  });

  it('fetches exactly the keys whose entries can revoke the token', () => {
    fc.assert(
      fc.property(tokenArb, (token) => {
        // Act
        const keys = revocationKeysFor(token).map((k) => `${k.scope} ${k.id}`);
        // Assert: no duplicates, user first, same set as the model, all in the token's user's partition
        expect(revocationKeysFor(token).every((k) => k.sub === token.sub)).toBe(true);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys[0]).toBe(`user ${token.sub}`);
        expect(new Set(keys)).toEqual(lookupKeys(token));
      }),
      fuzz(2000),
    );
  });

  it('premise: the store codec refuses entries whose id is not usable', () => {
    for (const id of ID_POOL.filter((i) => !usableId(i))) {
      for (const scope of REVOCATION_SCOPES) {
        const item = {
          ...revocationToItem({
            sub: 'a',
            scope,
            id: 'placeholder',
            revokedAt: NOW,
            expiresAt: NOW + 1,
            notBefore: NOW,
          }),
        };
        item.sk = { S: scope === 'user' ? 'rev#user' : `rev#${scope}#${id}` };
        if (scope !== 'user') expect(() => itemToRevocation(item)).toThrow(StoreError);
        // The user scope's id is the partition's sub: a partition of an unusable sub is refused too.
        item.pk = { S: `user#${id}` };
        expect(() => itemToRevocation(item)).toThrow(StoreError);
      }
    }
  });

  it('ignores every entry at or past its expiry, whatever it says', () => {
    fc.assert(
      fc.property(tokenArb, fc.array(entryArb, { maxLength: 8 }), nowArb, (token, entries, now) => {
        // Arrange: age every entry so it is no longer live
        const dead = entries.map((e) => ({ ...e, expiresAt: Math.min(e.expiresAt, now) }));
        // Act / Assert
        expect(decide(token, dead, now).revoked).toBe(false);
      }),
      fuzz(1000),
    );
  });
});
