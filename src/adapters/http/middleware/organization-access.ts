// Routes under /organizations/:org: resolve the caller's access (404 to non-members) and check the
// route's permission (403) before the body is read or the handler runs.
import type { Middleware } from 'koa';
import type { OrganizationAccess } from '../../../application/access/resolve-access.js';
import { can } from '../../../domain/access/authorize.js';
import type { Principal } from '../../../domain/identity/principal.js';
import { ForbiddenError } from '../../../domain/shared/errors.js';
import type { AppContext, RequestState, RouterFields } from '../context.js';
import { principalOf } from './authenticate.js';

export type AccessResolver = (
  principal: Principal,
  organizationRef: string,
) => Promise<OrganizationAccess>;

export function organizationAccess(
  resolve: AccessResolver,
  permission: string | undefined,
): Middleware<RequestState, RouterFields> {
  return async (ctx: AppContext, next) => {
    const ref = ctx.params.org ?? '';
    const access = await resolve(principalOf(ctx), ref);
    ctx.state.access = access;
    ctx.state.organizationId = access.organization.id;
    if (permission !== undefined && !can(access.grant, permission)) {
      throw new ForbiddenError(`Missing permission ${permission}`);
    }
    await next();
  };
}

export function accessOf(ctx: AppContext): OrganizationAccess {
  const access = ctx.state.access;
  if (!access) throw new Error('accessOf() on a route without :org');
  return access;
}
