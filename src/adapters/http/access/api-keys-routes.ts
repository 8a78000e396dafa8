// Routes of the access area: api-keys (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function apiKeysRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
