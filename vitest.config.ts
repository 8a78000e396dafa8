import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files wait on PostgreSQL, Redis, sockets and argon2's threads as much as they compute:
    // on a 2-core machine, vitest's default (cores − 1 = one file at a time) left a core idle.
    maxWorkers: Math.max(3, availableParallelism() - 1),
  },
});
