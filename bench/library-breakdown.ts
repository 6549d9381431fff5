/**
 * Where the library's decision CPU goes, and the decision itself next to bare aws-jwt-verify `verify()`, measured
 * in the same interleaved rounds (bench/library.bench.ts prints it).
 *
 * Rounds: each round times every subject for `iterations` calls, back to back; the order of the subjects is reversed
 * every other round (A B C, C B A, …) so neither side always runs first after the other's garbage. A round's ratio
 * is subject / bare of that same round: a load that drifts over seconds (other processes on the box) cancels out
 * of the ratio, which is why the median of the per-round ratios is the figure, with min and max beside it.
 *
 * Steps, in the order the library runs them (each on its own, same tokens, same rounds):
 * - strict shape check: `strictJwtProblem` (canonical base64url, no duplicate / dangerous JSON keys);
 * - verify (aws-jwt-verify): the bare `verify()` with the JWKS cached — the baseline itself;
 * - claims → facts + memory: `tokenFactsFrom`, the revoked-verdict memory lookup;
 * - store read (in-process): `readUser` on the in-process blocklist — exact mode's one read;
 * - staleness cache hit: the staleness cache's answer for a cached user (over the same blocklist);
 * - decide: `decide` over the user's entries;
 * - result: `authContextFrom` and the `VerifiedToken` the caller receives;
 * - bearer header (adapters): `bearerToken`, what the Express / Fastify adapters add before `verify()`.
 * What the whole decision costs beyond the sum of its steps is the glue between them (the promise layers).
 */
import { authContextFrom, tokenFactsFrom, tokenUseOf } from '../lambdas/verification/claims.js';
import { createRevokedMemory } from '../lambdas/verification/revoked-memory.js';
import { stalenessReader } from '../lambdas/verification/staleness.js';
import { strictJwtProblem } from '../lambdas/verification/strict-jwt.js';
import type { Claims } from '../lambdas/verification/verifier.js';
import { decide, type RevocationEntry } from '../lambdas/core/revocation.js';
import type { TokenFacts } from '../lambdas/core/token.js';
import { bearerToken } from '../lambdas/library/bearer.js';
import type { InProcessStore } from './library-store.js';

export const LIBRARY_STEPS = [
  'strict shape check',
  'verify (aws-jwt-verify)',
  'claims → facts + memory',
  'store read (in-process)',
  'staleness cache hit',
  'decide',
  'result',
  'bearer header (adapters)',
] as const;

type Call = (i: number) => Promise<unknown>;
/** Name of the control subject: bare verify() once more, its ratio to bare expected to be 1. */
export const CONTROL = 'control: bare verify() again';
/** A step: asynchronous ones are awaited, synchronous ones called in a plain loop (no promise of their own). */
type Step = { readonly call: (i: number) => unknown; readonly async: boolean };

export interface LibraryCpuInput {
  readonly bare: { verify(token: string): Promise<unknown> };
  /** Whole decisions to compare with bare `verify()`, by name (e.g. exact, staleness). */
  readonly decisions: Readonly<Record<string, { verify(token: string): Promise<unknown> }>>;
  readonly tokens: readonly string[];
  /** The in-process store the steps read (a separate one from the decisions', so their counts stay theirs). */
  readonly store: InProcessStore;
  readonly rounds: number;
  readonly iterations: number;
  /** Also time each step (default true). */
  readonly steps?: boolean;
}

export interface Spread {
  readonly median: number;
  /** Interquartile range of the per-round ratios. */
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

export interface LibraryCpuResult {
  /** µs per call: median over the rounds, per subject (`bare`, each decision, each step). */
  readonly micros: Readonly<Record<string, number>>;
  /** Per decision (and the control): median, min and max of the per-round ratios decision / bare. */
  readonly ratios: Readonly<Record<string, Spread>>;
}

export const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const quantile = (values: readonly number[], q: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function stepCalls(input: LibraryCpuInput): Promise<Record<string, Step>> {
  const { tokens, store } = input;
  const n = tokens.length;
  const claims = (await Promise.all(tokens.map((t) => input.bare.verify(t)))) as Claims[];
  const nowS = () => Math.floor(Date.now() / 1000);
  const facts = claims.map((c) => tokenFactsFrom(c, 'revocation_sid', nowS()) as TokenFacts);
  const entries: RevocationEntry[][] = await Promise.all(facts.map((f) => store.reader.readUser(f.sub)));
  const memory = createRevokedMemory();
  const headers = tokens.map((t) => `Bearer ${t}`);
  const cache = stalenessReader(store.reader, {
    stalenessSeconds: 10,
    maxAgeSeconds: 300,
    clock: Date.now,
    hints: store.hints,
  });
  for (const f of facts) await cache.readUser(f.sub);
  const sync = (call: (i: number) => unknown): Step => ({ call, async: false });
  const async = (call: Call): Step => ({ call, async: true });
  return {
    'strict shape check': sync((i) => strictJwtProblem(tokens[i % n] as string)),
    'verify (aws-jwt-verify)': async((i) => input.bare.verify(tokens[i % n] as string)),
    'claims → facts + memory': sync((i) => {
      const now = nowS();
      const f = tokenFactsFrom(claims[i % n] as Claims, 'revocation_sid', now) as TokenFacts;
      return memory.revoking(f, now) ?? f;
    }),
    'store read (in-process)': async((i) => store.reader.readUser((facts[i % n] as TokenFacts).sub)),
    'staleness cache hit': async((i) => cache.readUser((facts[i % n] as TokenFacts).sub)),
    decide: sync((i) => decide(facts[i % n] as TokenFacts, entries[i % n] as RevocationEntry[], nowS())),
    result: sync((i) => {
      const c = claims[i % n] as Claims;
      const f = facts[i % n] as TokenFacts;
      return { claims: c, sub: f.sub, tokenUse: tokenUseOf(c), context: authContextFrom(c, f) };
    }),
    'bearer header (adapters)': sync((i) => bearerToken(headers[i % n])),
  };
}

export async function libraryCpu(input: LibraryCpuInput): Promise<LibraryCpuResult> {
  const { tokens, rounds, iterations } = input;
  const n = tokens.length;
  const bare: Step = { call: (i) => input.bare.verify(tokens[i % n] as string), async: true };
  const decisions: [string, Step][] = Object.entries(input.decisions).map(([name, d]) => [
    name,
    { call: (i) => d.verify(tokens[i % n] as string), async: true },
  ]);
  // The control is bare verify() timed a second time as if it were a decision: its ratio should be 1, and how far
  // it strays shows what the box's noise does to a ratio in this run.
  decisions.push([CONTROL, bare]);
  const subjects: [string, Step][] = [['bare', bare], ...decisions];
  if (input.steps !== false) {
    for (const [name, step] of Object.entries(await stepCalls(input))) {
      // The verify step is the bare baseline itself.
      if (name !== 'verify (aws-jwt-verify)') subjects.push([name, step]);
    }
  }
  const perRound: Record<string, number[]> = {};
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const [name, step] of order) {
      const start = cpuMicros();
      if (step.async) for (let i = 0; i < iterations; i++) await step.call(i);
      else for (let i = 0; i < iterations; i++) if (step.call(i)) sink++;
      const micros = (cpuMicros() - start) / iterations;
      const seen = perRound[name];
      if (seen) seen.push(micros);
      else perRound[name] = [micros];
      // Untimed: let the event loop run, as a service's does between requests. A chain of awaits that never
      // yields leaves socket events unprocessed — a keep-alive connection the server closed meanwhile stays in the
      // pool and the next hint poll fails on it (ECONNRESET), which turned staleness mode into exact mode for S.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (sink < 0) console.log(sink); // keeps the synchronous steps' results alive
  const micros: Record<string, number> = {};
  for (const [name, values] of Object.entries(perRound)) micros[name] = median(values);
  micros['verify (aws-jwt-verify)'] = micros.bare as number;
  const bareRounds = perRound.bare as number[];
  const ratios: Record<string, Spread> = {};
  for (const [name] of decisions) {
    const r = (perRound[name] as number[]).map((v, i) => v / (bareRounds[i] as number));
    ratios[name] = {
      median: median(r),
      p25: quantile(r, 0.25),
      p75: quantile(r, 0.75),
      min: Math.min(...r),
      max: Math.max(...r),
    };
  }
  return { micros, ratios };
}
