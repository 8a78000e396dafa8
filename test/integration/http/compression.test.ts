// Response compression on the real app: large text answers go gzip or brotli as the client asks,
// small ones and clients that ask for nothing go as they are.
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress } from '../../../src/adapters/http/middleware/compress.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { checkAgainstContract } from '../../support/contract.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A GET of the app whose body is read as the bytes on the wire (fetch would decode it). */
async function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  const reply = await getFrom(t.baseUrl, path, headers);
  checkAgainstContract({ method: 'GET', target: path, ...reply });
  return reply;
}

function getFrom(base: string, path: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('response compression', () => {
  it('gzips the OpenAPI document, which decodes to the same JSON', async () => {
    const plain = await get('/api/v1/openapi.json', { 'Accept-Encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await get('/api/v1/openapi.json', { 'Accept-Encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/^application\/json/);
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    const decoded = JSON.parse(gunzipSync(zipped.body).toString('utf8'));
    expect(decoded).toEqual(JSON.parse(plain.body.toString('utf8')));
    expect(decoded.openapi).toMatch(/^3\./);
    // No Accept-Encoding at all: sent as it is, and still marked as varying by it.
    const bare = await get('/api/v1/openapi.json', {});
    expect(bare.headers['content-encoding']).toBeUndefined();
    expect(bare.headers.vary).toMatch(/Accept-Encoding/i);
    expect(bare.body.equals(plain.body)).toBe(true);
  });

  it('prefers brotli when the client takes both', async () => {
    const reply = await get('/api/v1/openapi.json', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(reply.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(reply.body).toString('utf8')).openapi).toMatch(/^3\./);
  });

  it('compresses the /docs assets and /metrics (Prometheus accepts gzip)', async () => {
    const asset = await get('/docs/assets/swagger-ui-bundle.js', { 'Accept-Encoding': 'gzip' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['content-type']).toMatch(/^application\/javascript/);
    expect(gunzipSync(asset.body).toString('utf8')).toMatch(/SwaggerUIBundle/);
    const metrics = await get('/metrics', { 'Accept-Encoding': 'gzip' });
    expect(metrics.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(metrics.body).toString('utf8')).toMatch(/^# HELP /m);
  });

  it('leaves small answers, and clients that ask for no encoding, uncompressed', async () => {
    const small = await get('/health', { 'Accept-Encoding': 'gzip, br' });
    expect(small.status).toBe(200);
    expect(small.body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8')).data).toEqual({ status: 'ok' });
    const notAsked = await get('/api/v1/openapi.json');
    expect(notAsked.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(notAsked.body.toString('utf8')).openapi).toMatch(/^3\./);
  });

  it('compresses an error envelope large enough, in the envelope as ever', async () => {
    const reply = await get(`/api/v1/${'x'.repeat(1500)}`, { 'Accept-Encoding': 'gzip' });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(reply.body).toString('utf8'));
    expect(body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('the compression middleware on streams', () => {
  it('compresses a streamed text body of unknown length, and never an event stream', async () => {
    const app = new Koa();
    app.use(compress());
    app.use(async (ctx) => {
      if (ctx.path === '/events') {
        ctx.type = 'text/event-stream';
        ctx.body = Readable.from(['data: one\n\n', 'data: two\n\n']);
        return;
      }
      ctx.type = 'text/plain';
      ctx.body = Readable.from(['line\n'.repeat(10), 'last\n']);
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const text = await getFrom(base, '/text', { 'Accept-Encoding': 'gzip' });
      expect(text.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(text.body).toString('utf8')).toBe(`${'line\n'.repeat(10)}last\n`);
      const events = await getFrom(base, '/events', { 'Accept-Encoding': 'gzip, br' });
      expect(events.headers['content-encoding']).toBeUndefined();
      expect(events.body.toString('utf8')).toBe('data: one\n\ndata: two\n\n');
    } finally {
      server.close();
    }
  });
});
