// When the worker's loop looks at its table: at a nudge, and otherwise `pollMs` after its last
// look, so a loop that nudges keep busy sends no polls besides. Fake timers: the test says when
// time passes.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchLoop } from '../../../src/adapters/worker/batch-loop.js';
import { fakeClock } from '../../support/clock.js';

describe('batchLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function counting(pollMs: number, failing: () => boolean = () => false) {
    let looks = 0;
    const listeners = new Set<() => void>();
    const loop = batchLoop(
      {
        step: () => {
          looks += 1;
          if (failing()) return Promise.reject(new Error('connection refused'));
          return Promise.resolve('done' as const);
        },
        onNudge: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        clock: fakeClock(new Date('2026-12-06T12:00:00Z')),
        logger: pino({ level: 'silent' }),
      },
      { pollMs, nudgeDelayMs: 0 },
    );
    return { loop, looks: () => looks, nudge: () => listeners.forEach((listener) => listener()) };
  }

  it('polls pollMs after its last look, and a nudged look puts the poll off', async () => {
    const { loop, looks, nudge } = counting(1_000);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(looks()).toBe(1); // at start

    await vi.advanceTimersByTimeAsync(900);
    nudge();
    await vi.advanceTimersByTimeAsync(0);
    expect(looks()).toBe(2);

    // 1,800 ms after the start: no poll, the nudged look was 900 ms ago.
    await vi.advanceTimersByTimeAsync(900);
    expect(looks()).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(looks()).toBe(3);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(looks()).toBe(4);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(looks()).toBe(4);
  });

  it('while the step fails, looks again after a pause doubling from pollMs up to 5 s, and polls none meanwhile', async () => {
    let down = true;
    const { loop, looks, nudge } = counting(500, () => down);
    /** The time from each look to the next, over `span` ms, advanced 50 ms at a time. */
    async function gaps(span: number): Promise<number[]> {
      const at: number[] = [];
      let seen = looks();
      for (let elapsed = 50; elapsed <= span; elapsed += 50) {
        await vi.advanceTimersByTimeAsync(50);
        if (looks() !== seen) {
          seen = looks();
          at.push(elapsed);
        }
      }
      return at.map((time, index) => time - (at[index - 1] ?? 0));
    }
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(looks()).toBe(1);
    expect(loop.status().consecutiveFailures).toBe(1);

    expect(await gaps(17_500)).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(loop.status().consecutiveFailures).toBe(7);

    // A nudge (a write committed) looks at once, and its success brings back the polls.
    down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    const before = looks();
    nudge();
    await vi.advanceTimersByTimeAsync(0);
    expect(looks()).toBe(before + 1);
    expect(loop.status().consecutiveFailures).toBe(0);
    expect(await gaps(5_000)).toEqual([500, 500, 500, 500, 500, 500, 500, 500, 500, 500]);
    await loop.stop();
  });
});
