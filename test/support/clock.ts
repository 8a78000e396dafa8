// A clock for tests: time moves only when the test says so, so expiries need no sleeping.
import type { Clock } from '../../src/application/shared/ports.js';

/** A clock that stands still until the test moves it. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function fakeClock(start: Date = new Date()): FakeClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}
