import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Real builds (turbo, Redocly, tsc) and Respect's processes, on a machine that may be running
    // every other package's tests at the same time.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
