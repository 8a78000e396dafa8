// The invitation's email, as plain text and HTML (the organization's and the role's names are
// people's own text: escaped in the HTML).
import type { RenderedMail } from '../identity/emails.js';
import { html, mailDocument } from '../shared/html.js';

/** The invitation to an organization, with the role offered. */
export function invitationEmail(
  publicUrl: string,
  organizationName: string,
  roleName: string,
  token: string,
): RenderedMail {
  const link = `${publicUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
  const subject = `You are invited to join ${organizationName} on TeamFlow`;
  return {
    subject,
    text: `Hello,\n\nYou have been invited to join ${organizationName} on TeamFlow as ${roleName}. Sign in with this email address and open this link to accept:\n${link}\n\nOr send this token to POST /api/v1/invitations/accept: ${token}\n\nThe invitation expires in 7 days.\n`,
    html: mailDocument(
      subject,
      html`<p>Hello,</p>
        <p>
          You have been invited to join <strong>${organizationName}</strong> on TeamFlow as
          ${roleName}. Sign in with this email address and open this link to accept:<br /><a
            href="${link}"
            >${link}</a
          >
        </p>
        <p>Or send this token to POST /api/v1/invitations/accept: <code>${token}</code></p>
        <p>The invitation expires in 7 days.</p>`,
    ),
  };
}
