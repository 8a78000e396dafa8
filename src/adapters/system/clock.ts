import type { Clock } from '../../application/shared/ports.js';

export const systemClock: Clock = { now: () => new Date() };
