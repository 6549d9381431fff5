/**
 * Shared settings of the hardening suite's property tests and fuzzers.
 *
 * `npm test` runs every property with a fixed seed and a bounded number of runs, so a failure reproduces exactly.
 * `npm run fuzz` (scripts/fuzz-long.ts) reruns the same properties with `FUZZ_SCALE` times more runs and a seed of
 * its choosing (`FUZZ_SEED`), printing both so that any counterexample can be replayed.
 */
import type { Parameters } from 'fast-check';

/** The seed `npm test` uses; override with FUZZ_SEED to replay a long-run failure. */
export const FUZZ_SEED = readInteger('FUZZ_SEED', 20261129);
/** Multiplies every property's run count (1 in `npm test`). */
export const FUZZ_SCALE = readNumber('FUZZ_SCALE', 1);

function readNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function readInteger(name: string, fallback: number): number {
  const value = readNumber(name, fallback);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${value}"`);
  return value;
}

/** Run count for a property whose `npm test` budget is `base`. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * FUZZ_SCALE));
}

/** fast-check parameters: fixed seed, bounded runs. */
export function fuzz<T>(base: number, extra: Parameters<T> = {}): Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: runs(base), ...extra };
}
