// The public status pages, for people without an API client: /status (a form) and /status/{code}
// (the task's status, rendered on the server: no script at all). Same CSP as the email-link pages
// (no inline script or style), values escaped by the `html` tag, the same rate limit and the same
// answer for every code that shows nothing as the API's GET /public/status/{code}.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { html, type SafeHtml } from '../../../application/shared/html.js';
import { lookUpPublicStatus } from '../../../application/tasks/public-status.js';
import type { PublicTaskStatus } from '../../../application/tasks/ports.js';
import { NotFoundError, RateLimitedError } from '../../../domain/shared/errors.js';
import type { AppContext } from '../context.js';
import { retryAfter } from '../errors.js';
import { route, type RouteSpec } from '../route.js';
import { pageAssets, pageHeaders } from './routes.js';

const CATEGORY_NAMES = { todo: 'To do', in_progress: 'In progress', done: 'Done' } as const;

function statusLayout(title: string, content: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>${title} · TeamFlow</title>
        <link rel="icon" href="${pageAssets.icon}" />
        <link rel="stylesheet" href="${pageAssets.style}" />
      </head>
      <body>
        <main>${content}</main>
      </body>
    </html>`.markup;
}

function lookupForm(code = ''): SafeHtml {
  return html`<form method="get" action="/status" role="search">
    <label for="code">Tracking code</label>
    <input
      id="code"
      name="code"
      type="text"
      value="${code}"
      autocomplete="off"
      spellcheck="false"
      autocapitalize="characters"
      required
      aria-describedby="code-hint"
    />
    <p id="code-hint" class="hint">The code you were given, such as RE-7K2M9QX4PA.</p>
    <button type="submit">Check the status</button>
  </form>`;
}

export function formPage(): string {
  return statusLayout(
    'Check a status',
    html`<h1>Check the status of a request</h1>
      ${lookupForm()}`,
  );
}

export function statusPage(status: PublicTaskStatus): string {
  const updated = status.updatedAt.toISOString();
  return statusLayout(
    `${status.trackingCode}: ${status.status}`,
    html`<h1>${status.title}</h1>
      <p id="status" class="status success" role="status">
        Status: <strong>${status.status}</strong> (${CATEGORY_NAMES[status.statusCategory]})
      </p>
      <dl>
        <dt>Tracking code</dt>
        <dd><code>${status.trackingCode}</code></dd>
        <dt>Last updated</dt>
        <dd><time datetime="${updated}">${updated.replace('T', ' ').slice(0, 16)} UTC</time></dd>
      </dl>
      <p><a href="/status">Check another code</a></p>`,
  );
}

export function problemPage(title: string, message: string, code = ''): string {
  return statusLayout(
    title,
    html`<h1>${title}</h1>
      <p id="status" class="status error" role="alert">${message}</p>
      ${lookupForm(code)}`,
  );
}

function sendPage(ctx: AppContext, status: number, body: string): void {
  pageHeaders(ctx);
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

export function statusPagesRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/status',
      operationId: 'statusFormPage',
      summary: 'The public status form (HTML); `?code=` redirects to /status/{code}',
      tags: ['Pages'],
      scope: 'public',
      query: z.looseObject({ code: z.string().max(200).optional() }),
      responses: { 200: { description: 'HTML' }, 303: { description: 'To /status/{code}' } },
      handler: async (ctx, { query }) => {
        const code = query.code?.trim();
        if (code) {
          ctx.status = 303;
          ctx.redirect(`/status/${encodeURIComponent(code)}`);
          return;
        }
        sendPage(ctx, 200, formPage());
      },
    }),
    route({
      method: 'get',
      path: '/status/:code',
      operationId: 'statusPage',
      summary: 'The status of a task by its tracking code (HTML, rendered on the server)',
      tags: ['Pages'],
      scope: 'public',
      params: z.object({ code: z.string().max(200) }),
      responses: {
        200: { description: 'HTML' },
        404: { description: 'HTML: no task shows under this code' },
        429: { description: 'HTML: too many lookups from this address' },
      },
      handler: async (ctx, { params }) => {
        try {
          const status = await lookUpPublicStatus(deps, { code: params.code, ip: ctx.ip });
          sendPage(ctx, 200, statusPage(status));
        } catch (error) {
          if (error instanceof RateLimitedError) {
            ctx.set('Retry-After', retryAfter(error.retryAfterSeconds));
            const message = 'Too many lookups from your address. Please try again in a minute.';
            sendPage(ctx, 429, problemPage('Please wait a moment', message, params.code));
            return;
          }
          if (!(error instanceof NotFoundError)) throw error;
          const message =
            'No request shows under this code. Check it and try again; a code can also have been replaced.';
          sendPage(ctx, 404, problemPage('Code not found', message, params.code));
        }
      },
    }),
  ];
}
