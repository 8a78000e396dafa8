// Login and identity-mail throttling through HTTP: the client address taken from trusted proxy
// hops, attempts counted before hashing, owners never locked out by an attacker, mail requests
// answering alike for known and unknown addresses before any mail goes out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailMessage, Mailer } from '../../../src/application/identity/ports.js';
import { registerVerified } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { deferred, waitFor } from '../../support/async.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';

const LOGIN = '/api/v1/auth/login';
const newEmail = () => `throttle-${uniqueTag()}@example.com`;

let addresses = 0;
/** A client address of its own for each use (documentation ranges, RFC 5737). */
const newAddress = () => {
  addresses += 1;
  return `203.0.${113 + Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
};
const via = (forwardedFor: string) => ({ headers: { 'x-forwarded-for': forwardedFor } });
const statuses = (replies: readonly Reply[]) => replies.map((r) => r.status);
const count = (replies: readonly Reply[], status: number) =>
  replies.filter((r) => r.status === status).length;

describe('login behind one trusted proxy (TRUST_PROXY=true)', () => {
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true' });
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the address the proxy appended: 100 spoofed X-Forwarded-For values do not move the limit', async () => {
    const user = await registerVerified(t, api);
    const attacker = newAddress();
    const replies: Reply[] = [];
    for (let i = 0; i < 100; i += 1) {
      replies.push(
        await api.post(
          LOGIN,
          { email: user.email, password: 'wrong-password' },
          via(`198.18.${Math.floor(i / 250)}.${i % 250}, ${attacker}`),
        ),
      );
    }
    expect(statuses(replies.slice(0, 5))).toEqual([401, 401, 401, 401, 401]);
    expect(count(replies.slice(5), 429)).toBe(95);
    expect(Number(replies[99]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lets the owner sign in from another address while the attacker is throttled', async () => {
    const user = await registerVerified(t, api);
    const attacker = newAddress();
    for (let i = 0; i < 6; i += 1) {
      await api.post(LOGIN, { email: user.email, password: 'wrong-password' }, via(attacker));
    }
    const throttled = await api.post(
      LOGIN,
      { email: user.email, password: user.password },
      via(attacker),
    );
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('RATE_LIMITED');

    const owner = await api.post(
      LOGIN,
      { email: user.email, password: user.password },
      via(newAddress()),
    );
    expect(owner.status).toBe(200);
    expect(owner.body.data.user.email).toBe(user.email);
  });

  it('lets only the limit of 200 concurrent wrong passwords be checked: 5 × 401, 195 × 429', async () => {
    const user = await registerVerified(t, api);
    const attacker = newAddress();
    const replies = await Promise.all(
      Array.from({ length: 200 }, () =>
        api.post(LOGIN, { email: user.email, password: 'wrong-password' }, via(attacker)),
      ),
    );
    expect(count(replies, 401)).toBe(5);
    expect(count(replies, 429)).toBe(195);
  });
});

describe('the client address with TRUST_PROXY_HOPS=2 and without TRUST_PROXY', () => {
  let twoHops: TestApp;
  let direct: TestApp;

  beforeAll(async () => {
    [twoHops, direct] = await Promise.all([
      startTestApp({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2' }),
      startTestApp(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([twoHops.close(), direct.close()]);
  });

  const tenFailures = async (api: Client, email: string, forwardedFor: (i: number) => string) => {
    const replies: Reply[] = [];
    for (let i = 0; i < 10; i += 1) {
      replies.push(
        await api.post(LOGIN, { email, password: 'wrong-password' }, via(forwardedFor(i))),
      );
    }
    return statuses(replies);
  };

  it('takes the value two hops from the right, whatever the client wrote left of it', async () => {
    const api = client(twoHops.baseUrl);
    const user = await registerVerified(twoHops, api);
    const clientAddress = newAddress();
    // Spoofed values on the left, the outer proxy's record of the client, then the inner proxy's
    // record of whichever outer node forwarded it.
    const seen = await tenFailures(
      api,
      user.email,
      (i) => `10.9.9.${i}, ${clientAddress}, 192.0.2.${i}`,
    );
    expect(seen).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);

    const owner = await api.post(
      LOGIN,
      { email: user.email, password: user.password },
      via(`${clientAddress}, ${newAddress()}, 192.0.2.1`),
    );
    expect(owner.status).toBe(200);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: the socket address counts', async () => {
    const api = client(direct.baseUrl);
    const user = await registerVerified(direct, api);
    const seen = await tenFailures(api, user.email, () => newAddress());
    expect(seen).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });
});

/** A mailer that hands messages on at once, or holds them while the test keeps its gate shut. */
function gatedMailer() {
  const handed: MailMessage[] = [];
  const sent: MailMessage[] = [];
  let gate: Promise<void> | undefined;
  const mailer: Mailer = {
    async send(message) {
      handed.push(message);
      if (gate) await gate;
      sent.push(message);
    },
    verify: async () => undefined,
    close: async () => undefined,
  };
  return {
    mailer,
    handed,
    sent,
    /** Shuts the gate; the returned function opens it again. */
    hold() {
      const opened = deferred();
      gate = opened.promise;
      return () => {
        gate = undefined;
        opened.resolve();
      };
    },
  };
}

describe('identity mail', () => {
  const MAIL_REQUESTS_PER_ADDRESS = 3;
  const gated = gatedMailer();
  let t: TestApp;
  let api: Client;

  beforeAll(async () => {
    t = await startTestApp(
      { TRUST_PROXY: 'true', AUTH_MAIL_MAX_PER_IP: String(MAIL_REQUESTS_PER_ADDRESS) },
      { mailer: gated.mailer },
    );
    api = client(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A verified account, registered from an address of its own. */
  async function knownAccount(): Promise<string> {
    const email = newEmail();
    const body = { email, password: 'correct-horse-battery', name: 'Known' };
    expect((await api.post('/api/v1/auth/register', body, via(newAddress()))).status).toBe(201);
    await t.mailSent();
    const token = /\?token=([A-Za-z0-9_-]+)/.exec(
      gated.sent.findLast((m) => m.to === email)!.text,
    )![1];
    expect((await api.post('/api/v1/auth/verify-email', { token })).status).toBe(200);
    return email;
  }

  it.each([
    ['/api/v1/auth/password/forgot', 'Reset your TeamFlow password'],
    ['/api/v1/auth/resend-verification', 'Verify your TeamFlow email address'],
  ])(
    '%s answers known and unknown addresses alike, before any mail goes out',
    async (path, subject) => {
      const email = newEmail();
      const body = { email, password: 'correct-horse-battery', name: 'K' };
      await api.post('/api/v1/auth/register', body, via(newAddress()));
      await t.mailSent(); // the verification mail of the registration, out of the count below
      const mails = (list: MailMessage[]) =>
        list.filter((m) => m.to === email && m.subject === subject).length;
      const before = { handed: mails(gated.handed), sent: mails(gated.sent) };

      const release = gated.hold();
      try {
        const known = await api.post(path, { email }, via(newAddress()));
        const unknown = await api.post(path, { email: newEmail() }, via(newAddress()));
        expect(known.status).toBe(202);
        expect(unknown.status).toBe(202);
        expect(unknown.body.data).toEqual(known.body.data);
        await waitFor(() => mails(gated.handed) === before.handed + 1);
        expect(mails(gated.sent)).toBe(before.sent);
      } finally {
        release();
      }
      await waitFor(() => mails(gated.sent) === before.sent + 1);
    },
  );

  it('answers a taken address at register as a new one (201, same fields) and mails its owner', async () => {
    const taken = await knownAccount();
    const body = { password: 'another-password', name: 'Again' };
    const fresh = await api.post(
      '/api/v1/auth/register',
      { ...body, email: newEmail() },
      via(newAddress()),
    );
    // Its verification mail out first: the runner's next round holds only the one under test.
    await t.mailSent();
    const release = gated.hold();
    try {
      const again = await api.post(
        '/api/v1/auth/register',
        { ...body, email: taken },
        via(newAddress()),
      );
      expect(fresh.status).toBe(201);
      expect(again.status).toBe(201);
      expect(Object.keys(again.body.data).sort()).toEqual(Object.keys(fresh.body.data).sort());
      expect(again.body.data).toMatchObject({ email: taken, name: 'Again', email_verified: false });
      await waitFor(() =>
        gated.handed.some((m) => m.to === taken && m.subject.includes('already')),
      );
      expect(gated.sent.filter((m) => m.to === taken && m.subject.includes('already'))).toEqual([]);
    } finally {
      release();
    }
    await waitFor(() => gated.sent.some((m) => m.to === taken && m.subject.includes('already')));
    // The account is untouched: its own password still signs in.
    const login = await api.post(
      LOGIN,
      { email: taken, password: 'correct-horse-battery' },
      via(newAddress()),
    );
    expect(login.status).toBe(200);
  });

  it(`answers 429 with Retry-After after ${MAIL_REQUESTS_PER_ADDRESS} mail requests from one address, whatever the email`, async () => {
    const address = newAddress();
    const known = await knownAccount();
    const replies: Reply[] = [];
    for (const email of [newEmail(), newEmail(), known, known, newEmail()]) {
      replies.push(await api.post('/api/v1/auth/password/forgot', { email }, via(address)));
    }
    expect(statuses(replies)).toEqual([202, 202, 202, 429, 429]);
    expect(replies[3]!.body.error.code).toBe('RATE_LIMITED');
    expect(Number(replies[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    const register = await api.post(
      '/api/v1/auth/register',
      { email: newEmail(), password: 'correct-horse-battery', name: 'R' },
      via(address),
    );
    expect(register.status).toBe(429);
    expect(
      (await api.post('/api/v1/auth/password/forgot', { email: known }, via(newAddress()))).status,
    ).toBe(202);
  });
});
