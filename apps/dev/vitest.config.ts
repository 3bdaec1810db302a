import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Each step waits for real builds (turbo, Redocly, tsc) on a machine that may be running
    // every other package's tests at the same time.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
