import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only the sources: the compiled copies under dist/ would run every test twice.
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
