import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'happy-dom',
    // The page the hooks run in; the mock grants CORS to this origin alone, as a caller's web app would be granted.
    environmentOptions: { happyDOM: { url: 'http://localhost:3000' } },
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    globalSetup: ['src/test-support/mock-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
