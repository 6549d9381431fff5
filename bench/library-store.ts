/**
 * The library benchmark's in-process store and tokens (bench/library.bench.ts, bench/profile-library.ts): the
 * blocklist as a Map lookup per user and a hint reader answering "no hints" at once, so a decision's CPU is the
 * library's own and not an emulator's. Handed to `createRevocationVerifier` as its second argument, as the
 * authorizer's benchmark hands its in-process blocklist to the authorizer.
 */
import type { HintPage, HintReader } from '../lambdas/core/hints.js';
import type { RevocationReader } from '../lambdas/core/ports.js';
import type { RevocationEntry } from '../lambdas/core/revocation.js';
import { nowSeconds, signAccessToken } from '../test/fixtures/tokens.js';

export interface InProcessStore {
  readonly reader: RevocationReader;
  readonly hints: HintReader;
  /** Blocklist reads and hint polls so far. */
  readonly reads: () => number;
  readonly polls: () => number;
}

export function inProcessStore(): InProcessStore {
  // One live entry of another user, so the Map is not empty (as in the authorizer's benchmark).
  const now = nowSeconds();
  const bySub = new Map<string, RevocationEntry[]>([
    [
      'someone-else',
      [
        {
          sub: 'someone-else',
          scope: 'user',
          id: 'someone-else',
          notBefore: now,
          revokedAt: 1,
          expiresAt: now + 3600,
        },
      ],
    ],
  ]);
  const none: RevocationEntry[] = [];
  const empty: HintPage = { hints: [], truncated: false };
  let reads = 0;
  let polls = 0;
  return {
    reader: {
      async readUser(sub) {
        reads++;
        return bySub.get(sub) ?? none;
      },
    },
    hints: {
      async since() {
        polls++;
        return empty;
      },
    },
    reads: () => reads,
    polls: () => polls,
  };
}

/** Access tokens of `count` users as Cognito issues them with the token trigger: jti, origin_jti, session id. */
export function libraryTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    signAccessToken({
      sub: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      jti: `jti-${i}`,
      origin_jti: `origin-${i}`,
      revocation_sid: `sid-${i}`,
    }),
  );
}
