// A path the router knows, asked with a method it does not serve: 405 with `Allow`, in the
// envelope (the router's own answer is a bare 405 or 501). OPTIONS is answered 204 with `Allow`;
// a CORS preflight from a configured origin never gets here (@koa/cors answers it).
import type { Middleware } from 'koa';
import type { AppContext, RequestState, RouterFields } from '../context.js';
import { HttpError } from '../errors.js';

interface MatchedLayer {
  readonly methods: readonly string[];
}

export function allowedMethods(): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const matched = (ctx as { matched?: readonly MatchedLayer[] }).matched ?? [];
    const allowed = [...new Set(matched.flatMap((layer) => layer.methods))];
    // No route of this path, or its route ran and found nothing: the error handler's 404.
    if (allowed.length === 0 || allowed.includes(ctx.method)) return;
    if (!allowed.includes('OPTIONS')) allowed.push('OPTIONS');
    const allow = allowed.join(', ');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', allow);
      return;
    }
    throw new HttpError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}`, {
      Allow: allow,
    });
  };
}
