// Bearer authentication: a user's access token (JWT) or an API key → ctx.state.principal, or 401.
import type { Middleware } from 'koa';
import type { Principal, UserPrincipal } from '../../../domain/identity/principal.js';
import { ForbiddenError, UnauthenticatedError } from '../../../domain/shared/errors.js';
import type { AppContext, RequestState, RouterFields } from '../context.js';

export type Authenticator = (bearer: string) => Promise<Principal>;

export function bearerToken(ctx: AppContext): string | undefined {
  const header = ctx.get('Authorization');
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
  return match?.[1];
}

/** Authenticates any credential and attaches where the request came from (for the audit log). */
export function requireCredential(
  authenticate: Authenticator,
): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    const token = bearerToken(ctx);
    if (token === undefined) throw new UnauthenticatedError('Missing bearer token');
    const principal = await authenticate(token);
    ctx.state.principal = {
      ...principal,
      request: {
        ip: ctx.ip,
        userAgent: ctx.get('User-Agent') || undefined,
        requestId: ctx.state.requestId,
      },
    };
    await next();
  };
}

/** Routes that act on a person's own account refuse service accounts. */
export function requireUserPrincipal(): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    if (ctx.state.principal?.kind !== 'user') {
      throw new ForbiddenError('This route needs a user’s access token, not an API key');
    }
    await next();
  };
}

export function principalOf(ctx: AppContext): Principal {
  const principal = ctx.state.principal;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}

export function userOf(ctx: AppContext): UserPrincipal {
  const principal = principalOf(ctx);
  if (principal.kind !== 'user') throw new ForbiddenError('This route needs a user’s access token');
  return principal;
}
