import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The test files share a worker and its loaded modules (none leaves global state behind).
    isolate: false,
    // Each build test runs Redocly twice in a child process: seconds, not milliseconds, on a busy CI.
    testTimeout: 30_000,
  },
});
