import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'happy-dom',
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    globalSetup: ['src/test-support/mock-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
