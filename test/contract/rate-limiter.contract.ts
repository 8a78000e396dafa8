// What every RateLimiter adapter promises, run once per adapter by rate-limiter.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../src/application/shared/ports.js';

export interface RateLimiterUnderTest {
  readonly limiter: RateLimiter;
  /** Moves the limiter's time forward (its clock, or the TTLs Redis keeps): no test sleeps. */
  readonly elapse: (ms: number) => Promise<void>;
  readonly cleanup: () => Promise<void>;
}

export type MakeRateLimiter = (options: {
  points: number;
  durationSeconds: number;
}) => Promise<RateLimiterUnderTest>;

export function rateLimiterContract(name: string, make: MakeRateLimiter): void {
  describe(`RateLimiter contract: ${name}`, () => {
    describe('within one window (3 points per 60 s)', () => {
      let limiter: RateLimiter;
      let cleanup: () => Promise<void>;

      beforeAll(async () => {
        ({ limiter, cleanup } = await make({ points: 3, durationSeconds: 60 }));
      });
      afterAll(async () => {
        await cleanup();
      });

      const exhaust = async (key: string) => {
        for (let i = 0; i < limiter.points; i++) await limiter.consume(key);
      };

      it('exposes its points', () => {
        expect(limiter.points).toBe(3);
      });

      it('allows as many hits as it has points, counting the remainder down', async () => {
        const decisions = [
          await limiter.consume('count-down'),
          await limiter.consume('count-down'),
          await limiter.consume('count-down'),
        ];
        expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
          [true, 2],
          [true, 1],
          [true, 0],
        ]);
        expect(decisions.every((d) => d.limit === 3)).toBe(true);
      });

      it('refuses the hit after the last point, with nothing remaining and a reset to wait for', async () => {
        await exhaust('refused');
        const refused = await limiter.consume('refused');
        expect(refused.allowed).toBe(false);
        expect(refused.limit).toBe(3);
        expect(refused.remaining).toBe(0);
        expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
        expect(refused.resetSeconds).toBeLessThanOrEqual(60);
      });

      it('keeps refusing further hits in the same window', async () => {
        await exhaust('still-refused');
        await limiter.consume('still-refused');
        expect((await limiter.consume('still-refused')).allowed).toBe(false);
      });

      it('counts each key on its own', async () => {
        await exhaust('key-a');
        expect((await limiter.consume('key-a')).allowed).toBe(false);
        const other = await limiter.consume('key-b');
        expect(other).toMatchObject({ allowed: true, remaining: 2 });
      });

      it('starts a key afresh after reset', async () => {
        await exhaust('reset');
        await limiter.reset('reset');
        expect(await limiter.consume('reset')).toMatchObject({ allowed: true, remaining: 2 });
      });

      it('accepts a reset of a key never hit', async () => {
        await expect(limiter.reset('never-hit')).resolves.toBeUndefined();
      });

      it('peeks at a key never hit as fully available', async () => {
        expect(await limiter.peek('unseen')).toMatchObject({
          allowed: true,
          limit: 3,
          remaining: 3,
        });
      });

      it('peeks without counting a hit', async () => {
        await limiter.consume('peek');
        expect(await limiter.peek('peek')).toMatchObject({ allowed: true, remaining: 2 });
        expect(await limiter.peek('peek')).toMatchObject({ allowed: true, remaining: 2 });
        expect(await limiter.consume('peek')).toMatchObject({ allowed: true, remaining: 1 });
      });

      it('refunds one hit: the point counts as never taken', async () => {
        await limiter.consume('refund');
        await limiter.consume('refund');
        await limiter.refund('refund');
        expect(await limiter.peek('refund')).toMatchObject({ allowed: true, remaining: 2 });
        expect(await limiter.consume('refund')).toMatchObject({ allowed: true, remaining: 1 });
      });

      it('lets a refunded key in again after it was refused', async () => {
        await exhaust('refund-refused');
        expect((await limiter.consume('refund-refused')).allowed).toBe(false);
        await limiter.refund('refund-refused');
        await limiter.refund('refund-refused');
        expect(await limiter.consume('refund-refused')).toMatchObject({
          allowed: true,
          remaining: 0,
        });
      });

      it('never refunds below zero: a key never hit stays at its full points', async () => {
        await limiter.refund('refund-unseen');
        await limiter.refund('refund-unseen');
        expect(await limiter.peek('refund-unseen')).toMatchObject({ allowed: true, remaining: 3 });
        expect(await limiter.consume('refund-unseen')).toMatchObject({ remaining: 2 });
      });

      it('counts concurrent hits atomically: exactly its points are allowed', async () => {
        const decisions = await Promise.all(
          Array.from({ length: 50 }, () => limiter.consume('concurrent')),
        );
        expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
      });

      it('peeks at a spent key as refused', async () => {
        await exhaust('peek-spent');
        const peeked = await limiter.peek('peek-spent');
        expect(peeked).toMatchObject({ allowed: false, remaining: 0 });
        expect(peeked.resetSeconds).toBeGreaterThanOrEqual(1);
      });
    });

    describe('across windows (2 points per 1 s)', () => {
      let limiter: RateLimiter;
      let elapse: RateLimiterUnderTest['elapse'];
      let cleanup: () => Promise<void>;

      beforeAll(async () => {
        ({ limiter, elapse, cleanup } = await make({ points: 2, durationSeconds: 1 }));
      });
      afterAll(async () => {
        await cleanup();
      });

      it('allows hits again once durationSeconds have passed', async () => {
        await limiter.consume('window');
        await limiter.consume('window');
        expect((await limiter.consume('window')).allowed).toBe(false);
        await elapse(1000);
        expect(await limiter.consume('window')).toMatchObject({ allowed: true, remaining: 1 });
      });
    });
  });
}
