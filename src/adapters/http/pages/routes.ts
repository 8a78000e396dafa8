// The pages the links in emails open (/verify-email, /reset-password, /accept-invitation, and
// /forgot-password, which asks for a reset link), for when no front end is configured (APP_URL
// unset). Each page is static HTML with one script and
// one stylesheet served from here under content-hashed paths, and a strict CSP: no inline script
// or style, requests only to this origin. The server never reads the token: the script does.
// Not API operations: app.ts mounts them outside the OpenAPI document.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { route, type RouteSpec } from '../route.js';
import { pagesScript } from './script.js';
import {
  acceptInvitationPage,
  forgotPasswordPage,
  pagesIcon,
  pagesStyle,
  resetPasswordPage,
  verifyEmailPage,
  type AssetUrls,
} from './templates.js';

export const PAGES_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET_PREFIX = '/pages/assets/';

interface Asset {
  readonly type: string;
  readonly body: string;
}

/** `pages.<first 16 hex of sha256>.js`: a new build is a new URL, so assets cache for good. */
function hashedName(base: string, extension: string, body: string): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return `${base}.${hash}.${extension}`;
}

const assets = new Map<string, Asset>();
function addAsset(base: string, extension: string, type: string, body: string): string {
  const name = hashedName(base, extension, body);
  assets.set(name, { type, body });
  return `${ASSET_PREFIX}${name}`;
}

/** The pages' script, stylesheet and icon (the status pages use the stylesheet and icon). */
export const pageAssets: AssetUrls = {
  script: addAsset('pages', 'js', 'application/javascript; charset=utf-8', pagesScript),
  style: addAsset('pages', 'css', 'text/css; charset=utf-8', pagesStyle),
  icon: addAsset('icon', 'svg', 'image/svg+xml', pagesIcon),
};

/** Anything: `?token=` is the script's, and whatever else a mail service adds is ignored. */
const pageQuery = z.looseObject({});

const PAGES = [
  { path: '/verify-email', operationId: 'verifyEmailPage', html: verifyEmailPage(pageAssets) },
  {
    path: '/reset-password',
    operationId: 'resetPasswordPage',
    html: resetPasswordPage(pageAssets),
  },
  {
    path: '/accept-invitation',
    operationId: 'acceptInvitationPage',
    html: acceptInvitationPage(pageAssets),
  },
  {
    path: '/forgot-password',
    operationId: 'forgotPasswordPage',
    html: forgotPasswordPage(pageAssets),
  },
] as const;

/** Replaces the API-wide CSP (set by helmet) with the pages' stricter one. */
export function pageHeaders(ctx: AppContext): void {
  ctx.set('Content-Security-Policy', PAGES_CSP);
  // The URL holds a token until the script replaces it: never send it onwards, never cache it.
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
}

export function pagesRoutes(): RouteSpec[] {
  return [
    ...PAGES.map((page) =>
      route({
        method: 'get',
        path: page.path,
        operationId: page.operationId,
        summary: `The page the ${page.path} email link opens (HTML)`,
        tags: ['Pages'],
        scope: 'public',
        // The link's `?token=` is read by the page's script, never by the server. Loose: mail
        // services add tracking parameters (`utm_*`) to links, and the page must open anyway.
        query: pageQuery,
        responses: { 200: { description: 'HTML' } },
        handler: async (ctx) => {
          pageHeaders(ctx);
          ctx.type = 'text/html; charset=utf-8';
          ctx.body = page.html;
        },
      }),
    ),
    route({
      method: 'get',
      path: `${ASSET_PREFIX}:file`,
      operationId: 'pageAsset',
      summary: 'A script, stylesheet or icon of the email-link pages (content-hashed name)',
      tags: ['Pages'],
      scope: 'public',
      params: z.object({ file: z.string() }),
      responses: { 200: { description: 'A static file' }, 404: { description: 'No such file' } },
      handler: async (ctx, { params }) => {
        const asset = assets.get(params.file);
        if (asset === undefined) return; // falls through to the 404 envelope
        ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
        ctx.type = asset.type;
        ctx.body = asset.body;
      },
    }),
  ];
}
