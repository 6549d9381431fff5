import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Emulators are started per test file on loopback ports. Most files wait on child processes, emulators and
    // deadlines rather than compute, so more workers than cores fill the cores while others wait: on the two-core
    // machine, back to back, `npm test` took 221 s with four workers, 238 s with three and 264 s with five (371,
    // 373 and 451 s of CPU; docs/testing.md).
    maxWorkers: 4,
    // One process per worker for all its files instead of a new one per file: the files share the modules they
    // import (the AWS SDK, vitest itself) instead of loading them again. The whole suite took 415 s of CPU against
    // 478 s isolated, all tests passing both ways (docs/testing.md). It holds because no test file leaves state
    // behind: bundles are loaded afresh per test, each with exactly the bundle variables its test gives, and the
    // environment a load set is restored after the file (test/fixtures/bundles.ts, test/support/setup.ts; a
    // variable left over once configured the next file's token trigger); mocked SDK clients are single instances
    // restored after their file, emulators stop in afterAll.
    isolate: false,
    // What a file leaves in the process is undone after it (test/support/setup.ts).
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default'],
    sequence: { sequencer: LongestFirstSequencer },
    // The AWS SDK prints its Node-version notice (SDK releases after early 2027 need Node >= 22) once per loaded
    // copy of the SDK, and the tests load the bundles afresh dozens of times. The SDK's own documented switch
    // (github.com/aws/aws-sdk-js-v3/issues/7983) silences it in tests only; the README says what the notice means.
    // cognito-local runs in the test process (test/support/setup.ts) and loads AWS SDK v2, whose end-of-support
    // notice its own documented switch silences (as local/cognito.ts does for the child process).
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    },
  },
});
