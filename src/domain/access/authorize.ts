// The one decision: may this actor do this, to this resource? Pure; no I/O.
import { ForbiddenError } from '../shared/errors.js';
import type { Permission } from './permissions.js';

/** What a resource tells about who "owns" it, for `:own` scopes. */
export interface OwnedResource {
  readonly createdBy?: string | null;
  readonly assigneeId?: string | null;
  readonly requestedBy?: string | null;
}

/** The resolved rights of one actor in one organization. */
export interface Grant {
  /** The user id, or the API key id for a service account. */
  readonly actorId: string;
  /** Built-in role name or custom role id. */
  readonly role: string;
  readonly permissions: ReadonlySet<Permission>;
}

/**
 * `own` means created by or assigned to the actor — except for the `requester` role, for which it
 * means requested by the actor (a requester sees only what it asked for).
 */
export function owns(grant: Grant, resource: OwnedResource): boolean {
  if (grant.role === 'requester') return resource.requestedBy === grant.actorId;
  return resource.createdBy === grant.actorId || resource.assigneeId === grant.actorId;
}

/**
 * `action` is a permission without its scope (`task:update`) or a scopeless permission
 * (`member:manage`). Without a resource, any scope of the action counts (the route-level check);
 * with one, `:own` counts only when the actor owns it.
 */
export function can(grant: Grant, action: string, resource?: OwnedResource): boolean {
  const held = grant.permissions as ReadonlySet<string>;
  if (held.has(action) || held.has(`${action}:any`)) return true;
  if (!held.has(`${action}:own`)) return false;
  return resource === undefined || owns(grant, resource);
}

export function authorize(grant: Grant, action: string, resource?: OwnedResource): void {
  if (!can(grant, action, resource)) throw new ForbiddenError(`Missing permission ${action}`);
}

/**
 * A role may be handed out only by someone who holds every permission it grants; holding an
 * action's `:any` scope covers its `:own` scope.
 */
export function canGrant(grant: Grant, permissions: Iterable<Permission>): boolean {
  const held = grant.permissions as ReadonlySet<string>;
  for (const permission of permissions) {
    const covered = permission.endsWith(':own') && held.has(`${permission.slice(0, -4)}:any`);
    if (!held.has(permission) && !covered) return false;
  }
  return true;
}

export function permissionsOf(values: Iterable<Permission>): ReadonlySet<Permission> {
  return new Set(values);
}

export type { Permission };
