// JSON request bodies (a form only where a route says so), bounded in size. Malformed JSON, another
// content type or a body that does not decode as its Content-Encoding says → 400, too large →
// 413, unsafe text in any string or key → 422.
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import type { AppContext, RequestState, RouterFields } from '../context.js';
import { HttpError } from '../errors.js';
import { assertSafeBody } from './text-guard.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function jsonBody(limitBytes: number): Middleware<RequestState, RouterFields> {
  return parsedBody('json', limitBytes);
}

/** `application/x-www-form-urlencoded` (the routes that declare `bodyType: 'form'`). */
export function formBody(limitBytes: number): Middleware<RequestState, RouterFields> {
  return parsedBody('form', limitBytes);
}

function parsedBody(
  type: 'json' | 'form',
  limitBytes: number,
): Middleware<RequestState, RouterFields> {
  const parse = bodyParser({
    enableTypes: [type],
    jsonLimit: limitBytes,
    formLimit: limitBytes,
    encoding: 'utf-8',
  }) as unknown as Middleware<RequestState, RouterFields>;
  const [mediaType, ...alike] =
    type === 'json' ? ['application/json', '+json'] : ['application/x-www-form-urlencoded'];
  return async (ctx: AppContext, next) => {
    if (BODY_METHODS.has(ctx.method) && hasBody(ctx) && !ctx.is(mediaType, ...alike)) {
      throw new HttpError('BAD_REQUEST', `Content-Type must be ${mediaType}`);
    }
    const declared = Number(ctx.get('Content-Length'));
    if (Number.isFinite(declared) && declared > limitBytes) {
      throw new HttpError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    }
    // Parsed on its own, so that an error here is known to be the body's and nothing after it.
    let parsed = false;
    try {
      await parse(ctx, () => {
        parsed = true;
        return Promise.resolve();
      });
    } catch (error) {
      throw bodyError(error);
    }
    // The parser answers a request whose client already left with a bare text body of its own.
    if (!parsed) throw new HttpError('BAD_REQUEST', 'The request closed before its body was read');
    assertSafeBody(ctx.request.body);
    await next();
  };
}

/**
 * zlib's errors (`Z_DATA_ERROR`…) and brotli's (`ERR__ERROR_FORMAT_…`) carry no HTTP status: the
 * body is not the gzip, deflate or br its Content-Encoding claims.
 */
function bodyError(error: unknown): unknown {
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  if (typeof status === 'number' || typeof code !== 'string') return error;
  if (code.startsWith('Z_') || code.startsWith('ERR__ERROR_')) {
    return new HttpError(
      'BAD_REQUEST',
      'Malformed request body: it does not decode as its Content-Encoding says',
    );
  }
  return error;
}

function hasBody(ctx: AppContext): boolean {
  const length = ctx.get('Content-Length');
  return ctx.get('Transfer-Encoding') !== '' || (length !== '' && length !== '0');
}
