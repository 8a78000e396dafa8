// Security headers (helmet) and CORS for the configured origins only.
import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import type { RequestState, RouterFields } from '../context.js';

/**
 * What helmet sets on every answer, as the OpenAPI document lists them (once, in its description,
 * not on each response). The tests' contract check refuses any other header the document does
 * not name, so a helmet upgrade that adds one shows up.
 */
export const SECURITY_HEADERS = [
  'Content-Security-Policy',
  'Cross-Origin-Opener-Policy',
  'Cross-Origin-Resource-Policy',
  'Origin-Agent-Cluster',
  'Referrer-Policy',
  'Strict-Transport-Security',
  'X-Content-Type-Options',
  'X-DNS-Prefetch-Control',
  'X-Download-Options',
  'X-Frame-Options',
  'X-Permitted-Cross-Domain-Policies',
  'X-XSS-Protection',
] as const;

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
      'Location',
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
