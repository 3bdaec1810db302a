import { defineConfig } from 'vitest/config';

// The example caller suite runs on its own (src/example-caller.test.ts runs it and reads the result).
export default defineConfig({
  test: { include: ['examples/*.test.ts'], hookTimeout: 60_000 },
});
