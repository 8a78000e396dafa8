// The deadline on Redis calls (that it counts Redis's silence, not the time this process was busy,
// is proved against a real Redis in test/faults/redis-adapters.test.ts).
import { describe, expect, it } from 'vitest';
import { RedisDeadlineError, withinDeadline } from '../../../src/adapters/redis/deadline.js';

describe('withinDeadline', () => {
  it('rejects work that has not settled once the deadline has passed', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withinDeadline(never, 5)).rejects.toBeInstanceOf(RedisDeadlineError);
  });

  it('passes on what the work settles with', async () => {
    await expect(withinDeadline(Promise.resolve('answer'), 1000)).resolves.toBe('answer');
    await expect(withinDeadline(Promise.reject(new Error('refused')), 1000)).rejects.toThrow(
      'refused',
    );
  });
});
