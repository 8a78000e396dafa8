// Routes of the access area: members (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function membersRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
