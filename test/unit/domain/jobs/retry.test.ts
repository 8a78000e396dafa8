// The retry schedule: exponential, capped, the second half of each step random, none after the last
// attempt.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  nextRunAt,
  retryDelayMs,
  type RetryPolicy,
} from '../../../../src/domain/jobs/retry.js';

const policy: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 10_000 };

describe('retryDelayMs', () => {
  it('doubles each attempt up to the cap, from half the step (random 0) to the whole (random → 1)', () => {
    const least = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(policy, attempt, () => 0));
    const most = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(policy, attempt, () => 0.999999));
    expect(least).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(most).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('spreads the jobs that failed together over the second half of their step', () => {
    expect(retryDelayMs(policy, 2, () => 0.5)).toBe(1_500);
  });

  it('starts the default schedule at 15 s at most and caps it at 30 min', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0.999999)).toBe(15_000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 20, () => 0)).toBe(15 * 60_000);
  });
});

describe('nextRunAt', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  it('answers when to run again while attempts are left', () => {
    const at = nextRunAt(policy, { attempts: 2, maxAttempts: 3 }, now, () => 0);
    expect(at).toEqual(new Date(now.getTime() + 1_000));
  });

  it('answers undefined (dead) after the last attempt', () => {
    expect(nextRunAt(policy, { attempts: 3, maxAttempts: 3 }, now, () => 0)).toBeUndefined();
  });
});
