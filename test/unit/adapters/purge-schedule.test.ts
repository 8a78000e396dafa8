import { describe, expect, it } from 'vitest';
import { purgeSchedule } from '../../../src/adapters/postgres/purge-schedule.js';

const at = (ms: number) => new Date(Date.UTC(2026, 11, 6) + ms);

describe('purgeSchedule', () => {
  it('is due for a key first, then once the interval has passed, and again if the clock went back', () => {
    const schedule = purgeSchedule(1_000);
    expect(schedule.due('a', at(0))).toBe(true);
    expect(schedule.due('a', at(999))).toBe(false);
    expect(schedule.due('b', at(999))).toBe(true);
    expect(schedule.due('a', at(1_000))).toBe(true);
    expect(schedule.due('a', at(1_500))).toBe(false);
    expect(schedule.due('a', at(500))).toBe(true);
  });

  it('remembers at most maxKeys keys: those due anyway go first, then all', () => {
    const schedule = purgeSchedule(1_000, 2);
    expect(schedule.due('a', at(0))).toBe(true);
    expect(schedule.due('b', at(600))).toBe(true);
    // Full: 'a' is due anyway at 1,100 ms and is forgotten; 'b' is kept.
    expect(schedule.due('c', at(1_100))).toBe(true);
    expect(schedule.due('b', at(1_200))).toBe(false);
    expect(schedule.due('c', at(1_200))).toBe(false);
    // Full with nothing due: all forgotten, so each is due once more.
    expect(schedule.due('d', at(1_300))).toBe(true);
    expect(schedule.due('b', at(1_300))).toBe(true);
  });
});
