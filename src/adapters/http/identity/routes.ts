// /auth and /users routes: sign-up to sign-out.
import { login } from '../../../application/identity/login.js';
import {
  listSessions,
  logout,
  logoutAll,
  revokeSession,
} from '../../../application/identity/logout.js';
import { forgotPassword, resetPassword } from '../../../application/identity/password-reset.js';
import { refresh } from '../../../application/identity/refresh.js';
import { register } from '../../../application/identity/register.js';
import { resendVerification, verifyEmail } from '../../../application/identity/verify-email.js';
import type { Deps } from '../../../application/deps.js';
import { UnauthenticatedError } from '../../../domain/shared/errors.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { apiUrl } from '../locations.js';
import { userOf } from '../middleware/authenticate.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';
import { presentSession, presentTokenPair, presentUser } from './presenters.js';
import {
  acceptedSchema,
  emailBody,
  loginBody,
  loginSchema,
  refreshBody,
  registerBody,
  resetPasswordBody,
  sessionParams,
  sessionSchema,
  tokenPairSchema,
  userSchema,
  verifyEmailBody,
} from './schemas.js';
import { z } from 'zod';

export const REFRESH_COOKIE = 'tf_refresh';
const REFRESH_COOKIE_PATH = '/api/v1/auth';
const tags = ['Authentication'];

/** The refresh token as an HttpOnly, Secure, SameSite=Strict cookie scoped to the auth routes. */
function setRefreshCookie(ctx: AppContext, token: string | null): void {
  const maxAge = token === null ? 0 : 30 * 24 * 60 * 60;
  ctx.append(
    'Set-Cookie',
    `${REFRESH_COOKIE}=${token ?? ''}; Path=${REFRESH_COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`,
  );
}

function clientOf(ctx: AppContext, deviceId?: string) {
  return { deviceId, userAgent: ctx.get('User-Agent') || undefined, ip: ctx.ip };
}

const accepted = (message: string) => ({ message });

export function identityRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/auth/register',
      operationId: 'register',
      summary:
        'Create an account; a verification email is sent (a taken address answers alike and its owner is emailed)',
      tags,
      scope: 'public',
      body: registerBody,
      responses: {
        201: {
          description: 'The new, unverified user; Location is /api/v1/users/me',
          data: userSchema,
        },
        422: { description: 'Invalid input' },
        429: { description: 'Too many mail-sending requests from this client address' },
      },
      handler: async (ctx, { body }) => {
        const user = await register(deps, { ...body, ip: ctx.ip });
        // The account's own URL once its owner signs in (a user is read only by themselves).
        respond(ctx, presentUser(user), { status: 201, location: apiUrl('users', 'me') });
      },
    }),
    route({
      method: 'post',
      path: '/auth/verify-email',
      operationId: 'verifyEmail',
      summary: 'Confirm an email address with the emailed token',
      tags,
      scope: 'public',
      body: verifyEmailBody,
      responses: {
        200: { description: 'The verified user', data: userSchema },
        422: { description: 'The token is invalid, used or expired' },
      },
      handler: async (ctx, { body }) => {
        respond(ctx, presentUser(await verifyEmail(deps, body)));
      },
    }),
    route({
      method: 'post',
      path: '/auth/resend-verification',
      operationId: 'resendVerification',
      summary: 'Send the verification email again (same answer whether or not the address exists)',
      tags,
      scope: 'public',
      body: emailBody,
      responses: {
        202: { description: 'Accepted', data: acceptedSchema },
        429: { description: 'Too many mail-sending requests from this client address' },
      },
      handler: async (ctx, { body }) => {
        await resendVerification(deps, { ...body, ip: ctx.ip });
        const message = 'If the address belongs to an unverified account, an email is on its way';
        respond(ctx, accepted(message), { status: 202 });
      },
    }),
    route({
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      summary: 'Exchange email and password for an access and a refresh token',
      tags,
      scope: 'public',
      body: loginBody,
      responses: {
        200: { description: 'Signed in', data: loginSchema, headers: ['Set-Cookie'] },
        401: { description: 'Unknown email or wrong password' },
        403: { description: 'Email not verified yet' },
        429: {
          description:
            'Too many failed attempts for this email from this address, or from this address; or, for at most a minute, for this email from everywhere (not for a device_id that signed in before)',
        },
      },
      handler: async (ctx, { body }) => {
        const result = await login(deps, {
          email: body.email,
          password: body.password,
          ...clientOf(ctx, body.device_id),
        });
        setRefreshCookie(ctx, result.refreshToken);
        respond(ctx, { ...presentTokenPair(result), user: presentUser(result.user) });
      },
    }),
    route({
      method: 'post',
      path: '/auth/refresh',
      operationId: 'refresh',
      summary: 'Rotate the refresh token (body or cookie) for a new pair',
      tags,
      scope: 'public',
      body: refreshBody,
      responses: {
        200: { description: 'A new token pair', data: tokenPairSchema, headers: ['Set-Cookie'] },
        401: { description: 'Invalid, expired or reused refresh token (reuse ends the session)' },
      },
      handler: async (ctx, { body }) => {
        const presented = body.refresh_token ?? ctx.cookies.get(REFRESH_COOKIE);
        if (!presented) throw new UnauthenticatedError('Missing refresh token');
        const pair = await refresh(deps, { refreshToken: presented });
        setRefreshCookie(ctx, pair.refreshToken);
        respond(ctx, presentTokenPair(pair));
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      operationId: 'logout',
      summary: 'End this session',
      tags,
      scope: 'user',
      responses: { 204: { description: 'Signed out', headers: ['Set-Cookie'] } },
      handler: async (ctx) => {
        await logout(deps, userOf(ctx));
        setRefreshCookie(ctx, null);
        ctx.status = 204;
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout-all',
      operationId: 'logoutAll',
      summary: 'End every session of the user',
      tags,
      scope: 'user',
      responses: { 204: { description: 'Signed out everywhere', headers: ['Set-Cookie'] } },
      handler: async (ctx) => {
        await logoutAll(deps, userOf(ctx));
        setRefreshCookie(ctx, null);
        ctx.status = 204;
      },
    }),
    route({
      method: 'get',
      path: '/auth/sessions',
      operationId: 'listSessions',
      summary: 'The open sessions of the user, oldest first, in keyset pages',
      tags,
      scope: 'user',
      query: listQuery,
      responses: {
        200: { description: 'Sessions', data: z.array(sessionSchema), paginated: true },
      },
      handler: async (ctx, { query }) => {
        const actor = userOf(ctx);
        const after = decodeIdCursor(query.cursor);
        const page = await listSessions(deps, actor, { limit: query.limit, after });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(
          ctx,
          page.items.map((s) => presentSession(s, actor.sessionId)),
          { pagination: { limit: query.limit, next_cursor: next, has_more: next !== null } },
        );
      },
    }),
    route({
      method: 'delete',
      path: '/auth/sessions/:id',
      operationId: 'revokeSession',
      summary: 'End one of the user’s sessions',
      tags,
      scope: 'user',
      params: sessionParams,
      responses: {
        204: { description: 'Revoked' },
        404: { description: 'No such open session of this user' },
      },
      handler: async (ctx, { params }) => {
        await revokeSession(deps, userOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
    route({
      method: 'post',
      path: '/auth/password/forgot',
      operationId: 'forgotPassword',
      summary: 'Email a password-reset token (same answer whether or not the address exists)',
      tags,
      scope: 'public',
      body: emailBody,
      responses: {
        202: { description: 'Accepted', data: acceptedSchema },
        429: { description: 'Too many mail-sending requests from this client address' },
      },
      handler: async (ctx, { body }) => {
        await forgotPassword(deps, { ...body, ip: ctx.ip });
        respond(ctx, accepted('If the address has an account, a reset email is on its way'), {
          status: 202,
        });
      },
    }),
    route({
      method: 'post',
      path: '/auth/password/reset',
      operationId: 'resetPassword',
      summary: 'Set a new password with the emailed token; ends every session',
      tags,
      scope: 'public',
      body: resetPasswordBody,
      responses: {
        204: { description: 'Password changed' },
        422: { description: 'Invalid token or password' },
      },
      handler: async (ctx, { body }) => {
        await resetPassword(deps, body);
        ctx.status = 204;
      },
    }),
  ];
}
