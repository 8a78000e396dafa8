// Until the process's database is ready at start (PostgreSQL reachable, the database there, its
// migrations applied: bootstrap/database-readiness.ts), every API request answers 503 with
// Retry-After in the error envelope, instead of failing on whatever is missing. Probes, metrics
// and the documents still answer: readiness says 503 itself, with the reason.
import type { Middleware } from 'koa';
import { ServiceUnavailableError } from '../../../domain/shared/errors.js';
import type { AppContext, RequestState, RouterFields } from '../context.js';

const RETRY_AFTER_SECONDS = 5;

export function startGate(
  isReady: () => boolean,
  isGated: (path: string) => boolean,
): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    if (!isReady() && isGated(ctx.path)) {
      throw new ServiceUnavailableError(
        'The service is starting: its database is not ready yet',
        RETRY_AFTER_SECONDS,
      );
    }
    await next();
  };
}
