import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'happy-dom',
    // The page the hooks run in; the mock grants CORS to this origin alone, as a caller's web app would be granted.
    environmentOptions: { happyDOM: { url: 'http://localhost:3000' } },
    // No typecheck here: hooks.test-d.ts's assertions are type errors or none, and `pnpm typecheck`
    // (every tsconfig.json, test-d files included, in pnpm test) checks each of them once.
    globalSetup: ['src/test-support/mock-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
