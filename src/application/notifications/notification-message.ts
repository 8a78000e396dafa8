// The email and the SMS of a notification: what happened (the summary the inbox shows, by whom,
// the task's key and title), a link to the task, and in the email a link that turns this kind of
// email off. Text and HTML; every value in the HTML escaped (names, titles and the organization's
// name are users' own text).
import { summaryOf } from '../../domain/notifications/recipients.js';
import type { RenderedMail } from '../identity/emails.js';
import { html, mailDocument } from '../shared/html.js';
import type { Notification } from './ports.js';

export interface NotificationMessageInput {
  readonly notification: Pick<Notification, 'kind' | 'count' | 'subject'>;
  readonly recipientName: string;
  readonly organizationName: string;
  /** The person or API key behind the change, when known. */
  readonly actorName: string | null;
  /** The task as it is now, when it still exists. */
  readonly task: { readonly key: string; readonly title: string } | null;
  readonly taskLink: string | null;
}

/** An SMS stays within two segments' worth of text, whatever a title's length. */
const SMS_MAX_LENGTH = 300;

function summary(input: NotificationMessageInput): string {
  const { notification, actorName, task } = input;
  const said = summaryOf(
    notification.kind,
    task?.key ?? notification.subject.key,
    notification.count,
  );
  return actorName === null ? said : `${said} (by ${actorName})`;
}

export function notificationEmail(
  input: NotificationMessageInput,
  unsubscribeLink: string,
): RenderedMail {
  const { organizationName, task, taskLink } = input;
  const line = summary(input);
  const subject = `[${organizationName}] ${line}`;
  const footer = `You get this email because of your notification settings in ${organizationName}.`;
  const text = [
    `Hello ${input.recipientName},`,
    `${line}.`,
    ...(task === null ? [] : [`${task.key}: ${task.title}`]),
    ...(taskLink === null ? [] : [`Open it: ${taskLink}`]),
    `${footer}\nStop emails like this one: ${unsubscribeLink}`,
  ].join('\n\n');
  const taskHtml =
    task === null
      ? html``
      : taskLink === null
        ? html`<p>${task.key}: ${task.title}</p>`
        : html`<p><a href="${taskLink}">${task.key}: ${task.title}</a></p>`;
  return {
    subject,
    text: `${text}\n`,
    html: mailDocument(
      subject,
      html`<p>Hello ${input.recipientName},</p>
        <p>${line}.</p>
        ${taskHtml}
        <p style="color: #666">
          ${footer} <a href="${unsubscribeLink}">Stop emails like this one</a>.
        </p>`,
    ),
  };
}

export function notificationSms(input: NotificationMessageInput): string {
  const parts = [`TeamFlow, ${input.organizationName}: ${summary(input)}.`];
  if (input.task !== null) parts.push(input.task.title);
  const body = parts.join(' ');
  const clipped = body.length > SMS_MAX_LENGTH ? `${body.slice(0, SMS_MAX_LENGTH - 1)}…` : body;
  return input.taskLink === null ? clipped : `${clipped} ${input.taskLink}`;
}
