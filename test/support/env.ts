// Which real services a test run uses: TEST_* first, then the app's own variables; unset → embedded.

export const testDatabaseUrl: string | undefined =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

export const testRedisUrl: string | undefined =
  process.env.TEST_REDIS_URL || process.env.REDIS_URL || undefined;

/** A short random tag for names this test file creates (databases, key prefixes). */
export function uniqueTag(): string {
  return `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
