// Email goes out through the worker, never inside a request: the app runs with SMTP_URL pointing
// at a gate in front of a real smtp-server (test/support/smtp.ts). An SMTP server that accepts the
// connection and never answers holds no request: register answers 201 while the worker's
// connection is held, and the mail arrives once the server answers. An SMTP server that refuses
// connections costs the job an attempt: it comes back after its backoff (the app's clock moved by
// the test) and is delivered once. Health and metrics show the queue meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../../src/domain/jobs/retry.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually, waitFor } from '../../support/async.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import { uniqueTag } from '../../support/env.js';
import { sampleValue } from '../../support/metrics.js';
import { startSmtpGate, startSmtpSink, type SmtpGate, type SmtpSink } from '../../support/smtp.js';

const clock = fakeClock();
const order: string[] = [];
let sink: SmtpSink;
let gate: SmtpGate;
let t: TestApp;
let api: Client;

beforeAll(async () => {
  sink = await startSmtpSink((m) => order.push(`delivered ${m.to}`));
  gate = await startSmtpGate(sink.port, () => order.push('connection held'));
  // The log mailer startTestApp captures mail with is left out: the configured SMTP one sends.
  t = await startTestApp(
    { SMTP_URL: `smtp://127.0.0.1:${gate.port}`, MAIL_FROM: 'TeamFlow <no-reply@teamflow.test>' },
    { mailer: undefined, clock },
  );
  api = client(t.baseUrl);
});
afterAll(async () => {
  gate?.pass();
  await t?.close();
  await gate?.close();
  await sink?.close();
});

const newEmail = () => `mail-${uniqueTag()}@example.com`;
const register = (email: string) =>
  api.post('/api/v1/auth/register', { email, password: 'correct-horse-1', name: 'Ada' });
const deliveredTo = (email: string) => sink.messages.filter((m) => m.to === email);
const metrics = async () => (await api.get('/metrics')).body as string;

describe('an SMTP server that accepts the connection and never answers', () => {
  it('holds no request: register answers 201 meanwhile, and the mail arrives once it answers', async () => {
    gate.hold();
    const [first, second] = [newEmail(), newEmail()];
    expect((await register(first)).status).toBe(201);
    // The worker is now stuck on the first mail, its connection held without a word.
    await waitFor(() => gate.held() === 1, 30_000);

    const reply = await register(second);
    order.push(`answered ${second}`);
    expect(reply.status).toBe(201);
    expect(gate.held()).toBe(1);
    expect(sink.messages).toEqual([]);

    order.push('server answers');
    gate.pass();
    await waitFor(() => deliveredTo(second).length === 1, 30_000);
    expect(order).toEqual([
      'connection held',
      `answered ${second}`,
      'server answers',
      `delivered ${first}`,
      `delivered ${second}`,
    ]);
    expect(deliveredTo(first)).toHaveLength(1);
    const [message] = deliveredTo(second);
    expect(message?.subject).toBe('Verify your TeamFlow email address');
    expect(message?.messageId).toMatch(/^<[0-9a-f-]{36}@teamflow\.test>$/);
    expect(message?.raw).toMatch(/Content-Type: text\/html/);
  }, 60_000);
});

describe('an SMTP server that refuses connections', () => {
  it('costs the mail an attempt; after its backoff it is delivered, once', async () => {
    // The previous test's mails are acknowledged (counted done) a moment after the sink has them.
    await t.app.jobs.runner!.settled();
    await gate.refuse();
    const email = newEmail();
    const before = await metrics();
    const retriedBefore = sampleValue(before, 'jobs_processed_total', {
      kind: 'email',
      outcome: 'retried',
    });
    const doneBefore = sampleValue(before, 'jobs_processed_total', {
      kind: 'email',
      outcome: 'done',
    });
    expect((await register(email)).status).toBe(201);
    await eventually(
      async () =>
        sampleValue(await metrics(), 'jobs_processed_total', {
          kind: 'email',
          outcome: 'retried',
        }) ===
        retriedBefore + 1,
      30_000,
    );

    // Waiting for its retry: counted, not due yet, nothing delivered.
    const health = await api.get('/health/detailed');
    expect(health.body.data.checks.jobs).toMatchObject({
      status: 'ok',
      worker: 'in process',
      waiting: 1,
      oldest_due_seconds: 0,
      dead: 0,
      consecutive_failures: 0,
    });
    expect(sampleValue(await metrics(), 'jobs_queue_depth', { kind: 'email' })).toBe(1);
    await t.app.jobs.runner!.settled();
    expect(deliveredTo(email)).toEqual([]);

    await gate.listen();
    // The longest the first retry may wait (jitter takes its second half at random).
    clock.advance(DEFAULT_RETRY_POLICY.baseDelayMs);
    await t.app.jobs.runner!.settled();
    expect(deliveredTo(email)).toHaveLength(1);

    // Done means gone: later rounds send nothing more.
    clock.advance(DEFAULT_RETRY_POLICY.maxDelayMs * 2);
    await t.app.jobs.runner!.settled();
    expect(deliveredTo(email)).toHaveLength(1);
    const text = await metrics();
    expect(sampleValue(text, 'jobs_queue_depth', { kind: 'email' })).toBe(0);
    expect(sampleValue(text, 'jobs_processed_total', { kind: 'email', outcome: 'done' })).toBe(
      doneBefore + 1,
    );
    expect(sampleValue(text, 'jobs_latency_seconds_count', { kind: 'email' })).toBe(doneBefore + 1);
  }, 60_000);
});
