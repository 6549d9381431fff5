/**
 * Runs around every test file of `npm test`. The files of a worker share one process (vitest.config.ts), so what a
 * file changes in the process must not reach the next one: the environment a `loadBundle` left set is restored.
 * cognito-local runs inside the test process (local/cognito.ts): its code loads once per worker instead of once per
 * start; each start still has its own server, configuration and directory, stopped in the file's `afterAll`.
 */
import { afterAll } from 'vitest';
import { setCognitoLocalHosting } from '../../local/cognito.js';
import { unloadBundle } from '../fixtures/loaded-environment.js';

setCognitoLocalHosting('in-process');

afterAll(() => {
  unloadBundle();
});
