// Who may hand out, change or take away which role: the built-in roles as callers and targets.
import { describe, expect, it } from 'vitest';
import { permissionsOf, type Grant } from '../../../../src/domain/access/authorize.js';
import {
  BUILT_IN_ROLES,
  ROLE_PERMISSIONS,
  type BuiltInRole,
  type Permission,
} from '../../../../src/domain/access/permissions.js';
import {
  assertMayAssignRole,
  assertMayRemoveMember,
  type ResolvedRole,
} from '../../../../src/domain/access/role-assignment.js';
import { ForbiddenError } from '../../../../src/domain/shared/errors.js';

const CALLER_ID = 'caller';

function grantOf(role: string, permissions: readonly Permission[], actorId = CALLER_ID): Grant {
  return { actorId, role, permissions: permissionsOf(permissions) };
}

const builtIn = (role: BuiltInRole): ResolvedRole => ({
  role,
  permissions: ROLE_PERMISSIONS[role],
});
const grantFor = (role: BuiltInRole, actorId = CALLER_ID) =>
  grantOf(role, ROLE_PERMISSIONS[role], actorId);

/** A custom role: named by id, any permission set. */
const custom = (permissions: readonly Permission[]): ResolvedRole => ({
  role: '0193a1b2-0000-7000-8000-000000000001',
  permissions,
});

describe('assertMayAssignRole', () => {
  // Which roles an owner and an admin may hand out to a newcomer (an invitation).
  it.each([
    ['owner', 'owner', true],
    ['owner', 'admin', true],
    ['owner', 'viewer', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'manager', true],
    ['admin', 'member', true],
    ['admin', 'viewer', true],
    ['admin', 'requester', true],
  ] as const)('lets a %s offer %s: %s', (caller, offered, allowed) => {
    const attempt = () => assertMayAssignRole(grantFor(caller), null, builtIn(offered));
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(ForbiddenError);
  });

  it('lets only an owner unmake an owner, even to a lesser role', () => {
    expect(() =>
      assertMayAssignRole(grantFor('admin'), builtIn('owner'), builtIn('viewer')),
    ).toThrow('Only an owner may change or remove an owner');
    expect(() =>
      assertMayAssignRole(grantFor('owner'), builtIn('owner'), builtIn('viewer')),
    ).not.toThrow();
  });

  it('refuses a role carrying a permission the caller does not hold', () => {
    const teamLead = grantOf('lead', ['member:manage', 'team:manage']);
    expect(() => assertMayAssignRole(teamLead, null, custom(['team:manage']))).not.toThrow();
    expect(() => assertMayAssignRole(teamLead, null, custom(['audit:read']))).toThrow(
      'You cannot grant a role with permissions you do not hold',
    );
    expect(() => assertMayAssignRole(teamLead, null, builtIn('viewer'))).toThrow(ForbiddenError);
  });

  it('refuses to change the role of a member who holds permissions the caller lacks', () => {
    const lead = grantOf('lead', ['member:manage', ...ROLE_PERMISSIONS.viewer]);
    expect(() => assertMayAssignRole(lead, builtIn('manager'), builtIn('viewer'))).toThrow(
      'The member holds permissions you do not hold',
    );
    expect(() => assertMayAssignRole(lead, builtIn('viewer'), builtIn('viewer'))).not.toThrow();
  });

  it('lets an admin demote another admin', () => {
    expect(() =>
      assertMayAssignRole(grantFor('admin'), builtIn('admin'), builtIn('viewer')),
    ).not.toThrow();
  });
});

describe('assertMayRemoveMember', () => {
  it.each(BUILT_IN_ROLES)('lets a %s leave (remove themselves)', (role) => {
    expect(() =>
      assertMayRemoveMember(grantFor(role), { userId: CALLER_ID, ...builtIn(role) }),
    ).not.toThrow();
  });

  it.each([
    ['owner', 'owner', true],
    ['owner', 'admin', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'member', true],
    ['manager', 'viewer', false],
    ['member', 'viewer', false],
    ['viewer', 'viewer', false],
  ] as const)('lets a %s remove someone else who is %s: %s', (caller, target, allowed) => {
    const attempt = () =>
      assertMayRemoveMember(grantFor(caller), { userId: 'someone-else', ...builtIn(target) });
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(ForbiddenError);
  });

  it('refuses to remove a member whose custom role holds a permission the caller lacks', () => {
    const lead = grantOf('lead', ['member:manage', 'team:manage']);
    expect(() =>
      assertMayRemoveMember(lead, { userId: 'someone-else', ...custom(['audit:read']) }),
    ).toThrow(ForbiddenError);
    expect(() =>
      assertMayRemoveMember(lead, { userId: 'someone-else', ...custom(['team:manage']) }),
    ).not.toThrow();
  });
});
