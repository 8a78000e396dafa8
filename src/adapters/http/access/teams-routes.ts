// Routes of the access area: teams (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function teamsRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
