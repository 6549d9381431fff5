/**
 * Where a decision's CPU goes: each step of the authorizer's path timed on its own, in the same rounds as bare
 * `verify()` (rounds alternate, so the shared box's drifting load hits every step alike). Used by
 * bench/authorizer.bench.ts, which prints it next to the whole decision.
 *
 * Steps, in the order the authorizer runs them:
 * - parse event: `parseAuthorizerEvent` (event kind, bearer token);
 * - strict shape check: `strictJwtProblem` (canonical base64url, no duplicate / dangerous JSON keys);
 * - verify: aws-jwt-verify `verify()` with the JWKS cached — the baseline itself;
 * - claims → facts + memory: `tokenFactsFrom`, the revoked-verdict memory lookup;
 * - store read: `readUser` on the in-process blocklist (a Map; the network read is measured elsewhere);
 * - decide: `decide` over the user's entries;
 * - response: `authContextFrom` + `allowResponse` (the IAM policy);
 * - log: `DecisionRecorder.record` at the shipped defaults (1 % of allows logged, one EMF document per 1,000),
 *   writing into the same drained pipe as the full decision.
 */
import { authContextFrom, tokenFactsFrom } from '../lambdas/verification/claims.js';
import { createDecisionRecorder } from '../lambdas/authorizer/decision-record.js';
import { parseAuthorizerEvent } from '../lambdas/authorizer/events.js';
import { allowResponse, type Shaping } from '../lambdas/authorizer/responses.js';
import { createRevokedMemory } from '../lambdas/verification/revoked-memory.js';
import { strictJwtProblem } from '../lambdas/verification/strict-jwt.js';
import type { Claims } from '../lambdas/verification/verifier.js';
import type { RevocationReader } from '../lambdas/core/ports.js';
import { decide, type RevocationEntry } from '../lambdas/core/revocation.js';
import type { TokenFacts } from '../lambdas/core/token.js';

export interface BreakdownInput {
  readonly verifier: { verify(token: string): Promise<unknown> };
  readonly tokens: readonly string[];
  readonly events: readonly unknown[];
  readonly reader: RevocationReader;
  /** Writes a complete line (the shipped stdout writer aimed at the drained pipe). */
  readonly write: (line: string) => void;
  /** The whole decision, as built from the environment. */
  readonly full: (event: unknown) => Promise<unknown>;
  /** The previous release's whole decision, built the same way from its bundle (timed in the same rounds). */
  readonly previous?: (event: unknown) => Promise<unknown>;
  readonly rounds: number;
  readonly iterations: number;
}

export interface BreakdownResult {
  /** Median µs per call, per step (and `full`, `bare`). */
  readonly medians: Readonly<Record<string, number>>;
  /** Median of the per-round ratios full / bare. */
  readonly ratio: number;
  readonly ratios: readonly number[];
  /** Median of the per-round ratios previous / bare, when the previous release was timed. */
  readonly previousRatio?: number;
}

const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export const STEPS = [
  'parse event',
  'strict shape check',
  'verify (aws-jwt-verify)',
  'claims → facts + memory',
  'store read (in-process)',
  'decide',
  'response',
  'log + metrics',
] as const;

export async function cpuBreakdown(input: BreakdownInput): Promise<BreakdownResult> {
  const { tokens, events, reader, rounds, iterations } = input;
  const claims = (await Promise.all(tokens.map((t) => input.verifier.verify(t)))) as Claims[];
  const facts = claims.map(
    (c) => tokenFactsFrom(c, 'revocation_sid', Math.floor(Date.now() / 1000)) as TokenFacts,
  );
  const entries: RevocationEntry[][] = await Promise.all(facts.map((f) => reader.readUser(f.sub)));
  const memory = createRevokedMemory();
  const recorder = createDecisionRecorder({
    namespace: 'CognitoRevocation',
    service: 'authorizer',
    level: 'info',
    write: input.write,
  });
  const shaping: Shaping = {
    kind: 'rest_token',
    restStyle: true,
    arn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets/42',
    httpApiResponseMode: 'simple',
    appSyncAllowTtlSeconds: 0,
  };
  let sink = 0;
  const n = tokens.length;
  const steps: Record<(typeof STEPS)[number], (i: number) => unknown> = {
    'parse event': (i) => parseAuthorizerEvent(events[i % n]),
    'strict shape check': (i) => strictJwtProblem(tokens[i % n] as string),
    'verify (aws-jwt-verify)': (i) => input.verifier.verify(tokens[i % n] as string),
    'claims → facts + memory': (i) => {
      const now = Math.floor(Date.now() / 1000);
      const f = tokenFactsFrom(claims[i % n] as Claims, 'revocation_sid', now) as TokenFacts;
      return memory.revoking(f, now);
    },
    'store read (in-process)': (i) => reader.readUser((facts[i % n] as TokenFacts).sub),
    decide: (i) =>
      decide(facts[i % n] as TokenFacts, entries[i % n] as RevocationEntry[], Math.floor(Date.now() / 1000)),
    response: (i) => {
      const f = facts[i % n] as TokenFacts;
      return allowResponse(shaping, f.sub, authContextFrom(claims[i % n] as Claims, f));
    },
    'log + metrics': (i) => {
      recorder.count('StoreRoundTrips');
      recorder.record({
        decision: 'allow',
        reason: 'valid',
        eventKind: 'rest_token',
        tokenUse: 'access',
        sub: (facts[i % n] as TokenFacts).sub,
        latencyMs: 0.05 + (i % 7) / 100,
        storeMs: 0.01,
        level: 'info',
      });
    },
  };
  const asyncSteps = new Set(['verify (aws-jwt-verify)', 'store read (in-process)']);
  const perRound: Record<string, number[]> = { bare: [], full: [] };
  for (const name of STEPS) perRound[name] = [];
  const ratios: number[] = [];
  const previousRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = cpuMicros();
    for (let i = 0; i < iterations; i++) await input.verifier.verify(tokens[i % n] as string);
    const bare = (cpuMicros() - start) / iterations;
    start = cpuMicros();
    for (let i = 0; i < iterations; i++) await input.full(events[i % n]);
    const full = (cpuMicros() - start) / iterations;
    perRound.bare?.push(bare);
    perRound.full?.push(full);
    ratios.push(full / bare);
    if (input.previous) {
      start = cpuMicros();
      for (let i = 0; i < iterations; i++) await input.previous(events[i % n]);
      const previous = (cpuMicros() - start) / iterations;
      perRound.previous = [...(perRound.previous ?? []), previous];
      previousRatios.push(previous / bare);
    }
    for (const name of STEPS) {
      const step = steps[name];
      start = cpuMicros();
      if (asyncSteps.has(name)) for (let i = 0; i < iterations; i++) await step(i);
      else for (let i = 0; i < iterations; i++) if (step(i)) sink++;
      perRound[name]?.push((cpuMicros() - start) / iterations);
    }
  }
  if (sink < 0) console.log(sink); // keeps the results alive
  const medians: Record<string, number> = {};
  for (const [name, values] of Object.entries(perRound)) medians[name] = median(values);
  return {
    medians,
    ratio: median(ratios),
    ratios,
    ...(previousRatios.length ? { previousRatio: median(previousRatios) } : {}),
  };
}
