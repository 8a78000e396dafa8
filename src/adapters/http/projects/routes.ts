// Routes of the projects area (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function projectsRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
