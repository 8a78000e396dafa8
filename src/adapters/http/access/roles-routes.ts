// Routes of the access area: roles (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function rolesRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
