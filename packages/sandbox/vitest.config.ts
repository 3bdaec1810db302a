import { defineConfig } from 'vitest/config';

// CI runs every package's tests at once on two cores: child processes and disk syncs take longer
// there than the 5 s default allows in the worst case.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // A PostgreSQL server for the run: the shared tests run on both stores.
    globalSetup: ['src/test-support/global-setup.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
