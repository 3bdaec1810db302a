import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each build test runs Redocly twice in a child process: seconds, not milliseconds, on a busy CI.
    testTimeout: 30_000,
  },
});
