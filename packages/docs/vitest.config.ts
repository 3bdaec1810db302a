import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Real Chromium, real redocly and spec builds: seconds, not milliseconds, on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
