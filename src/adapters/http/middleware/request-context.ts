// Request id (accepted from the client when sane), timing header, and a child logger per request.
import type { Middleware } from 'koa';
import type { Logger } from '../../../application/shared/ports.js';
import { requestIdFrom } from '../../shared/request-id.js';
import type { AppContext, RequestState, RouterFields } from '../context.js';

export function requestContext(logger: Logger): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    ctx.state.requestId = requestIdFrom(ctx.get('X-Request-Id'));
    ctx.state.startedAt = process.hrtime.bigint();
    ctx.state.log = logger.child({ request_id: ctx.state.requestId });
    ctx.set('X-Request-Id', ctx.state.requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - ctx.state.startedAt) / 1e9;
      ctx.set('X-Process-Time', seconds.toFixed(6));
    }
  };
}
