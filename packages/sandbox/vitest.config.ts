import { defineConfig } from 'vitest/config';

// CI runs every package's tests at once on two cores: child processes and disk syncs take longer
// there than the 5 s default allows in the worst case.
export default defineConfig({
  test: {
    // The test files share a worker and its loaded modules (none leaves global state behind):
    // a file's imports are not loaded again for each file. CPU-seconds of this package's tests: 59 -> 44.
    isolate: false,
    include: ['src/**/*.test.ts'],
    // A PostgreSQL server for the run: the shared tests run on both stores.
    globalSetup: ['src/test-support/global-setup.ts'],
    // No typecheck here: handlers.test-d.ts holds no test() blocks, only lines tsc must accept or
    // refuse, and `pnpm typecheck` (every file, test-d included) already checks each of them.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
