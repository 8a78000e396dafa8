// Bearer authentication: resolves ctx.state.principal or answers 401.
import type { Middleware } from 'koa';
import type { Principal } from '../../../domain/identity/principal.js';
import { UnauthenticatedError } from '../../../domain/shared/errors.js';
import type { AppContext, RequestState, RouterFields } from '../context.js';

export type Authenticator = (bearer: string) => Promise<Principal>;

export function bearerToken(ctx: AppContext): string | undefined {
  const header = ctx.get('Authorization');
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
  return match?.[1];
}

export function requireUser(authenticate: Authenticator): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    const token = bearerToken(ctx);
    if (token === undefined) throw new UnauthenticatedError('Missing bearer token');
    ctx.state.principal = await authenticate(token);
    await next();
  };
}

/** The principal of an authenticated route; routes declared with auth 'user' always have one. */
export function principalOf(ctx: AppContext): Principal {
  const principal = ctx.state.principal;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}
