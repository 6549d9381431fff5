/**
 * Runs around every test file of `npm test`. The files of a worker share one process (vitest.config.ts), so what a
 * file changes in the process must not reach the next one: the environment a `loadBundle` left set is restored.
 */
import { afterAll } from 'vitest';
import { unloadBundle } from '../fixtures/loaded-environment.js';

afterAll(() => {
  unloadBundle();
});
