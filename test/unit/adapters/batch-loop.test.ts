// When the worker's loop looks at its table: at a nudge, and otherwise `pollMs` after its last
// look, so a loop that nudges keep busy sends no polls besides. Fake timers: the test says when
// time passes.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchLoop, type BatchLoopOptions } from '../../../src/adapters/worker/batch-loop.js';

describe('batchLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-06T12:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function counting(
    pollMs: number,
    failing: () => boolean = () => false,
    spacing: Partial<BatchLoopOptions> = {},
  ) {
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
        // The faked Date: the clock moves with the fake timers.
        clock: { now: () => new Date(Date.now()) },
        logger: pino({ level: 'silent' }),
      },
      { pollMs, nudgeDelayMs: 0, ...spacing },
    );
    const nudge = () => listeners.forEach((listener) => listener());
    /**
     * The times (ms from now) of the looks over `span` ms, advanced `step` ms at a time, with a
     * nudge every `every` ms (0: none).
     */
    async function lookTimes(span: number, { step = 1, every = 0 } = {}): Promise<number[]> {
      const at: number[] = [];
      let seen = looks;
      for (let elapsed = step; elapsed <= span; elapsed += step) {
        await vi.advanceTimersByTimeAsync(step);
        if (looks !== seen) {
          seen = looks;
          at.push(elapsed);
        }
        if (every > 0 && elapsed % every === 0) nudge();
      }
      return at;
    }
    return { loop, looks: () => looks, nudge, lookTimes };
  }

  /** The time from each look to the next, the first from when `times` began. */
  const gapsOf = (times: readonly number[]) =>
    times.map((time, index) => time - (times[index - 1] ?? 0));

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
    const { loop, looks, nudge, lookTimes } = counting(500, () => down);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(looks()).toBe(1);
    expect(loop.status().consecutiveFailures).toBe(1);

    expect(gapsOf(await lookTimes(17_500, { step: 50 }))).toEqual([
      500, 1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
    expect(loop.status().consecutiveFailures).toBe(7);

    // A nudge (a write committed) looks at once, and its success brings back the polls.
    down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    const before = looks();
    nudge();
    await vi.advanceTimersByTimeAsync(0);
    expect(looks()).toBe(before + 1);
    expect(loop.status().consecutiveFailures).toBe(0);
    expect(gapsOf(await lookTimes(5_000, { step: 50 }))).toEqual(
      Array.from({ length: 10 }, () => 500),
    );
    await loop.stop();
  });

  it('a lone nudge looks nudgeDelayMs later; a stream of nudges, in looks minIntervalMs apart', async () => {
    const { loop, looks, nudge, lookTimes } = counting(60_000, undefined, {
      nudgeDelayMs: 30,
      minIntervalMs: 50,
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(looks()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);

    nudge();
    expect(await lookTimes(200)).toEqual([30]);

    // Writes every 10 ms: the first waits the nudge delay, the rest are read 50 ms after the last
    // look began (without the spacing, every 30 ms + the 10 until the next write).
    const stream = await lookTimes(400, { every: 10 });
    expect(stream[0]).toBe(40);
    const gaps = gapsOf(stream).slice(1);
    expect(gaps).toEqual(Array.from({ length: gaps.length }, () => 50));
    expect(gaps.length).toBeGreaterThanOrEqual(6);

    // Quiet again: a lone write waits the nudge delay only.
    await vi.advanceTimersByTimeAsync(1_000);
    nudge();
    expect(await lookTimes(200)).toEqual([30]);
    await loop.stop();
  });
});
