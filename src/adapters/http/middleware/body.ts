// JSON request bodies only, bounded in size. Malformed JSON → 400, too large → 413 (error handler).
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import type { AppContext, RequestState, RouterFields } from '../context.js';
import { HttpError } from '../errors.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function jsonBody(limitBytes: number): Middleware<RequestState, RouterFields> {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: limitBytes,
    encoding: 'utf-8',
  }) as unknown as Middleware<RequestState, RouterFields>;
  return async (ctx: AppContext, next) => {
    if (BODY_METHODS.has(ctx.method) && hasBody(ctx) && !ctx.is('application/json', '+json')) {
      throw new HttpError('BAD_REQUEST', 'Content-Type must be application/json');
    }
    const declared = Number(ctx.get('Content-Length'));
    if (Number.isFinite(declared) && declared > limitBytes) {
      throw new HttpError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    }
    await parse(ctx, next);
  };
}

function hasBody(ctx: AppContext): boolean {
  const length = ctx.get('Content-Length');
  return ctx.get('Transfer-Encoding') !== '' || (length !== '' && length !== '0');
}
