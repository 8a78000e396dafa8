// ADMIN_PORT: the operations that tell how the instance is built (metrics, detailed health, the
// API reference page) move to a listener of their own in the same process; the API's port answers
// 404 for them and keeps liveness, readiness, the OpenAPI document and the public keys. Two real
// listening servers on free ports (ADMIN_PORT=0), stopped together.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthProbe } from '../../../src/adapters/http/operations/probes.js';
import { deferred } from '../../support/async.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';

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

describe('with ADMIN_PORT set', () => {
  let t: TestApp;
  let api: Client;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_PORT: '0' });
    expect(t.adminUrl).toEqual(expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/));
    expect(t.adminUrl).not.toBe(t.baseUrl);
    api = client(t.baseUrl);
    admin = client(t.adminUrl!);
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves /metrics on the admin port only', async () => {
    const onApi = await api.get('/metrics');
    expect(onApi.status).toBe(404);
    expect(onApi.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    const onAdmin = await admin.get('/metrics');
    expect(onAdmin.status).toBe(200);
    expect(onAdmin.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(onAdmin.body).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('counts the API port’s requests in the admin port’s metrics (one process)', async () => {
    expect((await api.get('/api/v1/users/me')).status).toBe(401);
    const scraped = (await admin.get('/metrics')).body as string;
    expect(scraped).toMatch(
      /^http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/users\/me"[^}]*status="401"[^}]*\} [1-9]/m,
    );
  });

  it('serves /health/detailed on the admin port only', async () => {
    expect((await api.get('/health/detailed')).status).toBe(404);
    const detailed = await admin.get('/health/detailed');
    expect(detailed.status).toBe(200);
    expect(detailed.body.data).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      checks: { database: { status: 'ok' } },
    });
  });

  it('serves the reference page and its assets on the admin port only', async () => {
    expect((await api.get('/docs')).status).toBe(404);
    expect((await api.get('/docs/assets/docs-init.js')).status).toBe(404);
    const page = await admin.get('/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui');
    expect((await admin.get('/docs/assets/swagger-ui.css')).status).toBe(200);
  });

  it('answers liveness, readiness and the OpenAPI document on both ports', async () => {
    for (const port of [api, admin]) {
      expect((await port.get('/health')).body.data).toEqual({ status: 'ok' });
      expect((await port.get('/health/ready')).body.data).toEqual({ status: 'ready' });
    }
    const fromApi = await api.get('/api/v1/openapi.json');
    expect(fromApi.status).toBe(200);
    // The contract is the same wherever it is read, and still documents every operation.
    expect((await admin.get('/api/v1/openapi.json')).body).toEqual(fromApi.body);
    expect(Object.keys(fromApi.body.paths)).toEqual(
      expect.arrayContaining(['/metrics', '/health/detailed', '/docs']),
    );
  });

  it('serves nothing of the API on the admin port, and the public keys on the API port only', async () => {
    expect((await api.get('/.well-known/jwks.json')).status).toBe(200);
    expect((await admin.get('/.well-known/jwks.json')).status).toBe(404);
    // Straight through fetch: the document describes the API's operations as the API's port
    // serves them, and this asks one where it is not served.
    const login = await fetch(`${t.adminUrl!}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: 'x' }),
    });
    expect(login.status).toBe(404);
    expect((await admin.get('/verify-email')).status).toBe(404);
  });
});

describe('without ADMIN_PORT (development and tests)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves every operation on the one port', async () => {
    expect(t.adminUrl).toBeUndefined();
    expect(t.app.adminPort()).toBeUndefined();
    const api = client(t.baseUrl);
    for (const path of ['/metrics', '/health/detailed', '/docs', '/.well-known/jwks.json']) {
      expect((await api.get(path)).status, path).toBe(200);
    }
  });
});

describe('stopping with ADMIN_PORT set', () => {
  // A probe that answers when the test says: a request on the admin port held in flight.
  const asked = deferred();
  const release = deferred();
  const held: HealthProbe = {
    name: 'held',
    critical: false,
    check: async () => {
      asked.resolve();
      await release.promise;
      return { status: 'ok' };
    },
  };
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_PORT: '0' }, { extraProbes: [held] });
  });
  afterAll(async () => {
    release.resolve();
    await t.close();
  });

  it('drains the admin port’s requests too, then closes both listeners', async () => {
    expect(await tryConnect(t.baseUrl)).toBe('connected');
    expect(await tryConnect(t.adminUrl!)).toBe('connected');
    const inFlight = client(t.adminUrl!).get('/health/detailed');
    await asked.promise;

    const stopped = t.app.stop();
    release.resolve();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(finished.headers.get('connection')).toBe('close');
    expect(finished.body.data).toMatchObject({
      draining: true,
      checks: { held: { status: 'ok' } },
    });

    await expect(stopped).resolves.toBeUndefined();
    expect(await tryConnect(t.baseUrl)).toBe('ECONNREFUSED');
    expect(await tryConnect(t.adminUrl!)).toBe('ECONNREFUSED');
  });
});
