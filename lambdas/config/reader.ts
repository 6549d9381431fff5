/**
 * The one environment reader every function's configuration is declared over. It reads only the names the
 * function's contract (`contract.ts`) lists, takes every default from there, and collects every problem before it
 * throws a single `ConfigError`, so an operator fixes a misconfigured function in one deployment, not one per
 * variable.
 */
import { ENVIRONMENT, type EnvVarSpec, type FunctionName } from './contract.js';

/** A function's environment is invalid; `problems` names each variable at fault and what it accepts. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly fn: FunctionName,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${fn} configuration: ${problems.join('; ')}`);
  }
}

export interface EnvironmentReader {
  /** The trimmed value, else the contract's default. A required variable left unset is a problem (answers ''). */
  text(name: string): string;
  /** Whether the variable is set to something other than blanks (a default does not count). */
  isSet(name: string): boolean;
  /** One of `allowed`, compared case-insensitively; otherwise a problem (answers the first allowed value). */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T;
  /** `true` or `false`. */
  flag(name: string): boolean;
  /** A whole number from `min` to `max`; otherwise a problem (answers `min`). */
  integer(name: string, min: number, max: number): number;
  /**
   * Hands the value (or default) to a parser that throws on bad input; the thrown message becomes the problem and
   * `fallback` stands in, so the remaining variables are still checked.
   */
  parse<T>(name: string, parser: (value: string) => T, fallback: T): T;
  /** Records a problem the declaration found itself (a rule across variables, a format check). */
  problem(message: string): void;
}

function specOf(fn: FunctionName, name: string): EnvVarSpec {
  const spec = ENVIRONMENT[fn].find((s) => s.name === name);
  // A programming error, not a configuration one: the contract is what Terraform sets and the README documents.
  if (spec === undefined) throw new Error(`${name} is not in the ${fn} environment contract`);
  return spec;
}

/** `fn`'s value of `name` from `env`, else its contract default (for a fallback before the whole config is read). */
export function contractValue(fn: FunctionName, name: string, env: NodeJS.ProcessEnv): string {
  const raw = env[name]?.trim();
  if (raw !== undefined && raw !== '') return raw;
  return specOf(fn, name).default ?? '';
}

/** Runs `declare` over `fn`'s environment and returns its result, or throws one `ConfigError` listing every problem. */
export function readEnvironment<T>(
  fn: FunctionName,
  env: NodeJS.ProcessEnv,
  declare: (read: EnvironmentReader) => T,
): T {
  const problems: string[] = [];
  const text = (name: string): string => {
    const spec = specOf(fn, name);
    const raw = env[name]?.trim();
    if (raw !== undefined && raw !== '') return raw;
    if (spec.default === undefined) problems.push(`${name} is required`);
    return spec.default ?? '';
  };
  const reader: EnvironmentReader = {
    text,
    isSet(name) {
      specOf(fn, name);
      return (env[name]?.trim() ?? '') !== '';
    },
    oneOf(name, allowed) {
      const value = text(name).toLowerCase();
      if ((allowed as readonly string[]).includes(value)) return value as (typeof allowed)[number];
      problems.push(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
      return allowed[0] as (typeof allowed)[number];
    },
    flag(name) {
      return reader.oneOf(name, ['true', 'false'] as const) === 'true';
    },
    integer(name, min, max) {
      const raw = text(name);
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < min || value > max) {
        problems.push(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
        return min;
      }
      return value;
    },
    parse(name, parser, fallback) {
      const value = text(name);
      // A required variable left unset is already a problem; its parser would only report it again.
      if (value === '' && specOf(fn, name).default === undefined) return fallback;
      try {
        return parser(value);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : `${name}: ${String(error)}`);
        return fallback;
      }
    },
    problem(message) {
      problems.push(message);
    },
  };
  const value = declare(reader);
  if (problems.length > 0) throw new ConfigError(fn, problems);
  return value;
}
