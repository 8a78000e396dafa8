// A RateLimiter in process memory (rate-limiter-flexible's RateLimiterMemory): one instance only.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RateLimiter } from '../../application/shared/ports.js';
import { flexibleRateLimiter } from '../shared/flexible-rate-limiter.js';

export function memoryRateLimiter(options: {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}): RateLimiter {
  const { keyPrefix, points, durationSeconds } = options;
  const limiter = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  return flexibleRateLimiter(limiter, points, durationSeconds);
}
