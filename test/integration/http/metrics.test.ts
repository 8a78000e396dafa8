// The metrics of the composed application move over HTTP: a replayed and a reused
// Idempotency-Key, a throttled login, the session cache, mail and password hashing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import { sampleValue } from '../../support/metrics.js';
import { createOrganization, type TestOrganization } from '../../support/tenancy.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;

const scrape = async () => (await api.get('/metrics')).body as string;

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: '1' });
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(() => t.close());

describe('/metrics of the application', () => {
  it('counts a replayed Idempotency-Key and one reused for another request', async () => {
    const before = await scrape();
    const path = `/api/v1/organizations/${org.id}/teams`;
    const key = { token: owner.accessToken, headers: { 'Idempotency-Key': uniqueTag() } };
    const name = `Team ${uniqueTag()}`;
    expect((await api.post(path, { name }, key)).status).toBe(201);
    const again = await api.post(path, { name }, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.post(path, { name: `${name} 2` }, key)).status).toBe(422);

    const after = await scrape();
    const count = (text: string, outcome: string) =>
      sampleValue(text, 'idempotency_requests_total', { outcome });
    expect(count(after, 'replayed') - count(before, 'replayed')).toBe(1);
    expect(count(after, 'key_reused') - count(before, 'key_reused')).toBe(1);
  });

  it('counts a login refused by the throttle under its limiter', async () => {
    const refused = (text: string) =>
      sampleValue(text, 'rate_limit_refusals_total', { limiter: 'login-fail-email-ip' });
    const before = refused(await scrape());
    const wrong = { email: owner.email, password: 'not-the-password' };
    expect((await api.post('/api/v1/auth/login', wrong)).status).toBe(401);
    expect((await api.post('/api/v1/auth/login', wrong)).status).toBe(429);
    expect(refused(await scrape()) - before).toBe(1);
  });

  it('counts session cache reads, mail sent and password-hashing waits', async () => {
    const before = await scrape();
    const hits = (text: string) =>
      sampleValue(text, 'cache_reads_total', { cache: 'session', result: 'hit' });
    const sent = (text: string) => sampleValue(text, 'mail_sends_total', { outcome: 'sent' });
    const hashed = (text: string) => sampleValue(text, 'password_hash_wait_seconds_count');

    await signIn(t, api); // registers (one mail, one hash), verifies, logs in (one verify)
    const whoami = () => api.get('/api/v1/users/me', { token: owner.accessToken });
    expect((await whoami()).status).toBe(200);
    expect((await whoami()).status).toBe(200);

    const after = await scrape();
    expect(hits(after) - hits(before)).toBeGreaterThanOrEqual(1);
    expect(sent(after) - sent(before)).toBe(1);
    expect(hashed(after) - hashed(before)).toBeGreaterThanOrEqual(2);
  });
});
