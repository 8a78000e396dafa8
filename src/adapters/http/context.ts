// What each request carries in ctx.state, typed once.
import type { ParameterizedContext } from 'koa';
import type { Logger } from '../../application/shared/ports.js';
import type { OrganizationAccess } from '../../application/access/resolve-access.js';
import type { Principal } from '../../domain/identity/principal.js';

export interface RequestState {
  requestId: string;
  startedAt: bigint;
  log: Logger;
  principal?: Principal;
  /** Set on routes under /organizations/:org once the caller's access is resolved. */
  access?: OrganizationAccess;
  organizationId?: string;
}

export interface RouterFields {
  params: Record<string, string>;
  /** Set by @koa/router: the template of the matched route, e.g. /api/v1/organizations/:org */
  _matchedRoute?: string | RegExp;
}

export type AppContext = ParameterizedContext<RequestState, RouterFields>;

/** The route template for logs and metrics; never the raw path (unbounded label values). */
export function routeTemplate(ctx: AppContext): string {
  const matched = ctx._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}
