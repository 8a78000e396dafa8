// Routes of the access area: audit (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function auditRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
