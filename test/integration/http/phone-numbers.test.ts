// A user's phone number through HTTP: set through PATCH /users/me (parsed into E.164, texted a
// 6-digit code through Twilio's API — a local fake here), verified with that code (5 attempts, 10
// minutes by the app's clock), resent on request (throttled), and nobody else's to verify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_CODE_TTL_MS } from '../../../src/domain/identity/phone-verification.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/async.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import {
  FAKE_TWILIO_FROM,
  fakeTwilioEnv,
  startFakeTwilio,
  type FakeTwilio,
} from '../../support/fake-twilio.js';

const CODES_PER_WINDOW = 3;
const clock = fakeClock();
let twilio: FakeTwilio;
let t: TestApp;
let api: Client;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  t = await startTestApp(
    {
      ...fakeTwilioEnv(twilio),
      PHONE_CODES_PER_USER: String(CODES_PER_WINDOW),
      PHONE_CODES_PER_NUMBER: String(CODES_PER_WINDOW),
    },
    { clock },
  );
  api = client(t.baseUrl);
});
afterAll(async () => {
  await t.close();
  await twilio.close();
});

let lastNumber = 0;
/** A Dutch mobile number no other test of the file uses: as typed, and in E.164. */
function aNumber() {
  const subscriber = String(10_000_000 + (lastNumber += 1)).slice(1);
  return {
    typed: `+31 6 1${subscriber.slice(0, 3)} ${subscriber.slice(3)}`,
    e164: `+3161${subscriber}`,
  };
}

const as = (user: SignedInUser) => ({ token: user.accessToken });
const me = (user: SignedInUser) => api.get('/api/v1/users/me', as(user));
const setPhone = (user: SignedInUser, phone: string | null, headers?: Record<string, string>) =>
  api.patch(
    '/api/v1/users/me',
    { phone_number: phone },
    { ...as(user), ...(headers && { headers }) },
  );
const verify = (user: SignedInUser, code: string) =>
  api.post('/api/v1/users/me/phone/verify', { code }, as(user));
const resend = (user: SignedInUser) =>
  api.post('/api/v1/users/me/phone/resend', undefined, as(user));

const texts = (to: string) => twilio.messages.filter((m) => m.to === to);

/** The code of the `nth` text to `to` (1: the first), once it has arrived. */
async function codeTexted(to: string, nth = 1): Promise<string> {
  await waitFor(() => texts(to).length >= nth);
  const code = /\b([0-9]{6})\b/.exec(texts(to)[nth - 1]?.body ?? '')?.[1];
  if (code === undefined) throw new Error(`no code in ${JSON.stringify(texts(to)[nth - 1])}`);
  return code;
}

/** A 6-digit code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** Waits until the app has sent everything it started (so that "nothing more" can be checked). */
const settled = () => t.app.deps.background.idle();

describe('setting a phone number', () => {
  it('refuses what is not a phone number with 422 naming phone_number, and texts nothing', async () => {
    const user = await signIn(t, api);
    const before = twilio.requests();
    for (const bad of [
      '0612345678',
      '+316123',
      'not a number',
      '+31 6 12345678 ext. 2',
      'tel:+31612345678',
    ]) {
      const reply = await setPhone(user, bad);
      expect(reply.status, bad).toBe(422);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
      expect(reply.body.error.details).toEqual([
        {
          field: 'phone_number',
          message:
            'Not a valid phone number: give it with + and the country code, e.g. +31 6 12345678',
        },
      ]);
    }
    expect((await me(user)).body.data).toMatchObject({ phone_number: null, phone_verified: false });
    await settled();
    expect(twilio.requests()).toBe(before);
  });

  it('stores a good number in E.164, unverified, and texts it one 6-digit code', async () => {
    const user = await signIn(t, api);
    const number = aNumber();
    const { version } = (await me(user)).body.data;

    const reply = await setPhone(user, number.typed);

    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({
      phone_number: number.e164,
      phone_verified: false,
      phone_verified_at: null,
      version: version + 1,
    });
    expect(reply.headers.get('etag')).toBe(`"${version + 1}"`);
    const code = await codeTexted(number.e164);
    await settled();
    expect(texts(number.e164)).toEqual([
      {
        to: number.e164,
        from: FAKE_TWILIO_FROM,
        body: `Your TeamFlow verification code is ${code}. It expires in 10 minutes. Do not share it.`,
        sid: expect.any(String),
      },
    ]);
  });

  it('texts nothing when the change does not commit (a stale If-Match)', async () => {
    const user = await signIn(t, api);
    const number = aNumber();

    const reply = await setPhone(user, number.typed, { 'if-match': '"7"' });

    expect(reply.status).toBe(412);
    await settled();
    expect(texts(number.e164)).toEqual([]);
    expect((await me(user)).body.data.phone_number).toBeNull();
  });

  it('replaces the number and its code; the same number again sends none; null removes it', async () => {
    const user = await signIn(t, api);
    const first = aNumber();
    const second = aNumber();
    await setPhone(user, first.typed);
    const firstCode = await codeTexted(first.e164);
    await setPhone(user, second.e164);
    const secondCode = await codeTexted(second.e164);

    // The first number's code verifies nothing any more.
    if (firstCode !== secondCode) expect((await verify(user, firstCode)).status).toBe(422);
    expect((await verify(user, secondCode)).body.data).toMatchObject({
      phone_number: second.e164,
      phone_verified: true,
    });

    const again = await setPhone(user, second.typed);
    expect(again.body.data).toMatchObject({ phone_number: second.e164, phone_verified: true });
    await settled();
    expect(texts(second.e164)).toHaveLength(1);

    const removed = await setPhone(user, null);
    expect(removed.body.data).toMatchObject({
      phone_number: null,
      phone_verified: false,
      phone_verified_at: null,
    });
    expect((await verify(user, secondCode)).status).toBe(409);
  });
});

describe('verifying the number', () => {
  it('verifies it with the right code; the code then is spent', async () => {
    const user = await signIn(t, api);
    const number = aNumber();
    const set = await setPhone(user, number.typed);
    const code = await codeTexted(number.e164);

    const reply = await verify(user, code);

    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({
      phone_number: number.e164,
      phone_verified: true,
      phone_verified_at: clock.now().toISOString(),
      version: set.body.data.version + 1,
    });
    expect(reply.headers.get('etag')).toBe(`"${set.body.data.version + 1}"`);
    expect((await verify(user, code)).body.error).toMatchObject({
      code: 'CONFLICT',
      message: 'No code is waiting: set a phone number first, or ask for a new code',
    });
  });

  it('counts wrong codes: after the fifth even the right code needs a new one', async () => {
    const user = await signIn(t, api);
    const number = aNumber();
    await setPhone(user, number.typed);
    const code = await codeTexted(number.e164);

    const answers = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const reply = await verify(user, wrong(code));
      expect(reply.status).toBe(422);
      answers.push(reply.body.error.details[0]);
    }
    expect(answers).toEqual([
      { field: 'code', message: 'Wrong code; 4 attempts left' },
      { field: 'code', message: 'Wrong code; 3 attempts left' },
      { field: 'code', message: 'Wrong code; 2 attempts left' },
      { field: 'code', message: 'Wrong code; 1 attempt left' },
      { field: 'code', message: 'Wrong code, and no attempts are left: ask for a new code' },
    ]);
    const locked = await verify(user, code);
    expect(locked.status).toBe(409);
    expect(locked.body.error.message).toBe('Too many wrong codes: ask for a new code');
    expect((await me(user)).body.data.phone_verified).toBe(false);

    expect((await resend(user)).status).toBe(202);
    const newCode = await codeTexted(number.e164, 2);
    expect((await verify(user, newCode)).body.data.phone_verified).toBe(true);
  });

  it('counts guesses sent at once one by one: no more than 5 are compared', async () => {
    const user = await signIn(t, api);
    const number = aNumber();
    await setPhone(user, number.typed);
    const code = await codeTexted(number.e164);

    const replies = await Promise.all(Array.from({ length: 8 }, () => verify(user, wrong(code))));

    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([409, 409, 409, 422, 422, 422, 422, 422]);
    expect((await verify(user, code)).status).toBe(409);
  });

  it('refuses a code 10 minutes old (the app’s clock moved); a new code works', async () => {
    const user = await signIn(t, api);
    const number = aNumber();
    await setPhone(user, number.typed);
    const code = await codeTexted(number.e164);

    clock.advance(PHONE_CODE_TTL_MS);
    const expired = await verify(user, code);

    expect(expired.status).toBe(409);
    expect(expired.body.error.message).toBe('The code has expired: ask for a new code');
    expect((await resend(user)).status).toBe(202);
    const newCode = await codeTexted(number.e164, 2);
    expect((await verify(user, newCode)).body.data.phone_verified).toBe(true);
  });

  it('takes only 6 digits', async () => {
    const user = await signIn(t, api);
    for (const code of ['12345', '1234567', 'abcdef', ' 123456']) {
      const reply = await verify(user, code);
      expect(reply.status, code).toBe(422);
      expect(reply.body.error.details).toEqual([
        { field: 'code', message: 'Must be the 6 digits of the code' },
      ]);
    }
  });

  it('is nobody else’s to do: another user’s verify never touches your number or code', async () => {
    const owner = await signIn(t, api);
    const other = await signIn(t, api);
    const number = aNumber();
    await setPhone(owner, number.typed);
    const code = await codeTexted(number.e164);

    // Without a number of their own, nothing waits for them.
    expect((await verify(other, code)).status).toBe(409);
    // With one, the owner's code is a wrong code of theirs.
    const theirs = aNumber();
    await setPhone(other, theirs.typed);
    const theirCode = await codeTexted(theirs.e164);
    if (theirCode !== code) expect((await verify(other, code)).status).toBe(422);

    expect((await me(owner)).body.data.phone_verified).toBe(false);
    expect((await me(other)).body.data.phone_verified).toBe(false);
    // The owner's code still works: the other's guesses were not counted against it.
    expect((await verify(owner, code)).body.data).toMatchObject({
      phone_number: number.e164,
      phone_verified: true,
    });
    expect((await me(other)).body.data).toMatchObject({
      phone_number: theirs.e164,
      phone_verified: false,
    });
  });
});

describe('resending the code', () => {
  it('refuses with 409 without a number, and once it is verified', async () => {
    const user = await signIn(t, api);
    const none = await resend(user);
    expect(none.status).toBe(409);
    expect(none.body.error.message).toBe('No phone number to verify: set phone_number first');

    const number = aNumber();
    await setPhone(user, number.typed);
    await verify(user, await codeTexted(number.e164));
    const verified = await resend(user);
    expect(verified.status).toBe(409);
    expect(verified.body.error.message).toBe('The phone number is verified already');
  });

  it('replaces the waiting code, and is throttled per user (429 with Retry-After)', async () => {
    const user = await signIn(t, api);
    const number = aNumber();
    await setPhone(user, number.typed);
    const first = await codeTexted(number.e164);
    for (let n = 2; n <= CODES_PER_WINDOW; n++) expect((await resend(user)).status).toBe(202);
    const last = await codeTexted(number.e164, CODES_PER_WINDOW);

    const throttled = await resend(user);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('RATE_LIMITED');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    await settled();
    expect(texts(number.e164)).toHaveLength(CODES_PER_WINDOW);

    if (first !== last) expect((await verify(user, first)).status).toBe(422);
    expect((await verify(user, last)).body.data.phone_verified).toBe(true);
  });

  it('throttles the codes one number gets, whoever asks for them', async () => {
    const number = aNumber();
    for (let n = 1; n <= CODES_PER_WINDOW; n++) {
      expect((await setPhone(await signIn(t, api), number.typed)).status).toBe(200);
    }
    const late = await signIn(t, api);
    expect((await setPhone(late, number.typed)).status).toBe(429);
    expect((await me(late)).body.data.phone_number).toBeNull();
    await settled();
    expect(texts(number.e164)).toHaveLength(CODES_PER_WINDOW);
  });
});
