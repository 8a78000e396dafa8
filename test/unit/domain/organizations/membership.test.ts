// What each role may do to the organization itself: every role may read, only the owner may change it.
import { describe, expect, it } from 'vitest';
import {
  mayActOnOrganization,
  ROLES,
  type OrganizationAction,
  type Role,
} from '../../../../src/domain/organizations/membership.js';

// Typed as a full Record, so a new role or action cannot be added without a row here.
const MAY: Record<Role, Record<OrganizationAction, boolean>> = {
  owner: { 'organization:read': true, 'organization:update': true, 'organization:delete': true },
  admin: { 'organization:read': true, 'organization:update': false, 'organization:delete': false },
  manager: {
    'organization:read': true,
    'organization:update': false,
    'organization:delete': false,
  },
  member: {
    'organization:read': true,
    'organization:update': false,
    'organization:delete': false,
  },
  viewer: {
    'organization:read': true,
    'organization:update': false,
    'organization:delete': false,
  },
  requester: {
    'organization:read': true,
    'organization:update': false,
    'organization:delete': false,
  },
};

const TABLE = ROLES.flatMap((role) =>
  (Object.keys(MAY[role]) as OrganizationAction[]).map(
    (action) => [role, action, MAY[role][action]] as const,
  ),
);

describe('mayActOnOrganization', () => {
  it('covers the six roles', () => {
    expect([...ROLES].sort()).toEqual(Object.keys(MAY).sort());
    expect(TABLE).toHaveLength(18);
  });

  it.each(TABLE)('%s → %s: %s', (role, action, allowed) => {
    expect(mayActOnOrganization(role, action)).toBe(allowed);
  });
});
