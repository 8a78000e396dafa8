// /notifications/unsubscribe?token=…: the link in every notification email (its List-Unsubscribe
// header, RFC 8058). No login: the signed token is the proof. POST with the form body
// `List-Unsubscribe=One-Click` (what mail clients send) takes that channel off that kind in the
// member's preferences; GET answers a small page whose button makes that POST (a plain form: no
// script, under the email-link pages' CSP). A person's browser prefers HTML and gets a page; any
// other client the JSON envelope. A bad or tampered token is a 400, a non-member's a 404.
import { z } from 'zod';
import 'zod-openapi';
import type { Deps } from '../../../application/deps.js';
import type { OutsideChannel } from '../../../application/notifications/ports.js';
import {
  readUnsubscribe,
  unsubscribe,
  type UnsubscribeOutcome,
} from '../../../application/notifications/unsubscribe.js';
import { html, type SafeHtml } from '../../../application/shared/html.js';
import { CHANNELS } from '../../../domain/notifications/preferences.js';
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
} from '../../../domain/notifications/recipients.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { API_PREFIX } from '../locations.js';
import { PAGES_CSP } from '../pages/routes.js';
import { route, type RouteSpec } from '../route.js';
import { envelopeOf, uuid } from '../schemas.js';

const PATH = '/notifications/unsubscribe';

const unsubscribeQuery = z.object({
  token: z.string().min(1).max(512).meta({ description: 'The signed token of the link' }),
});

const oneClickBody = z.object({
  'List-Unsubscribe': z.literal('One-Click').meta({ description: 'RFC 8058’s one-click POST' }),
});

const unsubscriptionSchema = z
  .object({
    user_id: uuid,
    organization_id: uuid,
    organization_name: z.string(),
    kind: z.enum(NOTIFICATION_KINDS),
    channel: z.enum(['email', 'sms']).meta({ description: 'The channel the link turns off' }),
    channels: z.array(z.enum(CHANNELS)).meta({
      description: 'The kind’s channels for the member now (after a POST: without `channel`)',
    }),
  })
  .meta({ id: 'Unsubscription' });

const answers = (description: string) => ({
  description,
  content: {
    'application/json': envelopeOf(unsubscriptionSchema),
    'text/html': z.string().meta({ description: 'The page, for a browser (Accept: text/html)' }),
  },
  headers: ['Cache-Control' as const],
});

const errors = (also = '') => ({
  400: { description: `The token is malformed or tampered with${also}` },
  404: { description: 'The token’s user is not a member of its organization' },
});

function present(outcome: UnsubscribeOutcome) {
  const { unsubscription, organizationName, channels } = outcome;
  return {
    user_id: unsubscription.userId,
    organization_id: unsubscription.organizationId,
    organization_name: organizationName,
    kind: unsubscription.kind,
    channel: unsubscription.channel,
    channels,
  };
}

/** A browser (which prefers HTML) gets a page; mail clients and API clients the envelope. */
function answer(ctx: AppContext, outcome: UnsubscribeOutcome, page: () => string): void {
  // The URL holds the token: never cached, never sent onwards.
  ctx.set('Cache-Control', 'no-store');
  if (ctx.accepts('application/json', 'text/html') !== 'text/html') {
    respond(ctx, present(outcome));
    return;
  }
  ctx.set('Content-Security-Policy', PAGES_CSP);
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page();
}

export function unsubscribeRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: PATH,
      operationId: 'describeUnsubscribe',
      summary: 'What an unsubscribe link turns off: a page with its button, or the JSON',
      tags: ['Notifications'],
      scope: 'public',
      query: unsubscribeQuery,
      responses: { 200: answers('What the token would turn off, changing nothing'), ...errors() },
      handler: async (ctx, { query }) => {
        const outcome = await readUnsubscribe(deps, query.token);
        answer(ctx, outcome, () => confirmPage(outcome, query.token));
      },
    }),
    route({
      method: 'post',
      path: PATH,
      operationId: 'unsubscribe',
      summary: 'One-click unsubscribe (RFC 8058): turn the link’s channel off for its kind',
      description:
        'No login: the signed token names the member, the organization, the kind and the channel. ' +
        'The channel is taken off that kind in the member’s own preferences (their other choices ' +
        'kept); using a link again changes nothing.',
      tags: ['Notifications'],
      scope: 'public',
      query: unsubscribeQuery,
      body: oneClickBody,
      bodyType: 'form',
      responses: {
        200: answers('Unsubscribed: the kind’s channels now'),
        ...errors(', or the body is not a form (or does not decode)'),
        422: { description: 'The body is not `List-Unsubscribe=One-Click`' },
      },
      handler: async (ctx, { query }) => {
        const outcome = await unsubscribe(deps, query.token);
        answer(ctx, outcome, () => donePage(outcome));
      },
    }),
  ];
}

const WHEN: Readonly<Record<NotificationKind, string>> = {
  assigned: 'when you are assigned a task',
  unassigned: 'when you are unassigned from a task',
  mentioned: 'when you are mentioned in a comment',
  request_updated: 'when a task you reported changes status or gets a comment',
  watched_task: 'when a task you watch changes',
  invited: 'when you are invited to an organization',
};

const NAMES: Readonly<Record<OutsideChannel, string>> = { email: 'Emails', sms: 'Text messages' };

function what({ unsubscription, organizationName }: UnsubscribeOutcome): SafeHtml {
  const { channel, kind } = unsubscription;
  return html`${NAMES[channel]} ${WHEN[kind]}, in ${organizationName}`;
}

function page(title: string, content: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · TeamFlow</title>
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          ${content}
        </main>
      </body>
    </html> `.markup;
}

function confirmPage(outcome: UnsubscribeOutcome, token: string): string {
  if (!outcome.channels.includes(outcome.unsubscription.channel)) {
    return page('Already unsubscribed', html`<p>${what(outcome)}: you no longer get these.</p>`);
  }
  const action = `${API_PREFIX}${PATH}?token=${encodeURIComponent(token)}`;
  return page(
    'Unsubscribe?',
    html`<p>${what(outcome)}.</p>
      <form method="post" action="${action}">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit">Unsubscribe</button>
      </form>`,
  );
}

function donePage(outcome: UnsubscribeOutcome): string {
  return page(
    'Unsubscribed',
    html`<p>${what(outcome)}: you will get no more of these.</p>
      <p>Your notification preferences in the organization turn them on again.</p>`,
  );
}
