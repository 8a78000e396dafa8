// Notification email and SMS end to end: writes through the HTTP API, the app's own consumer
// recording notifications and enqueueing their jobs, its own job runner sending them — mail to a
// real SMTP server (smtp-server, test/support/smtp.ts), SMS to a local Twilio fake. A run of
// changes is one mail once its coalescing window has passed (by the app's clock, moved by the
// test: nothing sleeps), with the List-Unsubscribe headers of RFC 8058; the one-click POST of that
// link turns the kind's email off, and the next change sends none; a tampered link is a 400, a
// non-member's a 404; SMS goes to a verified number only; quiet hours hold the mail until they end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../../src/adapters/mail/smtp-mailer.js';
import { hmacUnsubscribeTokens } from '../../../src/adapters/security/hmac-unsubscribe-tokens.js';
import type { MailMessage, Mailer } from '../../../src/application/identity/ports.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { eventually, waitFor } from '../../support/async.js';
import { httpBuilders, type ProjectFixture } from '../../support/builders/http.js';
import { client, type Client } from '../../support/client.js';
import { fakeClock } from '../../support/clock.js';
import { fakeTwilioEnv, startFakeTwilio, type FakeTwilio } from '../../support/fake-twilio.js';
import { startSmtpSink, type ReceivedMessage, type SmtpSink } from '../../support/smtp.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

interface TaskBody {
  readonly id: string;
  readonly key: string;
}

const SECRET = 'notification-delivery-test-secret-0123456789';
const COALESCE_MS = 60_000;
const clock = fakeClock();
/** Every message the app sent, as it handed them over (signIn reads its tokens here). */
const sent: MailMessage[] = [];
let sink: SmtpSink;
let twilio: FakeTwilio;
let t: TestApp;
let app: TestApp;
let api: Client;
let owner: SignedInUser;
let bob: SignedInUser;
let org: TestOrganization;
let project: ProjectFixture;

beforeAll(async () => {
  sink = await startSmtpSink();
  twilio = await startFakeTwilio();
  // Every mail goes through real SMTP to the sink, and is kept as sent for the sign-in helpers.
  const smtp = smtpMailer({
    url: `smtp://127.0.0.1:${sink.port}`,
    from: 'TeamFlow <no-reply@teamflow.test>',
  });
  const mailer: Mailer = {
    async send(message) {
      await smtp.send(message);
      sent.push(message);
    },
    verify: () => smtp.verify(),
    close: () => smtp.close(),
  };
  t = await startTestApp(
    {
      ...fakeTwilioEnv(twilio),
      ENABLE_SMS_NOTIFICATIONS: 'true',
      UNSUBSCRIBE_SECRET: SECRET,
      NOTIFICATION_COALESCE_SECONDS: String(COALESCE_MS / 1000),
      MAIL_FROM: 'TeamFlow <no-reply@teamflow.test>',
    },
    { mailer, clock },
  );
  app = { ...t, mail: sent };
  api = client(t.baseUrl);
  owner = await signIn(app, api);
  org = await createOrganization(api, owner);
  bob = await memberWithRole(app, api, org.id, 'member');
  project = await kit.aProject();
});
afterAll(async () => {
  await t?.close();
  await twilio?.close();
  await sink?.close();
});

const kit = httpBuilders<TaskBody>(() => ({ api, owner, org }));
const as = (user: SignedInUser) => ({ token: user.accessToken });
const handleOf = (user: SignedInUser) => user.email.slice(0, user.email.indexOf('@'));
/** The notification mails (those with a List-Unsubscribe header) the sink received for `user`. */
const mailsTo = (user: SignedInUser) =>
  sink.messages.filter((m) => m.to === user.email && /^List-Unsubscribe:/im.test(m.raw));

async function comment(task: TaskBody, body: string, by = owner) {
  const path = `/api/v1/organizations/${org.id}/tasks/${task.id}/comments`;
  const reply = await api.post(path, { body }, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

/** Waits until the consumer has handled every event so far (and enqueued their jobs). */
async function consumed(): Promise<void> {
  await eventually(
    async () => (await t.app.events.outbox.backlog('notifications')).depth === 0,
    30_000,
  );
}

/** Moves the app's clock, then lets its job runner run whatever has come due. */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await t.app.jobs.runner!.settled();
}

/** A header of a received message, its folded lines joined. */
function headerOf(message: ReceivedMessage, name: string): string | undefined {
  const head = message.raw.slice(0, message.raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: *(.*)$`, 'im').exec(head)?.[1]?.trim();
}

/** The path and query of the message's List-Unsubscribe URL (its host is PUBLIC_URL's). */
function unsubscribePath(message: ReceivedMessage): string {
  const url = /^<([^>]+)>$/.exec(headerOf(message, 'List-Unsubscribe') ?? '')?.[1];
  if (url === undefined) throw new Error('no List-Unsubscribe URL');
  const { pathname, search } = new URL(url);
  return `${pathname}${search}`;
}

const oneClick = (path: string) =>
  api.post(path, undefined, {
    raw: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

const preferences = async (user: SignedInUser) =>
  (await api.get(`/api/v1/organizations/${org.id}/notification-preferences`, as(user))).body.data;

let unsubscribeLink: string;

describe('notification email', () => {
  it('sends one mail for a run of changes once its window has passed, with List-Unsubscribe', async () => {
    const task = await kit.aTask(project);
    for (const n of [1, 2, 3]) await comment(task, `@${handleOf(bob)} round ${n}`);
    await consumed();
    await advance(COALESCE_MS - 1000);
    expect(mailsTo(bob)).toEqual([]);

    await advance(1000);
    await waitFor(() => mailsTo(bob).length === 1, 30_000);
    const [mail] = mailsTo(bob);
    expect(mail!.subject).toContain(`You were mentioned in a comment on ${task.key} (3 changes)`);
    expect(mail!.messageId).toMatch(/^<[0-9a-f-]{36}@teamflow\.test>$/);
    expect(headerOf(mail!, 'List-Unsubscribe')).toMatch(
      /^<http:\/\/[^>]+\/api\/v1\/notifications\/unsubscribe\?token=[A-Za-z0-9_%.-]+>$/,
    );
    expect(headerOf(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const handed = sent.find((m) => m.to === bob.email && m.subject === mail!.subject);
    expect(handed!.text).toContain(`/api/v1/organizations/${org.id}/tasks/${task.id}`);
    unsubscribeLink = unsubscribePath(mail!);

    // The folded changes were the one mail: later rounds send nothing more.
    await advance(COALESCE_MS * 3);
    expect(mailsTo(bob)).toHaveLength(1);
  });

  it('GET shows a page whose form makes the one-click POST; the JSON says what it turns off', async () => {
    const page = await api.get(unsubscribeLink, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.body).toContain('<form method="post" action="/api/v1/notifications/unsubscribe?');
    expect(page.body).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(page.body).not.toContain('<script');

    const json = await api.get(unsubscribeLink);
    expect(json.status).toBe(200);
    expect(json.body.data).toMatchObject({
      user_id: bob.id,
      organization_id: org.id,
      kind: 'mentioned',
      channel: 'email',
      channels: ['in_app', 'email'],
    });
  });

  it('the one-click POST turns email off for that kind; the next change sends no mail', async () => {
    const reply = await oneClick(unsubscribeLink);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ kind: 'mentioned', channels: ['in_app'] });
    expect((await preferences(bob)).channels).toEqual({ mentioned: ['in_app'] });
    // Again: nothing changes.
    expect((await oneClick(unsubscribeLink)).status).toBe(200);

    const task = await kit.aTask(project);
    await comment(task, `@${handleOf(bob)} are you there?`);
    await consumed();
    await advance(COALESCE_MS * 2);
    expect(mailsTo(bob)).toHaveLength(1);
    // Still told in the app.
    const inbox = await api.get('/api/v1/notifications?limit=50', as(bob));
    expect(inbox.body.data.some((n: { task_id: string }) => n.task_id === task.id)).toBe(true);
  });

  it('answers 400 to a tampered token or a body not a form, 404 to a valid token of a non-member', async () => {
    const token = new URL(unsubscribeLink, 'http://x').searchParams.get('token')!;
    const [payload, signature] = token.split('.');
    const flipped = `${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    for (const bad of [`${payload}.${flipped}`, `${payload}x.${signature}`, 'not-a-token']) {
      const reply = await oneClick(`/api/v1/notifications/unsubscribe?token=${bad}`);
      expect(reply.status, bad).toBe(400);
      expect(reply.body.error.code).toBe('BAD_REQUEST');
      expect((await api.get(`/api/v1/notifications/unsubscribe?token=${bad}`)).status).toBe(400);
    }

    // RFC 8058's body, and only as a form.
    const asJson = await api.post(unsubscribeLink, { 'List-Unsubscribe': 'One-Click' });
    expect(asJson.status).toBe(400);
    const withoutBody = await api.post(unsubscribeLink, undefined, {
      raw: 'unsubscribe=yes',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(withoutBody.status).toBe(422);

    const stranger = await signIn(app, api);
    const theirs = hmacUnsubscribeTokens(SECRET).sign({
      userId: stranger.id,
      organizationId: org.id,
      kind: 'assigned',
      channel: 'email',
    });
    const reply = await oneClick(`/api/v1/notifications/unsubscribe?token=${theirs}`);
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('NOT_FOUND');
  });
});

describe('notification SMS', () => {
  /** A member whose mentions go to SMS only, with a number (verified or not). */
  async function smsMember(number: string, verified: boolean): Promise<SignedInUser> {
    const user = await memberWithRole(app, api, org.id, 'member');
    expect((await api.patch('/api/v1/users/me', { phone_number: number }, as(user))).status).toBe(
      200,
    );
    await waitFor(() => twilio.messages.some((m) => m.to === number));
    if (verified) {
      const code = /\b([0-9]{6})\b/.exec(twilio.messages.find((m) => m.to === number)!.body)![1];
      const reply = await api.post('/api/v1/users/me/phone/verify', { code }, as(user));
      expect(reply.body.data).toMatchObject({ phone_verified: true });
    }
    const put = await api.put(
      `/api/v1/organizations/${org.id}/notification-preferences`,
      { channels: { mentioned: ['in_app', 'sms'] } },
      as(user),
    );
    expect(put.status).toBe(200);
    return user;
  }

  it('texts a verified number, never an unverified one', async () => {
    const [verified, unverified] = ['+31612000001', '+31612000002'];
    const carol = await smsMember(verified, true);
    const dave = await smsMember(unverified, false);
    const codes = twilio.messages.length;

    const task = await kit.aTask(project);
    await comment(task, `@${handleOf(carol)} and @${handleOf(dave)}, please look`);
    await consumed();
    await advance(COALESCE_MS);
    await waitFor(() => twilio.messages.length > codes, 30_000);
    await advance(COALESCE_MS);

    const texts = twilio.messages.slice(codes);
    expect(texts.map((m) => m.to)).toEqual([verified]);
    expect(texts[0]!.body).toContain(`You were mentioned in a comment on ${task.key}`);
    expect(texts[0]!.body).toContain(`/organizations/${org.id}/tasks/${task.id}`);
    expect([...mailsTo(carol), ...mailsTo(dave)]).toEqual([]);
  });
});

describe('quiet hours', () => {
  const hhmm = (at: Date) => at.toISOString().slice(11, 16);

  it('hold the mail until they end (by the app’s clock)', async () => {
    const erin = await memberWithRole(app, api, org.id, 'member');
    const now = clock.now();
    const end = new Date(now.getTime() + 2 * 3_600_000);
    const put = await api.put(
      `/api/v1/organizations/${org.id}/notification-preferences`,
      {
        channels: {},
        quiet_hours: {
          start: hhmm(new Date(now.getTime() - 3_600_000)),
          end: hhmm(end),
          time_zone: 'UTC',
        },
      },
      as(erin),
    );
    expect(put.status).toBe(200);

    const task = await kit.aTask(project);
    await comment(task, `@${handleOf(erin)} when you are back`);
    await consumed();
    await advance(COALESCE_MS * 2);
    expect(mailsTo(erin)).toEqual([]);
    await advance(end.getTime() - clock.now().getTime() - 60_000 * 2);
    expect(mailsTo(erin)).toEqual([]);

    await advance(60_000 * 2);
    await waitFor(() => mailsTo(erin).length === 1, 30_000);
  });
});
