// Operations through HTTP: health, metrics, graceful shutdown, CORS, security headers, docs and
// the OpenAPI document, on the real app over this file's own database.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouteGroups } from '../../../src/adapters/http/app.js';
import type { HealthProbe } from '../../../src/adapters/http/operations/probes.js';
import { DatabaseUnavailableError } from '../../../src/adapters/postgres/errors.js';
import type { Deps } from '../../../src/application/deps.js';
import { registerVerified, tokenFromMail } from '../../support/actors.js';
import { deferred } from '../../support/async.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { servedDocument } from '../../support/contract.js';
import { uniqueTag } from '../../support/env.js';

const envelopeMeta = { request_id: expect.any(String), timestamp: expect.any(String) };

/** A probe that answers ok after `ms`, and tells when it was asked and whether it answered. */
/** A probe that answers only when the test releases it: a request held in flight at will. */
function heldProbe() {
  let markAsked = () => undefined as void;
  const answer = deferred();
  const state = { answered: false, asked: new Promise<void>((r) => (markAsked = r)) };
  const probe: HealthProbe = {
    name: 'slow',
    critical: false,
    check: async () => {
      markAsked();
      await answer.promise;
      state.answered = true;
      return { status: 'ok' };
    },
  };
  return { probe, state, release: () => answer.resolve() };
}

/** A pino logger whose lines land in `lines`, to see what the app said while it stopped. */
function capturingLogger() {
  const lines: Array<{ msg: string }> = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) },
  );
  return { logger, lines };
}

/** Resolves with the error code of a TCP connection attempt, or 'connected'. */
function tryConnect(baseUrl: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('with the default configuration', () => {
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://app.example.com' });
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('answers /health with 200 and the envelope', async () => {
      const reply = await api.get('/health');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ success: true, data: { status: 'ok' }, meta: envelopeMeta });
    });

    it('answers /health/ready with 200 while the database is reachable and migrated', async () => {
      const reply = await api.get('/health/ready');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ success: true, data: { status: 'ready' } });
    });

    it('reports every component with its status and latency on /health/detailed', async () => {
      const reply = await api.get('/health/detailed');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        success: true,
        data: {
          status: 'ok',
          version: expect.any(String),
          uptime_s: expect.any(Number),
          checks: {
            database: { status: 'ok', engine: t.database.engine },
            migrations: { status: 'ok', pending: [] },
            cache: { status: 'ok' },
          },
        },
        meta: envelopeMeta,
      });
      for (const name of ['database', 'migrations', 'cache']) {
        expect(reply.body.data.checks[name].latency_ms, name).toEqual(expect.any(Number));
      }
    });
  });

  describe('metrics', () => {
    it('exposes the process defaults in Prometheus text', async () => {
      const reply = await api.get('/metrics');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(reply.body).toMatch(/^process_cpu_user_seconds_total \d/m);
    });

    it('labels request durations with the route template, never the raw path', async () => {
      const id = randomUUID();
      expect((await api.get(`/api/v1/organizations/${id}`)).status).toBe(401);
      expect((await api.get('/health')).status).toBe(200);

      const text = (await api.get('/metrics')).body as string;
      expect(text).toMatch(
        /^http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/organizations\/:org"[^}]*\} \d+/m,
      );
      expect(text).toMatch(/^http_request_duration_seconds_bucket\{[^}]*route="\/health"[^}]*\}/m);
      const withUuid = text.split('\n').filter((line) => /route="[^"]*/.test(line));
      expect(withUuid.filter((line) => line.includes(id))).toEqual([]);
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      api.options('/api/v1/organizations', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });

    it('allows a preflight from a configured origin', async () => {
      const reply = await preflight('https://app.example.com');
      expect(reply.status).toBeLessThan(300);
      expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(reply.headers.get('access-control-allow-methods')).toMatch(/POST/);
    });

    it('sends no allow-origin to any other origin', async () => {
      const reply = await preflight('https://evil.example.com');
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('sets the security headers on API answers', async () => {
    const reply = await api.get(`/api/v1/organizations/${randomUUID()}`);
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('x-frame-options')).toEqual(expect.any(String));
    expect(reply.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  describe('the rendered reference', () => {
    it('serves /docs as HTML that loads only local assets, each of which answers', async () => {
      const page = await api.get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = page.body as string;

      const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
      const urls = tags.map((tag) => /(?:src|href)="([^"]+)"/.exec(tag)?.[1]);
      expect(urls.length).toBeGreaterThanOrEqual(2);
      for (const url of urls) expect(url).toMatch(/^\/docs\/assets\/[\w.-]+$/);
      expect(tags.join('\n')).not.toMatch(/https?:/);

      for (const url of urls) {
        const asset = await api.get(url!);
        expect(asset.status, url).toBe(200);
        expect(asset.headers.get('content-type'), url).toMatch(
          url!.endsWith('.css') ? /^text\/css/ : /^application\/javascript/,
        );
        expect((asset.body as string).length, url).toBeGreaterThan(0);
      }
    });

    it('answers an unknown asset with the 404 envelope', async () => {
      const reply = await api.get('/docs/assets/nope.js');
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({
        success: false,
        error: { code: 'NOT_FOUND' },
        meta: envelopeMeta,
      });
    });
  });

  describe('the OpenAPI document', () => {
    type Schema = { $ref?: string; type?: string; properties?: Record<string, unknown> };
    let doc: any;
    const resolve = (schema: Schema): Schema =>
      schema.$ref
        ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]
        : schema;

    beforeAll(async () => {
      const reply = await api.get('/api/v1/openapi.json');
      expect(reply.status).toBe(200);
      doc = reply.body;
    });

    it('is the document the tests hold every answer to (test/support/contract.ts)', () => {
      expect(doc).toEqual(JSON.parse(JSON.stringify(servedDocument())));
    });

    it('is OpenAPI 3.1', () => {
      expect(doc.openapi).toMatch(/^3\.1\./);
      expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    });

    it('documents the routes a client uses', () => {
      expect(doc.paths['/api/v1/auth/login'].post).toBeDefined();
      for (const method of ['get', 'patch', 'delete']) {
        expect(doc.paths['/api/v1/organizations/{org}'][method], method).toBeDefined();
      }
    });

    it('marks every route that needs a credential with bearerAuth and its 401, and no other', () => {
      const specs = apiRouteGroups({} as Deps).flatMap((group) =>
        group.routes.map((spec) => ({
          spec,
          path: `${group.prefix}${spec.path}`.replace(/:(\w+)/g, '{$1}'),
        })),
      );
      const wrong: string[] = [];
      for (const { spec, path } of specs) {
        const operation = doc.paths[path][spec.method];
        const secured = JSON.stringify(operation.security) === JSON.stringify([{ bearerAuth: [] }]);
        const expected = spec.scope !== 'public';
        if (secured !== expected || (expected && !operation.responses['401'])) {
          wrong.push(`${spec.method.toUpperCase()} ${path}`);
        }
      }
      expect(wrong).toEqual([]);
      // The public ones are the few a caller reaches without a credential.
      expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
      expect(doc.paths['/api/v1/organizations/{org}'].get.security).toEqual([{ bearerAuth: [] }]);
    });

    it('has every route the app registers under /api/v1, each answering the envelope (but downloads)', () => {
      const routes = apiRouteGroups({} as Deps).flatMap((group) =>
        group.routes.map((spec) => ({
          method: spec.method,
          path: `${group.prefix}${spec.path}`.replace(/:(\w+)/g, '{$1}'),
        })),
      );
      expect(routes.length).toBeGreaterThan(10);
      for (const { method, path } of routes) {
        const where = `${method.toUpperCase()} ${path}`;
        const operation = doc.paths[path]?.[method];
        expect(operation, where).toBeDefined();
        const success = Object.entries(operation.responses as Record<string, any>).filter(
          // 101: the WebSocket's answer (GET /realtime), which switches protocols and has no body.
          ([status]) => status.startsWith('2') || status === '101',
        );
        expect(success.length, where).toBeGreaterThan(0);
        for (const [status, response] of success) {
          if (status === '204' || status === '101') {
            expect(response.content, where).toBeUndefined();
            continue;
          }
          // A file download answers the bytes themselves, in whatever type they were sniffed as.
          if (response.content['application/json'] === undefined) {
            expect(Object.keys(response.content), where).toEqual(['*/*']);
            expect(response.content['*/*'].schema, where).toMatchObject({ format: 'binary' });
            expect(path, where).toMatch(/\/attachments\/\{id\}\/content$/);
            continue;
          }
          const schema = resolve(response.content['application/json'].schema);
          expect(schema.type, where).toBe('object');
          expect(Object.keys(schema.properties ?? {}).sort(), where).toEqual([
            'data',
            'meta',
            'success',
          ]);
        }
      }
    });
  });
});

describe('with Redis unreachable', () => {
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    // Not t.close(): it would try to clean this run's keys out of the unreachable Redis.
    await t.app.stop();
    await t.database.close();
    await rm(t.app.config.DATA_DIR, { recursive: true, force: true });
  });

  it('reports the cache degraded and stays ready', async () => {
    const detailed = await api.get('/health/detailed');
    expect(detailed.status).toBe(200);
    expect(detailed.body.data).toMatchObject({
      status: 'degraded',
      checks: { database: { status: 'ok' }, cache: { status: 'degraded', error: 'unreachable' } },
    });
    expect(JSON.stringify(detailed.body)).not.toContain('127.0.0.1:1');
    expect((await api.get('/health/ready')).status).toBe(200);
  });

  it('still serves the API from the database', async () => {
    const email = `degraded-${uniqueTag()}@example.com`;
    const password = 'correct-horse-battery';
    const registered = await api.post('/api/v1/auth/register', { email, password, name: 'Ada' });
    expect(registered.status).toBe(201);
    const verified = await api.post('/api/v1/auth/verify-email', {
      token: await tokenFromMail(t, email),
    });
    expect(verified.status).toBe(200);

    const login = await api.post('/api/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    const token: string = login.body.data.access_token;

    const me = await api.get('/api/v1/users/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.data.email).toBe(email);

    const slug = `deg-${uniqueTag()}`;
    const created = await api.post(
      '/api/v1/organizations',
      { name: 'Degraded Inc', slug },
      { token },
    );
    expect(created.status).toBe(201);
    const read = await api.get(`/api/v1/organizations/${created.body.data.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ name: 'Degraded Inc', slug });
    // Twice: the second read is where a cache hit would be, and must not depend on one.
    expect((await api.get(`/api/v1/organizations/${slug}`, { token })).status).toBe(200);
  });
});

describe('with a critical component down', () => {
  // A critical probe that fails as the database adapter does when PostgreSQL is unreachable, and
  // a non-critical one failing with a raw driver message naming a host and port.
  const unreachable: HealthProbe = {
    name: 'queue',
    critical: true,
    check: () =>
      Promise.reject(
        new DatabaseUnavailableError(
          Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' }),
        ),
      ),
  };
  const broken: HealthProbe = {
    name: 'mailer',
    critical: false,
    check: () => Promise.reject(new Error('getaddrinfo ENOTFOUND smtp.internal.example:2525')),
  };
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp({}, { extraProbes: [unreachable, broken] });
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /health/detailed 503 in the error envelope, every component in error.details', async () => {
    const reply = await api.get('/health/detailed');
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(reply.body).toEqual({
      success: false,
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: expect.any(String),
        details: [
          { field: 'checks.database', message: 'ok' },
          { field: 'checks.migrations', message: 'ok' },
          { field: 'checks.cache', message: 'ok' },
          { field: 'checks.event_bus', message: 'ok' },
          { field: 'checks.outbox', message: 'ok' },
          { field: 'checks.jobs', message: 'ok' },
          { field: 'checks.queue', message: 'down: unreachable' },
          { field: 'checks.mailer', message: 'down: failed' },
        ],
      },
      meta: envelopeMeta,
    });
  });

  it('answers /health/ready 503 naming the critical component that is down', async () => {
    const reply = await api.get('/health/ready');
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(reply.body).toMatchObject({
      success: false,
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Not ready: queue',
        details: expect.arrayContaining([{ field: 'checks.queue', message: 'down: unreachable' }]),
      },
    });
  });

  it('tells the public no host, port or driver message', async () => {
    for (const path of ['/health/detailed', '/health/ready']) {
      const text = JSON.stringify((await api.get(path)).body);
      for (const secret of ['10.0.0.7', '5432', 'ECONNREFUSED', 'smtp.internal', 'ENOTFOUND']) {
        expect(text, path).not.toContain(secret);
      }
    }
  });

  it('stays alive', async () => {
    expect((await api.get('/health')).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  const slow = heldProbe();
  const log = capturingLogger();
  // The grace period (readiness 503, connections still accepted) lasts until the test ends it.
  const GRACE_MS = 300;
  const grace = deferred();
  const sleep = (ms: number) =>
    ms === GRACE_MS ? grace.promise : new Promise<void>((r) => setTimeout(r, ms));
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp(
      { SHUTDOWN_GRACE_MS: String(GRACE_MS) },
      { extraProbes: [slow.probe], logger: log.logger, sleep },
    );
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close(); // stop() again is a no-op; the database is still dropped
  });

  it('turns unready, finishes the request in flight, then refuses connections', async () => {
    // A user registered before the drain, to prove the database outlives the in-flight request.
    await registerVerified(t, api);

    const inFlight = api.get('/health/detailed');
    await slow.state.asked;
    const stopped = t.app.stop();

    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toEqual(expect.any(String));
    expect(ready.body).toMatchObject({
      success: false,
      error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/draining/) },
      meta: envelopeMeta,
    });

    slow.release();
    const finished = await inFlight;
    expect(slow.state.answered).toBe(true);
    expect(finished.status).toBe(200);
    expect(finished.headers.get('connection')).toBe('close');
    expect(finished.body).toMatchObject({
      success: true,
      data: {
        status: 'ok',
        draining: true,
        checks: { database: { status: 'ok' }, slow: { status: 'ok' } },
      },
      meta: envelopeMeta,
    });

    grace.resolve();
    await expect(stopped).resolves.toBeUndefined();
    // Drained, not cut: the kept-alive connections closed once their answers were out.
    const said = log.lines.map((l) => l.msg);
    expect(said).toEqual(expect.arrayContaining(['draining', 'stopped']));
    expect(said.filter((msg) => msg.includes('timed out'))).toEqual([]);
    expect(t.app.isDraining()).toBe(true);
    expect(await tryConnect(t.baseUrl)).toBe('ECONNREFUSED');
  });
});

describe('drain bound', () => {
  const verySlow = heldProbe(); // never released: the drain has to cut it
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ SHUTDOWN_TIMEOUT_MS: '200' }, { extraProbes: [verySlow.probe] });
  });
  afterAll(async () => {
    verySlow.release();
    await t.close();
  });

  it('cuts the connections left when SHUTDOWN_TIMEOUT_MS runs out', async () => {
    const inFlight = client(t.baseUrl)
      .get('/health/detailed')
      .then(
        (reply) => ({ outcome: 'finished' as const, status: reply.status }),
        () => ({ outcome: 'failed' as const }),
      );
    await verySlow.state.asked;

    await expect(t.app.stop()).resolves.toBeUndefined();
    expect(verySlow.state.answered).toBe(false);
    expect(['finished', 'failed']).toContain((await inFlight).outcome);
    expect(await tryConnect(t.baseUrl)).toBe('ECONNREFUSED');
  });
});
