// Routes of the access area: invitations (being built).
import type { Deps } from '../../../application/deps.js';
import type { RouteSpec } from '../route.js';

export function invitationsRoutes(_deps: Deps): RouteSpec[] {
  return [];
}
