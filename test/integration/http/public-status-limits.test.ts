// The public status lookup's rate limit per client address: every lookup counts, found or not,
// on the API and the page alike; over it, 429 with Retry-After. With Redis, the count is shared by
// every API instance (the same key prefix), so adding instances does not multiply the guesses.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMailer } from '../../../src/adapters/mail/log-mailer.js';
import { compose, type Application } from '../../../src/bootstrap/compose.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { CHEAP_ARGON2_PARAMS } from '../../support/argon2.js';
import { client } from '../../support/client.js';
import { testRedisUrl } from '../../support/env.js';

const LIMIT = 3;
const unknownCode = 'RE-0000000000';

describe('one instance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_STATUS_LOOKUPS_PER_ADDRESS: String(LIMIT) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts every lookup, API and page, and answers 429 with Retry-After over the limit', async () => {
    const api = client(t.baseUrl);
    expect((await api.get(`/api/v1/public/status/${unknownCode}`)).status).toBe(404);
    const page = await fetch(`${t.baseUrl}/status/${unknownCode}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Code not found');
    expect((await api.get(`/api/v1/public/status/not-a-code`)).status).toBe(404);

    const refused = await api.get(`/api/v1/public/status/${unknownCode}`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    const refusedPage = await fetch(`${t.baseUrl}/status/${unknownCode}`);
    expect(refusedPage.status).toBe(429);
    expect(Number(refusedPage.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refusedPage.headers.get('content-type')).toContain('text/html');
    expect(await refusedPage.text()).toContain('Too many lookups');
  });
});

describe.skipIf(!testRedisUrl)('two instances and Redis', () => {
  let a: TestApp;
  let b: Application;
  let bUrl: string;
  beforeAll(async () => {
    a = await startTestApp({ PUBLIC_STATUS_LOOKUPS_PER_ADDRESS: String(LIMIT) });
    // The same configuration, so the same Redis and key prefix.
    b = await compose(
      { ...a.app.config, WORKER_MODE: 'off' },
      {
        database: a.database.handle,
        logger: pino({ level: 'silent' }),
        mailer: logMailer({ info: () => undefined }),
        argon2: CHEAP_ARGON2_PARAMS,
      },
    );
    bUrl = `http://127.0.0.1:${await b.start()}`;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  it('shares one count between the instances', async () => {
    for (let i = 0; i < LIMIT - 1; i++) {
      expect((await client(a.baseUrl).get(`/api/v1/public/status/${unknownCode}`)).status).toBe(
        404,
      );
    }
    expect((await client(bUrl).get(`/api/v1/public/status/${unknownCode}`)).status).toBe(404);
    expect((await client(bUrl).get(`/api/v1/public/status/${unknownCode}`)).status).toBe(429);
    expect((await client(a.baseUrl).get(`/api/v1/public/status/${unknownCode}`)).status).toBe(429);
  });
});
