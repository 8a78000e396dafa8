// Turns every thrown error, and every unmatched route, into the error envelope.
import type { Middleware } from 'koa';
import type { AppContext, RequestState, RouterFields } from '../context.js';
import { respondError } from '../envelope.js';
import { HttpError, mapError } from '../errors.js';

/** Errors from koa and body parsing carry an HTTP status; keep the ones that mean the client erred. */
function fromHttpStatus(error: unknown): HttpError | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  if (status === 413) return new HttpError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (status === 400 || status === 415) {
    return new HttpError('BAD_REQUEST', 'Malformed request body: expected valid JSON');
  }
  return undefined;
}

export function errorHandler(): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      const mapped = mapError(fromHttpStatus(error) ?? error);
      if (mapped.unexpected) ctx.state.log.error({ err: error }, 'unhandled error');
      // A dependency that is down (the database restarting): the cause is in the log, not the body.
      else if (mapped.body.code === 'SERVICE_UNAVAILABLE') {
        ctx.state.log.warn({ err: error }, 'service unavailable');
      }
      for (const [name, value] of Object.entries(mapped.headers)) ctx.set(name, value);
      respondError(ctx, mapped.status, mapped.body);
    }
  };
}
