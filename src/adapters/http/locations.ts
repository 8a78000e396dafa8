// Where the API's resources live: the mount prefix and the URL of a created resource, which every
// 201 answer names in `Location` (envelope.ts refuses a 201 without one).
import type { AppContext } from './context.js';

export const API_PREFIX = '/api/v1';

/** The path of a resource under the API, each segment percent-encoded: `apiUrl('users', 'me')`. */
export function apiUrl(...segments: readonly string[]): string {
  return `${API_PREFIX}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/**
 * The path of a resource of the request's organization, named by its id whatever the request
 * named it by (id or slug): `organizationUrl(ctx, 'projects', project.id)`.
 */
export function organizationUrl(ctx: AppContext, ...segments: readonly string[]): string {
  const organizationId = ctx.state.organizationId;
  if (organizationId === undefined) throw new Error('organizationUrl() on a route without :org');
  return apiUrl('organizations', organizationId, ...segments);
}
