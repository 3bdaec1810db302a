import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The CLI test type-checks projects in a process of its own: seconds on a 2-core machine.
    testTimeout: 60_000,
  },
});
