import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The test files share a worker and its loaded modules (none leaves global state behind):
    // a file's imports are not loaded again for each file. CPU-seconds of this package's tests: 21 -> 16.
    isolate: false,
    // Two files at a time, even on two cores (vitest's default there is one): serve-guard waits 15 s
    // on the server's time limit for headers, and another file runs meanwhile. Alone on the dev
    // machine: 45 -> 27 s, about 1.5 CPU-s more (the second worker loads the modules too).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    include: ['src/**/*.test.ts'],
    // Real Chromium, real redocly and spec builds: seconds, not milliseconds, on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
