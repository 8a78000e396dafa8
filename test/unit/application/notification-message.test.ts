// The email and SMS of a notification: what users typed (names, titles, the organization's
// name) is text in the HTML, never markup; both parts carry the task and unsubscribe links.
import { describe, expect, it } from 'vitest';
import {
  notificationEmail,
  notificationSms,
  type NotificationMessageInput,
} from '../../../src/application/notifications/notification-message.js';

const input: NotificationMessageInput = {
  notification: { kind: 'mentioned', count: 2, subject: { type: 'comment', id: 'c', key: null } },
  recipientName: 'Bob <b>',
  organizationName: 'Acme & "Sons"',
  actorName: '<script>alert(1)</script>',
  task: { key: 'RE-7', title: 'Fix <img src=x onerror=alert(1)>' },
  taskLink: 'https://app.example.com/organizations/o/tasks/t?a=1&b=2',
};
const unsubscribe = 'https://api.example.com/api/v1/notifications/unsubscribe?token=a.b';

describe('notificationEmail', () => {
  const mail = notificationEmail(input, unsubscribe);

  it('says what happened in the subject and the text, values as typed', () => {
    expect(mail.subject).toBe(
      '[Acme & "Sons"] You were mentioned in a comment on RE-7 (2 changes) (by <script>alert(1)</script>)',
    );
    expect(mail.text).toContain('RE-7: Fix <img src=x onerror=alert(1)>');
    expect(mail.text).toContain(`Open it: ${input.taskLink}`);
    expect(mail.text).toContain(`Stop emails like this one: ${unsubscribe}`);
  });

  it('escapes every user-supplied value in the HTML', () => {
    expect(mail.html).not.toMatch(/<script|<img|<b>/);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('Fix &lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('Acme &amp; &quot;Sons&quot;');
    expect(mail.html).toContain(
      'href="https://app.example.com/organizations/o/tasks/t?a=1&amp;b=2"',
    );
    expect(mail.html).toContain(`href="${unsubscribe}"`);
  });

  it('leaves the task out when it is gone', () => {
    const bare = notificationEmail({ ...input, task: null, taskLink: null }, unsubscribe);
    expect(bare.text).not.toContain('Open it');
    expect(bare.html).not.toContain('RE-7:');
  });
});

describe('notificationSms', () => {
  it('is short, with the task link whole at its end', () => {
    const long = notificationSms({ ...input, task: { key: 'RE-7', title: 'x'.repeat(1000) } });
    expect(long.endsWith(` ${input.taskLink}`)).toBe(true);
    expect(long.length).toBeLessThanOrEqual(300 + 1 + input.taskLink!.length);
    expect(notificationSms(input)).toContain('You were mentioned in a comment on RE-7');
  });
});
