import { expect } from 'vitest';
import { ConfigError } from '../../lambdas/config/reader.js';

/** The problems of the `ConfigError` that `action` throws, sorted (their order is the declaration's). */
export function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems].sort();
  }
  throw new Error('expected a ConfigError');
}
