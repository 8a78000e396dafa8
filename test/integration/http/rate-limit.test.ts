// The API's general rate limits: per principal after authentication, per client address before
// it, RateLimit-* headers on every limited answer, 429 RATE_LIMITED with Retry-After, probes and
// documents never limited, and a Redis that does not answer never failing a request.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { createOrganization } from '../../support/tenancy.js';

// A window far longer than any test: a count never resets half-way (no timing dependence).
const WINDOW = '3600';

function expectLimitHeaders(reply: Reply, limit: number, remaining: number): void {
  expect(reply.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(reply.headers.get('ratelimit-remaining')).toBe(String(remaining));
  const reset = Number(reply.headers.get('ratelimit-reset'));
  expect(reset).toBeGreaterThanOrEqual(1);
  expect(reset).toBeLessThanOrEqual(Number(WINDOW));
}

function expectThrottled(reply: Reply): void {
  expect(reply.status).toBe(429);
  expect(reply.body).toMatchObject({
    success: false,
    error: { code: 'RATE_LIMITED' },
    meta: { request_id: expect.any(String) },
  });
  const retryAfter = Number(reply.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Number(WINDOW));
}

describe('per principal', () => {
  const PER_PRINCIPAL = 4;
  let t: TestApp;
  let api: Client;
  let alice: SignedInUser;
  let bob: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_PER_PRINCIPAL: String(PER_PRINCIPAL),
      RATE_LIMIT_PER_ADDRESS: '1000',
      RATE_LIMIT_WINDOW_SECONDS: WINDOW,
    });
    api = client(t.baseUrl);
    alice = await signIn(t, api);
    bob = await signIn(t, api);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts each authenticated request down in the headers, then answers 429 with Retry-After', async () => {
    for (let remaining = PER_PRINCIPAL - 1; remaining >= 0; remaining--) {
      const reply = await api.get('/api/v1/users/me', { token: alice.accessToken });
      expect(reply.status).toBe(200);
      // The narrower of the two policies: the principal's (4) under the address's (1000).
      expectLimitHeaders(reply, PER_PRINCIPAL, remaining);
    }
    const refused = await api.get('/api/v1/users/me', { token: alice.accessToken });
    expectThrottled(refused);
    expectLimitHeaders(refused, PER_PRINCIPAL, 0);
  });

  it('counts every route of the principal together, and each principal on its own', async () => {
    expectThrottled(await api.get('/api/v1/organizations', { token: alice.accessToken }));
    const other = await api.get('/api/v1/users/me', { token: bob.accessToken });
    expect(other.status).toBe(200);
    expectLimitHeaders(other, PER_PRINCIPAL, PER_PRINCIPAL - 1);
  });

  it('counts an API key as a principal of its own, apart from the user who made it', async () => {
    const carol = await signIn(t, api);
    const org = await createOrganization(api, carol);
    const minted = await api.post(
      `/api/v1/organizations/${org.id}/api-keys`,
      { name: 'CI', role: 'member' },
      { token: carol.accessToken },
    );
    expect(minted.status).toBe(201);
    const key = minted.body.data.key as string;
    for (let remaining = PER_PRINCIPAL - 1; remaining >= 0; remaining--) {
      const reply = await api.get('/api/v1/auth/whoami', { token: key });
      expect(reply.status).toBe(200);
      expectLimitHeaders(reply, PER_PRINCIPAL, remaining);
    }
    expectThrottled(await api.get('/api/v1/auth/whoami', { token: key }));
    // Carol spent two of her own on the organization and the key.
    const own = await api.get('/api/v1/users/me', { token: carol.accessToken });
    expect(own.status).toBe(200);
    expectLimitHeaders(own, PER_PRINCIPAL, PER_PRINCIPAL - 3);
  });

  it('counts the throttled requests in /metrics, which is never limited', async () => {
    for (let i = 0; i < 3; i++) {
      const metrics = await api.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('ratelimit-limit')).toBeNull();
      expect(metrics.body).toMatch(/http_requests_throttled_total\{scope="principal"\} [1-9]/);
    }
  });
});

describe('per client address', () => {
  const PER_ADDRESS = 3;
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
      RATE_LIMIT_WINDOW_SECONDS: WINDOW,
    });
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  it('limits unauthenticated requests, unknown routes included, before anything else runs', async () => {
    const first = await api.post('/api/v1/auth/login', { email: 'nobody' });
    expect(first.status).toBe(422);
    expectLimitHeaders(first, PER_ADDRESS, 2);
    const second = await api.get('/api/v1/no-such-route');
    expect(second.status).toBe(404);
    expectLimitHeaders(second, PER_ADDRESS, 1);
    const third = await api.get('/api/v1/users/me');
    expect(third.status).toBe(401);
    expectLimitHeaders(third, PER_ADDRESS, 0);
    expectThrottled(await api.get('/api/v1/users/me'));
  });

  it('never limits health, metrics, keys or the documents', async () => {
    for (const path of [
      '/health',
      '/health/ready',
      '/health/detailed',
      '/metrics',
      '/.well-known/jwks.json',
      '/api/v1/openapi.json',
      '/docs',
    ]) {
      const reply = await api.get(path);
      expect(reply.status, path).toBe(200);
      expect(reply.headers.get('ratelimit-limit'), path).toBeNull();
    }
    const metrics = await api.get('/metrics');
    expect(metrics.body).toMatch(/http_requests_throttled_total\{scope="address"\} [1-9]/);
  });
});

describe('switched off', () => {
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_PRINCIPAL: '0' });
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends no RateLimit headers when both limits are 0', async () => {
    const reply = await api.get('/api/v1/users/me');
    expect(reply.status).toBe(401);
    expect(reply.headers.get('ratelimit-limit')).toBeNull();
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Brings its own unreachable Redis, so it runs in both modes.
describe('with Redis unreachable', () => {
  const PER_PRINCIPAL = 2;
  let t: TestApp;
  let api: Client;
  let user: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp({
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      RATE_LIMIT_PER_PRINCIPAL: String(PER_PRINCIPAL),
      RATE_LIMIT_WINDOW_SECONDS: WINDOW,
    });
    api = client(t.baseUrl);
    user = await signIn(t, api);
  });
  afterAll(async () => {
    await t.close();
  });

  it('still answers, limited per instance from memory', async () => {
    for (let remaining = PER_PRINCIPAL - 1; remaining >= 0; remaining--) {
      const reply = await api.get('/api/v1/users/me', { token: user.accessToken });
      expect(reply.status).toBe(200);
      expectLimitHeaders(reply, PER_PRINCIPAL, remaining);
    }
    expectThrottled(await api.get('/api/v1/users/me', { token: user.accessToken }));
  });
});
