// Security headers (helmet) and CORS for the configured origins only.
import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import type { RequestState, RouterFields } from '../context.js';

export function securityHeaders(): Middleware<RequestState, RouterFields> {
  // The docs page needs its own scripts and styles; nothing is loaded from elsewhere.
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
}

export function corsFor(origins: readonly string[]): Middleware<RequestState, RouterFields> {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    credentials: true,
    exposeHeaders: [
      'X-Request-Id',
      'X-Process-Time',
      'ETag',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Idempotent-Replayed',
    ],
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id'],
    maxAge: 600,
  });
}
