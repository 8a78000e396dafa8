// Response compression: brotli or gzip, as the client asks (Accept-Encoding), for text answers of
// at least 1 KB: JSON, the OpenAPI document, the /docs page and its assets, /metrics (Prometheus
// accepts gzip). Small answers go as they are (the headers would cost more than the bytes saved),
// as do answers that already carry a Content-Encoding and event streams (compression would hold
// their events back). Compressing runs on libuv's thread pool, not the event loop.
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Middleware } from 'koa';
import type { AppContext, RequestState, RouterFields } from '../context.js';

export const COMPRESSION_THRESHOLD_BYTES = 1024;

const COMPRESSIBLE = /^(text\/|application\/(json|[\w.+-]*\+json|javascript|xml)|image\/svg\+xml)/i;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
/** Brotli's quality 11 (its default) is for static files built once; 4 is quicker than gzip -6 and smaller. */
const BROTLI_OPTIONS = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

function bytesOf(body: unknown): Buffer | undefined {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Readable || body === null || typeof body !== 'object') return undefined;
  return Buffer.from(JSON.stringify(body)); // what koa itself would send for an object
}

function shouldCompress(ctx: AppContext): boolean {
  if (ctx.method === 'HEAD' || ctx.body === null || ctx.body === undefined) return false;
  if (ctx.status === 204 || ctx.status === 304) return false;
  if (ctx.response.get('Content-Encoding')) return false;
  if (/\bno-transform\b/.test(ctx.response.get('Cache-Control'))) return false;
  const type = ctx.response.type;
  return COMPRESSIBLE.test(type) && type !== 'text/event-stream';
}

export function compress(
  thresholdBytes = COMPRESSION_THRESHOLD_BYTES,
): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    await next();
    if (!shouldCompress(ctx)) return;
    // The answer depends on Accept-Encoding whether or not this one is compressed.
    ctx.vary('Accept-Encoding');
    // No Accept-Encoding: identity only (most API clients); no negotiation to run.
    if (!ctx.get('Accept-Encoding')) return;
    // Ours to prefer among what the client accepts (q > 0): brotli, then gzip.
    const encoding = (['br', 'gzip'] as const).find((e) => ctx.acceptsEncodings(e) === e);
    if (encoding === undefined) return;
    const body: unknown = ctx.body;
    if (body instanceof Readable) {
      ctx.set('Content-Encoding', encoding);
      ctx.remove('Content-Length');
      // pipeline, not pipe: a source that fails destroys the encoder, so the answer ends too.
      ctx.body = pipeline(
        body,
        encoding === 'br' ? zlib.createBrotliCompress(BROTLI_OPTIONS) : zlib.createGzip(),
        () => undefined,
      );
      return;
    }
    const bytes = bytesOf(body);
    if (bytes === undefined || bytes.length < thresholdBytes) return;
    const type = ctx.response.get('Content-Type');
    ctx.body = encoding === 'br' ? await brotli(bytes, BROTLI_OPTIONS) : await gzip(bytes);
    ctx.set('Content-Type', type);
    ctx.set('Content-Encoding', encoding);
  };
}
