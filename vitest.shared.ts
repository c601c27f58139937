// Test settings every workspace shares: sources only (never the compiled copies in dist/),
// long timeouts for loaded 2-core machines, and one process per file (tfjs's engine is global).
export const sharedTestOptions = {
  include: ['src/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};
