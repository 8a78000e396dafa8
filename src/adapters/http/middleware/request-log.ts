// One log line per request, and the duration observed for metrics, after the response is decided.
import type { Middleware } from 'koa';
import {
  routeTemplate,
  type AppContext,
  type RequestState,
  type RouterFields,
} from '../context.js';

export interface RequestObservation {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
}

export function requestLog(
  observe: (observation: RequestObservation) => void,
): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - ctx.state.startedAt) / 1e9;
      const route = routeTemplate(ctx);
      observe({ method: ctx.method, route, status: ctx.status, seconds });
      const principal = ctx.state.principal;
      const line = {
        method: ctx.method,
        route,
        path: ctx.path,
        status: ctx.status,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
        ...(principal?.kind === 'user' && { user_id: principal.userId }),
        ...(principal?.kind === 'apikey' && { api_key_id: principal.keyId }),
        ...(ctx.state.organizationId && { organization_id: ctx.state.organizationId }),
      };
      // 503 is an expected answer (draining, dependency down), not a fault of ours.
      if (ctx.status >= 500 && ctx.status !== 503) ctx.state.log.error(line, 'request');
      else if (ctx.status === 503) ctx.state.log.warn(line, 'request');
      else ctx.state.log.info(line, 'request');
    }
  };
}
