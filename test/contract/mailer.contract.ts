// The Mailer contract: every adapter delivers what it is given, intact and in order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/application/identity/ports.js';

export interface ReceivedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The extra header fields the message was sent with (lower-case names); absent: none. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface MailerHarness {
  readonly mailer: Mailer;
  /** What has arrived so far, oldest first. */
  readonly received: () => Promise<ReceivedMail[]>;
  readonly cleanup: () => Promise<void>;
}

export function mailerContract(name: string, make: () => Promise<MailerHarness>): void {
  describe(`Mailer contract: ${name}`, () => {
    let harness: MailerHarness;

    beforeEach(async () => {
      harness = await make();
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it('delivers a message with its recipient, subject and text', async () => {
      const link = 'http://localhost:3000/verify-email?token=abc_-123';
      const text = `Hello Ada,\n\nConfirm your address: ${link}\n\nThe TeamFlow team`;

      await harness.mailer.send({ to: 'ada@example.com', subject: 'Verify your email', text });

      const received = await harness.received();
      expect(received).toHaveLength(1);
      expect(received[0]).toEqual({ to: 'ada@example.com', subject: 'Verify your email', text });
      expect(received[0]?.text).toContain(link);
    });

    it('keeps a long link on one piece and symbols such as = and & intact', async () => {
      const link = `http://localhost:3000/reset-password?token=${'x'.repeat(90)}&a=b=c`;

      await harness.mailer.send({
        to: 'bob@example.com',
        subject: 'Reset',
        text: `Reset: ${link}`,
        html: `<a href="${link}">Reset</a>`,
      });

      const [mail] = await harness.received();
      expect(mail?.text).toBe(`Reset: ${link}`);
    });

    it('delivers several messages in the order they were sent', async () => {
      for (const n of [1, 2, 3]) {
        await harness.mailer.send({
          to: `user${n}@example.com`,
          subject: `Message ${n}`,
          text: `Body ${n}`,
        });
      }

      const received = await harness.received();
      expect(received.map((m) => [m.to, m.subject, m.text])).toEqual([
        ['user1@example.com', 'Message 1', 'Body 1'],
        ['user2@example.com', 'Message 2', 'Body 2'],
        ['user3@example.com', 'Message 3', 'Body 3'],
      ]);
    });

    it('passes extra header fields through (List-Unsubscribe, RFC 8058)', async () => {
      const unsubscribe = '<https://api.example.com/api/v1/notifications/unsubscribe?token=a.b>';
      await harness.mailer.send({
        to: 'ada@example.com',
        subject: 'Mentioned',
        text: 'Hello',
        headers: {
          'List-Unsubscribe': unsubscribe,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
      const [mail] = await harness.received();
      expect(mail?.headers).toMatchObject({
        'list-unsubscribe': unsubscribe,
        'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
      });
    });

    it('answers verify() when it can send', async () => {
      await expect(harness.mailer.verify()).resolves.toBeUndefined();
    });
  });
}
