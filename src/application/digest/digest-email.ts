// The digest mail: for one recipient, the organization's day per project — tasks created,
// completed, overdue and due tomorrow — with a link to each project, as plain text and as HTML
// (every name escaped: project and organization names are users' own text).
import { html, mailDocument, type SafeHtml } from '../shared/html.js';
import type { RenderedMail } from '../identity/emails.js';
import type { DigestOrganization, DigestRecipient, ProjectDigest } from './ports.js';

export interface DigestMailInput {
  readonly organization: Pick<DigestOrganization, 'name' | 'slug'>;
  /** The local date summarised (YYYY-MM-DD) and the zone it is a date of. */
  readonly date: string;
  readonly timezone: string;
  readonly projects: readonly ProjectDigest[];
  readonly recipient: Pick<DigestRecipient, 'name'>;
  readonly linkBase: string;
}

export function digestEmail(input: DigestMailInput): RenderedMail {
  const { organization, date, timezone, projects, recipient } = input;
  const subject = `${organization.name}: your TeamFlow digest for ${date}`;
  const link = (project: ProjectDigest) =>
    `${input.linkBase}/organizations/${encodeURIComponent(organization.slug)}/projects/${project.projectId}`;
  const counts = (p: ProjectDigest) =>
    `${p.created} created, ${p.completed} completed, ${p.overdue} overdue, ${p.dueTomorrow} due tomorrow`;
  const intro = `Here is ${organization.name} on ${date} (${timezone}).`;
  const quiet = 'Nothing was created or completed, and nothing is overdue or due tomorrow.';
  const text = [
    `Hello ${recipient.name},`,
    intro,
    projects.length === 0
      ? quiet
      : projects.map((p) => `${p.name} (${p.key}): ${counts(p)}\n${link(p)}`).join('\n\n'),
    'You get this digest as a member of the organization; its owners and admins choose who gets it.',
  ].join('\n\n');
  const rows: SafeHtml[] = projects.map(
    (p) =>
      html`<tr>
        <td><a href="${link(p)}">${p.name}</a> (${p.key})</td>
        <td>${String(p.created)}</td>
        <td>${String(p.completed)}</td>
        <td>${String(p.overdue)}</td>
        <td>${String(p.dueTomorrow)}</td>
      </tr>`,
  );
  const table = html`<table cellpadding="4">
    <tr>
      <th align="left">Project</th>
      <th>Created</th>
      <th>Completed</th>
      <th>Overdue</th>
      <th>Due tomorrow</th>
    </tr>
    ${joined(rows)}
  </table>`;
  return {
    subject,
    text: `${text}\n`,
    html: mailDocument(
      subject,
      html`<p>Hello ${recipient.name},</p>
        <p>${intro}</p>
        ${projects.length === 0 ? html`<p>${quiet}</p>` : table}
        <p>
          You get this digest as a member of the organization; its owners and admins choose who gets
          it.
        </p>`,
    ),
  };
}

function joined(parts: readonly SafeHtml[]): SafeHtml {
  return parts.reduce((all, part) => html`${all}${part}`, html``);
}
