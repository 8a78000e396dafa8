// A user's role in an organization, and what each role may do to the organization itself.
// The full permission matrix (custom roles, scopes) grows from here.

export const ROLES = ['owner', 'admin', 'manager', 'member', 'viewer', 'requester'] as const;
export type Role = (typeof ROLES)[number];

export interface Membership {
  readonly id: string;
  readonly organizationId: string;
  readonly userId: string;
  readonly role: Role;
  readonly createdAt: Date;
}

export type OrganizationAction =
  'organization:read' | 'organization:update' | 'organization:delete';

const ALLOWED: Record<OrganizationAction, readonly Role[]> = {
  'organization:read': ROLES,
  'organization:update': ['owner'],
  'organization:delete': ['owner'],
};

export function mayActOnOrganization(role: Role, action: OrganizationAction): boolean {
  return ALLOWED[action].includes(role);
}
