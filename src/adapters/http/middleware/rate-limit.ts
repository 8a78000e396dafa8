// The API's general rate limits: per client address before authentication, per principal (user or
// API key) after it. Every limited answer carries RateLimit-Limit, -Remaining and -Reset (IETF
// draft, the policy nearest exhaustion when both apply); over the limit → 429 with Retry-After.
import type { Middleware } from 'koa';
import type { Principal } from '../../../domain/identity/principal.js';
import { RateLimitedError } from '../../../domain/shared/errors.js';
import type { RateLimitDecision, RateLimiter } from '../../../application/shared/ports.js';
import type { AppContext, RequestState, RouterFields } from '../context.js';

export type RateLimitScope = 'address' | 'principal';

export interface RateLimitOptions {
  readonly scope: RateLimitScope;
  /** The key of the caller to count, or undefined to let the request through uncounted. */
  readonly keyOf: (ctx: AppContext) => string | undefined;
  readonly onThrottled?: (scope: RateLimitScope) => void;
}

/** What the headers said so far in this request, so a second limit only narrows them. */
const shown = new WeakMap<AppContext, RateLimitDecision>();

export function rateLimit(
  limiter: RateLimiter,
  options: RateLimitOptions,
): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    const key = options.keyOf(ctx);
    if (key === undefined) {
      await next();
      return;
    }
    let decision: RateLimitDecision;
    try {
      decision = await limiter.consume(key);
    } catch (error) {
      // The Redis limiter already falls back to memory; anything left fails open, never the request.
      ctx.state.log.warn(
        { err: error, scope: options.scope },
        'rate limiter failed; request let through',
      );
      await next();
      return;
    }
    showHeaders(ctx, decision);
    if (!decision.allowed) {
      options.onThrottled?.(options.scope);
      throw new RateLimitedError(decision.resetSeconds, 'Too many requests; retry later');
    }
    await next();
  };
}

function showHeaders(ctx: AppContext, decision: RateLimitDecision): void {
  const before = shown.get(ctx);
  const narrower =
    before === undefined ||
    !decision.allowed ||
    decision.remaining < before.remaining ||
    (decision.remaining === before.remaining && decision.resetSeconds > before.resetSeconds);
  if (!narrower || (before !== undefined && !before.allowed)) return;
  shown.set(ctx, decision);
  ctx.set('RateLimit-Limit', String(decision.limit));
  ctx.set('RateLimit-Remaining', String(Math.max(0, decision.remaining)));
  ctx.set('RateLimit-Reset', String(decision.resetSeconds));
}

/** The per-address limit's key of a client address (a WebSocket upgrade is counted under it too). */
export const addressKey = (ip: string) => `ip:${ip}`;

export function principalKey(principal: Principal | undefined): string | undefined {
  if (principal === undefined) return undefined;
  return principal.kind === 'user' ? `user:${principal.userId}` : `apikey:${principal.keyId}`;
}
