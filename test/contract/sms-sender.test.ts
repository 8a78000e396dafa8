// Runs the SmsSender contract against the log sender and against the Twilio sender talking to a
// local fake of Twilio's Messages API; then what only the Twilio sender does: Twilio's refusals
// and failures, each marked retryable or not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logSmsSender } from '../../src/adapters/sms/log-sms-sender.js';
import { twilioSmsSender, type TwilioOptions } from '../../src/adapters/sms/twilio-sms-sender.js';
import { SmsError } from '../../src/application/shared/sms.js';
import {
  FAKE_TWILIO_FROM,
  FAKE_TWILIO_SID,
  FAKE_TWILIO_TOKEN,
  startFakeTwilio,
  type FakeTwilio,
} from '../support/fake-twilio.js';
import { freePort } from '../support/own-postgres.js';
import { smsSenderContract } from './sms-sender.contract.js';

smsSenderContract('logSmsSender', () => {
  const sender = logSmsSender({ info: () => {} });
  return Promise.resolve({
    sender,
    received: () => Promise.resolve(sender.sent.map(({ to, body }) => ({ to, body }))),
    cleanup: () => Promise.resolve(),
  });
});

smsSenderContract('twilioSmsSender', async () => {
  const twilio = await startFakeTwilio();
  return {
    sender: twilioSmsSender(optionsFor(twilio.baseUrl)),
    received: () => Promise.resolve(twilio.messages.map(({ to, body }) => ({ to, body }))),
    cleanup: () => twilio.close(),
  };
});

function optionsFor(baseUrl: string, changes: Partial<TwilioOptions> = {}): TwilioOptions {
  return {
    accountSid: FAKE_TWILIO_SID,
    authToken: FAKE_TWILIO_TOKEN,
    from: FAKE_TWILIO_FROM,
    baseUrl,
    timeoutMs: 10_000,
    ...changes,
  };
}

describe('logSmsSender', () => {
  it('logs the message with the number masked but its last 4 digits', async () => {
    const lines: object[] = [];
    const sender = logSmsSender({ info: (obj) => void lines.push(obj) });

    const { id } = await sender.send({ to: '+31612345678', body: 'Your code is 123456' });

    expect(lines).toEqual([{ sms: { id, to: '+*******5678', body: 'Your code is 123456' } }]);
    expect(JSON.stringify(lines)).not.toContain('612345678');
  });

  it('keeps only the last 100 messages', async () => {
    const sender = logSmsSender({ info: () => {} });
    for (let n = 0; n < 105; n++) await sender.send({ to: '+31612345678', body: `B${n}` });
    expect(sender.sent).toHaveLength(100);
    expect(sender.sent[0]?.body).toBe('B5');
    expect(sender.sent[99]?.body).toBe('B104');
  });
});

describe('twilioSmsSender', () => {
  let twilio: FakeTwilio;

  beforeEach(async () => {
    twilio = await startFakeTwilio();
  });
  afterEach(async () => {
    await twilio.close();
  });

  it('sends from the configured number and answers the message sid', async () => {
    const { id } = await twilioSmsSender(optionsFor(twilio.baseUrl)).send({
      to: '+31612345678',
      body: 'Hi',
    });

    expect(twilio.messages).toEqual([
      { to: '+31612345678', from: FAKE_TWILIO_FROM, body: 'Hi', sid: id },
    ]);
    expect(id).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('takes a base URL with a trailing slash', async () => {
    const sender = twilioSmsSender(optionsFor(`${twilio.baseUrl}/`));
    await sender.send({ to: '+31612345678', body: 'Hi' });
    expect(twilio.messages).toHaveLength(1);
  });

  it('fails for good on credentials Twilio refuses (401, code 20003)', async () => {
    const sender = twilioSmsSender(optionsFor(twilio.baseUrl, { authToken: 'wrong' }));
    const error = await refusalOf(sender.send({ to: '+31612345678', body: 'Hi' }));
    expect(error).toMatchObject({ retryable: false, providerCode: '20003' });
    expect(error.message).toContain('401');
    expect(twilio.messages).toEqual([]);
  });

  it('fails for good on a number Twilio refuses, and keeps the number out of the message', async () => {
    twilio.failNext(400, 21211, "The 'To' number +15551234567 is not a valid phone number.");
    const sender = twilioSmsSender(optionsFor(twilio.baseUrl));
    const error = await refusalOf(sender.send({ to: '+15551234567', body: 'Hi' }));
    expect(error).toMatchObject({ retryable: false, providerCode: '21211' });
    expect(error.message).toContain("The 'To' number +*******4567 is not a valid phone number.");
    expect(error.message).not.toContain('5551234567');
  });

  it.each([
    [500, 20500, 'Internal Server Error'],
    [503, 20503, 'Service Unavailable'],
    [429, 20429, 'Too Many Requests'],
  ])('may be retried after a %i', async (status, code, message) => {
    twilio.failNext(status, code, message);
    const sender = twilioSmsSender(optionsFor(twilio.baseUrl));
    const error = await refusalOf(sender.send({ to: '+31612345678', body: 'Hi' }));
    expect(error).toMatchObject({ retryable: true, providerCode: String(code) });
    // The retry goes through.
    await expect(sender.send({ to: '+31612345678', body: 'Hi' })).resolves.toHaveProperty('id');
  });

  it('may be retried when Twilio does not answer before the deadline', async () => {
    twilio.hang();
    // The fake never answers: whatever the deadline, it passes. A short one keeps the test short.
    const sender = twilioSmsSender(optionsFor(twilio.baseUrl, { timeoutMs: 50 }));
    const error = await refusalOf(sender.send({ to: '+31612345678', body: 'Hi' }));
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toContain('no answer within 50 ms');
  });

  it('may be retried when nothing listens at the base URL', async () => {
    const port = await freePort();
    const sender = twilioSmsSender(optionsFor(`http://127.0.0.1:${port}`));
    const error = await refusalOf(sender.send({ to: '+31612345678', body: 'Hi' }));
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });
});

async function refusalOf(sending: Promise<unknown>): Promise<SmsError> {
  const error: unknown = await sending.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SmsError)) throw new Error(`expected an SmsError, got ${String(error)}`);
  return error;
}
