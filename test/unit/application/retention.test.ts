// The retention purges' loop (src/application/shared/retention.ts): slices until one comes back
// short, all with the same cut-off (the clock's now less the period), and the total.
import { describe, expect, it } from 'vitest';
import { purgeOlderThan } from '../../../src/application/shared/retention.js';
import { fakeClock } from '../../support/clock.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');

describe('purgeOlderThan', () => {
  it('deletes slice after slice until one is short, with one cut-off, and returns the total', async () => {
    const calls: [string, number][] = [];
    const left = [10_000, 10_000, 42];
    const total = await purgeOlderThan(fakeClock(NOW), 7, (before, limit) => {
      calls.push([before.toISOString(), limit]);
      return Promise.resolve(left.shift() ?? 0);
    });
    expect(total).toBe(20_042);
    expect(calls).toEqual([
      ['2026-03-03T12:00:00.000Z', 10_000],
      ['2026-03-03T12:00:00.000Z', 10_000],
      ['2026-03-03T12:00:00.000Z', 10_000],
    ]);
  });

  it('asks once when nothing is old enough, and logs only what it deleted', async () => {
    const logged: unknown[] = [];
    const logger = {
      info: (fields: unknown, message: string) => logged.push([fields, message]),
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
      child: () => logger,
    };
    let calls = 0;
    const purge = () => {
      calls += 1;
      return Promise.resolve(0);
    };
    expect(await purgeOlderThan(fakeClock(NOW), 30, purge, { logger, what: 'things' })).toBe(0);
    expect(calls).toBe(1);
    expect(logged).toEqual([]);
    await purgeOlderThan(fakeClock(NOW), 30, () => Promise.resolve(3), { logger, what: 'things' });
    expect(logged).toEqual([
      [{ deleted: 3, before: new Date('2026-02-08T12:00:00.000Z') }, 'things purged'],
    ]);
  });
});
