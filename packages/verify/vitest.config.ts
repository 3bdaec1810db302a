import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // A full verification sends about a hundred requests and runs Respect twice: about a second
    // alone, several times that on a CI machine running every package's tests at once.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
