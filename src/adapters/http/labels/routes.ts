// Routes of the labels area (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function labelsRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
