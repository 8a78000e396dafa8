// The gate that keeps writers from taking the whole pool (src/adapters/postgres/unit-of-work.ts).
import { describe, expect, it } from 'vitest';
import { concurrencyGate } from '../../../src/adapters/postgres/unit-of-work.js';
import { deferred } from '../../support/async.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('concurrencyGate', () => {
  it('runs at most `limit` calls at once and starts the others in the order they came', async () => {
    const gate = concurrencyGate(2);
    const holds = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    const results = holds.map((hold, i) =>
      gate(async () => {
        started.push(i);
        await hold.promise;
        return i * 10;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    holds[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    holds[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const hold of holds) hold.resolve();
    expect(await Promise.all(results)).toEqual([0, 10, 20, 30, 40]);
  });

  it('frees the place of a call that failed, and passes its error on', async () => {
    const gate = concurrencyGate(1);
    const failing = gate(() => Promise.reject(new Error('boom')));
    const next = gate(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ran');
    // The count went back to zero: a later call starts at once.
    let startedAtOnce = false;
    const later = gate(async () => {
      startedAtOnce = true;
    });
    expect(startedAtOnce).toBe(true);
    await later;
  });

  it('frees the place of a call that threw before returning a promise', async () => {
    const gate = concurrencyGate(1);
    await expect(
      gate(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await gate(async () => 'after')).toBe('after');
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => concurrencyGate(0)).toThrow(/limit/);
    expect(() => concurrencyGate(2.5)).toThrow(/limit/);
  });
});
