import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Each file starts a real Prism (about a second on this machine).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
