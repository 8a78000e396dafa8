// What the role use cases share: the built-in roles (read-only, from the domain table) and an
// organization's custom roles, named permission sets that members and API keys may hold; how
// each is shown, and the checks of a custom role's fields.
import { canGrant } from '../../domain/access/authorize.js';
import {
  isBuiltInRole,
  isPermission,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  type BuiltInRole,
  type Permission,
} from '../../domain/access/permissions.js';
import {
  ConflictError,
  ForbiddenError,
  ValidationError,
  type FieldIssue,
} from '../../domain/shared/errors.js';
import type { CustomRole } from './ports.js';
import type { OrganizationAccess } from './resolve-access.js';

export const ROLE_NAME_MAX_LENGTH = 64;

export const ROLE_DESCRIPTION_MAX_LENGTH = 500;

/**
 * The most custom roles an organization holds: the role list is read whole (the built-in ones,
 * then these), so it stays bounded.
 */
export const MAX_CUSTOM_ROLES = 50;

/** Refuses a new custom role when the organization holds `count` already and that is the most. */
export function assertRoomForRole(count: number): void {
  if (count >= MAX_CUSTOM_ROLES) {
    throw new ConflictError(
      `An organization has at most ${MAX_CUSTOM_ROLES} custom roles; delete one first`,
    );
  }
}

export interface BuiltInRoleView {
  readonly builtIn: true;
  readonly name: BuiltInRole;
  readonly permissions: readonly Permission[];
}

export interface CustomRoleView extends CustomRole {
  readonly builtIn: false;
}

export type RoleView = BuiltInRoleView | CustomRoleView;

export const builtInView = (name: BuiltInRole): BuiltInRoleView => ({
  builtIn: true,
  name,
  permissions: ROLE_PERMISSIONS[name],
});

export const customView = (role: CustomRole): CustomRoleView => ({ ...role, builtIn: false });

export const readOnly = () => new ConflictError('Built-in roles are read-only');

export function validName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw ValidationError.field('name', 'Must not be empty');
  if (name.length > ROLE_NAME_MAX_LENGTH) {
    throw ValidationError.field('name', `Must be at most ${ROLE_NAME_MAX_LENGTH} characters`);
  }
  if (isBuiltInRole(name.toLowerCase())) {
    throw ValidationError.field('name', `"${name}" is the name of a built-in role`);
  }
  return name;
}

export function validDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > ROLE_DESCRIPTION_MAX_LENGTH) {
    throw ValidationError.field(
      'description',
      `Must be at most ${ROLE_DESCRIPTION_MAX_LENGTH} characters`,
    );
  }
  return description;
}

/** Known permissions only; stored without duplicates, in the order of the domain table. */
export function validPermissions(raw: readonly string[]): Permission[] {
  const issues: FieldIssue[] = [];
  raw.forEach((value, index) => {
    if (!isPermission(value)) {
      issues.push({ field: `permissions.${index}`, message: `Unknown permission "${value}"` });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  const wanted = new Set(raw);
  return PERMISSIONS.filter((permission) => wanted.has(permission));
}

export function assertMayGrant(
  access: OrganizationAccess,
  permissions: readonly Permission[],
): void {
  if (!canGrant(access.grant, permissions)) {
    const missing = permissions.filter((p) => !access.grant.permissions.has(p));
    throw new ForbiddenError(
      `A role may grant only permissions you hold yourself (missing: ${missing.join(', ')})`,
    );
  }
}
