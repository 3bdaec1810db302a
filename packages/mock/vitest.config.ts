import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The test files share a worker and its loaded modules (none leaves global state behind):
    // a file's imports are not loaded again for each file. CPU-seconds of this package's tests: 27 -> 19.
    isolate: false,
    // Two files at a time, even on two cores (vitest's default there is one): its hostile tests wait
    // 30 s on the server's time limit for a trickling client, and another file runs meanwhile. Alone
    // on the dev machine: 47 -> 35 s, about 1.5 CPU-s more (the second worker loads the modules too).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    include: ['src/**/*.test.ts'],
    // Each file starts a real Prism (about a second on this machine).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
