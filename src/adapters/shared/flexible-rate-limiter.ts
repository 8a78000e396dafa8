// Adapts any rate-limiter-flexible limiter (memory, Redis) to the RateLimiter port.
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimiter } from '../../application/shared/ports.js';

export function flexibleRateLimiter(
  limiter: RateLimiterAbstract,
  points: number,
  durationSeconds: number,
): RateLimiter {
  const decide = (res: RateLimiterRes, allowed: boolean): RateLimitDecision => ({
    allowed,
    limit: points,
    remaining: res.remainingPoints,
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });

  return {
    points,
    // Over the limit, rate-limiter-flexible rejects with the RateLimiterRes itself.
    consume: (key) =>
      limiter.consume(key).then(
        (res) => decide(res, true),
        (rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) return decide(rejection, false);
          throw rejection;
        },
      ),
    peek: async (key) => {
      const res = await limiter.get(key);
      if (res === null) {
        return { allowed: true, limit: points, remaining: points, resetSeconds: durationSeconds };
      }
      return decide(res, res.remainingPoints > 0);
    },
    reset: async (key) => {
      await limiter.delete(key);
    },
    refund: async (key) => {
      // A refund of a key whose window has ended would open the next window one point in credit.
      const res = await limiter.reward(key, 1);
      if (res.consumedPoints < 0) await limiter.delete(key);
    },
  };
}
