import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Emulators are started per test file on loopback ports. Most files wait on child processes, emulators and
    // deadlines rather than compute, so three workers on the two-core machine beat two: the whole suite took
    // 5 min 44 s against 6 min 43 s with two, back to back on the quiet machine (docs/testing.md).
    maxWorkers: 3,
    reporters: ['default'],
    sequence: { sequencer: LongestFirstSequencer },
    // The AWS SDK prints its Node-version notice (SDK releases after early 2027 need Node >= 22) once per loaded
    // copy of the SDK, and the tests load the bundles afresh dozens of times. The SDK's own documented switch
    // (github.com/aws/aws-sdk-js-v3/issues/7983) silences it in tests only; the README says what the notice means.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
