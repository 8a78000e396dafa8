// The HTTP edge every route shares: envelope, request ids, timing, body limits, unknown routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';

let t: TestApp;
let api: Client;
let user: SignedInUser;

beforeAll(async () => {
  t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
  api = client(t.baseUrl);
  user = await signIn(t, api);
});
afterAll(async () => {
  await t.close();
});

describe('request ids and timing', () => {
  it('echoes a sane X-Request-Id and puts it in meta', async () => {
    const reply = await api.get('/health', { headers: { 'x-request-id': 'client-abc.123' } });
    expect(reply.headers.get('x-request-id')).toBe('client-abc.123');
    expect(reply.body.meta.request_id).toBe('client-abc.123');
  });

  it.each([['x'.repeat(129)], ['has space'], ['<script>']])(
    'replaces an unsafe X-Request-Id (%s) with a generated one',
    async (offered) => {
      const reply = await api.get('/health', { headers: { 'x-request-id': offered } });
      expect(reply.headers.get('x-request-id')).toMatch(/^req_[0-9a-f-]{36}$/);
    },
  );

  it('sets X-Process-Time in seconds on every answer, errors included', async () => {
    for (const reply of [await api.get('/health'), await api.get('/nope')]) {
      expect(reply.headers.get('x-process-time')).toMatch(/^\d+\.\d{6}$/);
    }
  });
});

describe('errors at the edge', () => {
  it('answers an unknown route with the 404 envelope', async () => {
    const reply = await api.get('/api/v1/does-not-exist');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({
      success: false,
      error: { code: 'NOT_FOUND' },
      meta: { request_id: expect.any(String) },
    });
  });

  it('answers a known path with an unsupported method 405 with Allow, in the envelope', async () => {
    const reply = await api.put('/api/v1/users/me', {}, { token: user.accessToken });
    expect(reply.status).toBe(405);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'METHOD_NOT_ALLOWED' } });
    expect(reply.headers.get('allow')).toBe('HEAD, GET, PATCH, OPTIONS');
  });

  it('answers OPTIONS without a CORS preflight 204 with Allow', async () => {
    const reply = await api.options('/api/v1/users/me');
    expect(reply.status).toBe(204);
    expect(reply.headers.get('allow')).toBe('HEAD, GET, PATCH, OPTIONS');
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const reply = await api.post('/api/v1/organizations', undefined, {
      token: user.accessToken,
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers a body that is not JSON with 400 BAD_REQUEST', async () => {
    const reply = await api.post('/api/v1/auth/login', undefined, {
      raw: 'email=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const reply = await api.post('/api/v1/auth/register', {
      email: 'big@example.com',
      password: 'x'.repeat(4000),
      name: 'Big',
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a JSON body that is not an object with 422', async () => {
    const reply = await api.post('/api/v1/auth/login', [1, 2]);
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('answers a malformed path id with 422 naming the field', async () => {
    const reply = await api.delete('/api/v1/auth/sessions/not-a-uuid', { token: user.accessToken });
    expect(reply.status).toBe(422);
    expect(reply.body.error.details[0].field).toBe('id');
  });
});
