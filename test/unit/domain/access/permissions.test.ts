// The permission matrix, written out: every built-in role × every permission, grants and denials.
// The expectation is spelled here by hand, not derived from ROLE_PERMISSIONS, so any change to
// the matrix in the domain fails this test until the table below is changed with it.
import { describe, expect, it } from 'vitest';
import { grantOf } from '../../../support/builders/domain.js';
import {
  authorize,
  can,
  canGrant,
  owns,
  type OwnedResource,
} from '../../../../src/domain/access/authorize.js';
import {
  BUILT_IN_ROLES,
  isBuiltInRole,
  isPermission,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  type BuiltInRole,
  type Permission,
} from '../../../../src/domain/access/permissions.js';
import { ForbiddenError } from '../../../../src/domain/shared/errors.js';

/** Column order of the table below. */
const ROLES = ['owner', 'admin', 'manager', 'member', 'viewer', 'requester'] as const;

// prettier-ignore
const MATRIX: Record<Permission, string> = {
  //                      owner admin manager member viewer requester
  'organization:read':   'Y     Y     Y       Y      Y      Y',
  'organization:update': 'Y     Y     .       .      .      .',
  'organization:delete': 'Y     .     .       .      .      .',
  'member:read':         'Y     Y     Y       Y      Y      .',
  'member:manage':       'Y     Y     .       .      .      .',
  'invitation:manage':   'Y     Y     .       .      .      .',
  'role:read':           'Y     Y     Y       Y      Y      .',
  'role:manage':         'Y     Y     .       .      .      .',
  'team:read':           'Y     Y     Y       Y      Y      .',
  'team:manage':         'Y     Y     Y       .      .      .',
  'apikey:manage':       'Y     Y     .       .      .      .',
  'audit:read':          'Y     Y     .       .      .      .',
  'webhook:manage':      'Y     Y     .       .      .      .',
  'analytics:read:any':  'Y     Y     Y       .      Y      .',
  'analytics:read:own':  'Y     Y     .       Y      .      Y',
  'project:read':        'Y     Y     Y       Y      Y      Y',
  'project:create':      'Y     Y     Y       .      .      .',
  'project:update':      'Y     Y     Y       .      .      .',
  'project:delete':      'Y     Y     Y       .      .      .',
  'label:manage':        'Y     Y     Y       .      .      .',
  'task:read:any':       'Y     Y     Y       Y      Y      .',
  'task:read:own':       'Y     Y     .       .      .      Y',
  'task:create':         'Y     Y     Y       Y      .      Y',
  'task:update:any':     'Y     Y     Y       .      .      .',
  'task:update:own':     'Y     Y     .       Y      .      .',
  'task:delete:any':     'Y     Y     Y       .      .      .',
  'task:delete:own':     'Y     Y     .       Y      .      .',
  'comment:create':      'Y     Y     Y       Y      .      Y',
  'comment:update:any':  'Y     Y     Y       .      .      .',
  'comment:delete:any':  'Y     Y     Y       .      .      .',
};

function expected(role: BuiltInRole, permission: Permission): boolean {
  const marks = MATRIX[permission].split(/\s+/);
  expect(marks).toHaveLength(ROLES.length);
  return marks[ROLES.indexOf(role)] === 'Y';
}

const CASES = ROLES.flatMap((role) =>
  (Object.keys(MATRIX) as Permission[]).map((permission) => ({
    role,
    permission,
    allowed: expected(role, permission),
  })),
);

const builtIn = (role: BuiltInRole, actorId = 'actor-1') =>
  grantOf(role, ROLE_PERMISSIONS[role], actorId);

describe('the matrix', () => {
  it('names exactly the built-in roles and exactly the permissions of the domain', () => {
    expect([...BUILT_IN_ROLES]).toEqual([...ROLES]);
    expect(Object.keys(MATRIX)).toEqual([...PERMISSIONS]);
    expect(CASES).toHaveLength(6 * 30);
  });

  it.each(CASES)(
    '$role — $permission: $allowed',
    ({ role, permission, allowed }: (typeof CASES)[number]) => {
      expect(ROLE_PERMISSIONS[role].includes(permission)).toBe(allowed);
      expect(can(builtIn(role), permission)).toBe(allowed);
    },
  );

  it.each([...ROLES])('gives %s no permission twice and none outside PERMISSIONS', (role) => {
    const held = ROLE_PERMISSIONS[role];
    expect(new Set(held).size).toBe(held.length);
    expect(held.every(isPermission)).toBe(true);
  });

  it('recognises permission strings and built-in role names, and nothing else', () => {
    expect(isPermission('task:update:own')).toBe(true);
    expect(isPermission('task:update')).toBe(false);
    expect(isPermission('task:fly:any')).toBe(false);
    expect(isBuiltInRole('viewer')).toBe(true);
    expect(isBuiltInRole('Viewer')).toBe(false);
    expect(isBuiltInRole('0193a7b2-0000-7000-8000-000000000000')).toBe(false);
  });
});

describe('owns', () => {
  const me = 'actor-1';
  const someoneElse = 'actor-2';

  it.each<[string, OwnedResource, boolean]>([
    ['created by the actor', { createdBy: me }, true],
    ['assigned to the actor', { assigneeId: me, createdBy: someoneElse }, true],
    [
      'created by and assigned to someone else',
      { createdBy: someoneElse, assigneeId: someoneElse },
      false,
    ],
    ['only requested by the actor', { requestedBy: me, createdBy: someoneElse }, false],
    ['with no owner fields', {}, false],
    ['with null owner fields', { createdBy: null, assigneeId: null, requestedBy: null }, false],
  ])('for a member: a resource %s → %s', (_label, resource, result) => {
    expect(owns(builtIn('member', me), resource)).toBe(result);
  });

  it.each<[string, OwnedResource, boolean]>([
    ['requested by the actor', { requestedBy: me, createdBy: someoneElse }, true],
    [
      'created by the actor but requested by someone else',
      { createdBy: me, requestedBy: someoneElse },
      false,
    ],
    [
      'assigned to the actor but requested by someone else',
      { assigneeId: me, requestedBy: someoneElse },
      false,
    ],
    ['with no requester', { createdBy: me }, false],
  ])('for a requester: a resource %s → %s', (_label, resource, result) => {
    expect(owns(builtIn('requester', me), resource)).toBe(result);
  });

  it('judges an API key by its own id', () => {
    const key = builtIn('member', 'key-9');
    expect(owns(key, { createdBy: 'key-9' })).toBe(true);
    expect(owns(key, { createdBy: 'actor-1' })).toBe(false);
  });
});

describe('can', () => {
  const mine: OwnedResource = { createdBy: 'actor-1' };
  const assignedToMe: OwnedResource = { createdBy: 'actor-2', assigneeId: 'actor-1' };
  const theirs: OwnedResource = { createdBy: 'actor-2', assigneeId: 'actor-3' };

  it('lets an :own holder act on what it created or is assigned, and not on the rest', () => {
    const member = builtIn('member');
    expect(can(member, 'task:update', mine)).toBe(true);
    expect(can(member, 'task:update', assignedToMe)).toBe(true);
    expect(can(member, 'task:update', theirs)).toBe(false);
    expect(can(member, 'task:delete', theirs)).toBe(false);
  });

  it('lets a requester read only what it requested', () => {
    const requester = builtIn('requester');
    expect(can(requester, 'task:read', { requestedBy: 'actor-1' })).toBe(true);
    expect(can(requester, 'task:read', { createdBy: 'actor-1', requestedBy: 'actor-2' })).toBe(
      false,
    );
  });

  it('lets :any win over ownership', () => {
    expect(can(builtIn('manager'), 'task:update', theirs)).toBe(true);
    expect(can(builtIn('viewer'), 'task:read', theirs)).toBe(true);
    // Holding both scopes, the :any one decides.
    expect(
      can(grantOf('custom', ['task:update:own', 'task:update:any']), 'task:update', theirs),
    ).toBe(true);
  });

  it('passes the route-level check (no resource) for any scope of the action', () => {
    expect(can(builtIn('member'), 'task:update')).toBe(true);
    expect(can(builtIn('requester'), 'task:read')).toBe(true);
    expect(can(builtIn('manager'), 'task:update')).toBe(true);
  });

  it('refuses an action the grant holds in no scope, with or without a resource', () => {
    const viewer = builtIn('viewer');
    expect(can(viewer, 'task:update')).toBe(false);
    expect(can(viewer, 'task:update', mine)).toBe(false);
    expect(can(builtIn('requester'), 'member:read')).toBe(false);
  });

  it('judges scopeless permissions by the grant alone, whatever the resource', () => {
    expect(can(builtIn('admin'), 'member:manage', theirs)).toBe(true);
    expect(can(builtIn('member'), 'member:manage', mine)).toBe(false);
  });

  it('does not mistake a longer or shorter name for a held permission', () => {
    const grant = grantOf('custom', ['task:update:own']);
    expect(can(grant, 'task')).toBe(false);
    expect(can(grant, 'task:up')).toBe(false);
    expect(can(grant, 'task:update:own:any')).toBe(false);
  });
});

describe('authorize', () => {
  it('returns quietly when allowed', () => {
    expect(authorize(builtIn('owner'), 'organization:delete')).toBeUndefined();
    expect(authorize(builtIn('member'), 'task:update', { assigneeId: 'actor-1' })).toBeUndefined();
  });

  it('throws ForbiddenError naming the action when not', () => {
    expect(() => authorize(builtIn('admin'), 'organization:delete')).toThrow(ForbiddenError);
    expect(() => authorize(builtIn('member'), 'task:update', { createdBy: 'actor-2' })).toThrow(
      /task:update/,
    );
  });
});

describe('canGrant', () => {
  it.each<[BuiltInRole, BuiltInRole, boolean]>([
    ['owner', 'owner', true],
    ['owner', 'admin', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'requester', true],
    ['manager', 'admin', false],
    // The manager's :any scopes cover the member's :own ones; a viewer reads the organization's
    // analytics, which a member may not hand out.
    ['manager', 'member', true],
    ['manager', 'viewer', true],
    ['manager', 'requester', true],
    ['member', 'viewer', false],
    ['member', 'requester', true],
    ['viewer', 'member', false],
    ['viewer', 'viewer', true],
    ['requester', 'viewer', false],
  ])('%s may hand out %s: %s', (holder, role, result) => {
    expect(canGrant(builtIn(holder), ROLE_PERMISSIONS[role])).toBe(result);
  });

  it('allows an empty set and refuses a single permission the grant lacks', () => {
    expect(canGrant(builtIn('viewer'), [])).toBe(true);
    expect(canGrant(builtIn('admin'), ['organization:delete'])).toBe(false);
    expect(canGrant(builtIn('member'), ['task:update:own'])).toBe(true);
    expect(canGrant(builtIn('member'), ['task:update:any'])).toBe(false);
    expect(canGrant(builtIn('manager'), ['task:update:own', 'analytics:read:own'])).toBe(true);
  });
});
