// Permissions are `resource:action[:scope]` strings; built-in roles are fixed sets of them.
// This table is the whole matrix: docs/api.md (Access control), `GET …/roles` and the permission tests read from it.

export const PERMISSIONS = [
  'organization:read',
  'organization:update',
  'organization:delete',
  'member:read',
  'member:manage',
  'invitation:manage',
  'role:read',
  'role:manage',
  'team:read',
  'team:manage',
  'apikey:manage',
  'audit:read',
  'webhook:manage',
  'analytics:read:any',
  'analytics:read:own',
  'project:read',
  'project:create',
  'project:update',
  'project:delete',
  'label:manage',
  'task:read:any',
  'task:read:own',
  'task:create',
  'task:update:any',
  'task:update:own',
  'task:delete:any',
  'task:delete:own',
  'comment:create',
  'comment:update:any',
  'comment:delete:any',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const BUILT_IN_ROLES = [
  'owner',
  'admin',
  'manager',
  'member',
  'viewer',
  'requester',
] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

const EVERYTHING: readonly Permission[] = PERMISSIONS;

const READ_ORGANIZATION: readonly Permission[] = [
  'organization:read',
  'member:read',
  'role:read',
  'team:read',
  'project:read',
];

export const ROLE_PERMISSIONS: Readonly<Record<BuiltInRole, readonly Permission[]>> = {
  owner: EVERYTHING,
  admin: EVERYTHING.filter((p) => p !== 'organization:delete'),
  manager: [
    ...READ_ORGANIZATION,
    'team:manage',
    'analytics:read:any',
    'project:create',
    'project:update',
    'project:delete',
    'label:manage',
    'task:read:any',
    'task:create',
    'task:update:any',
    'task:delete:any',
    'comment:create',
    'comment:update:any',
    'comment:delete:any',
  ],
  member: [
    ...READ_ORGANIZATION,
    'analytics:read:own',
    'task:read:any',
    'task:create',
    'task:update:own',
    'task:delete:own',
    'comment:create',
  ],
  viewer: [...READ_ORGANIZATION, 'analytics:read:any', 'task:read:any'],
  requester: [
    'organization:read',
    'project:read',
    'analytics:read:own',
    'task:read:own',
    'task:create',
    'comment:create',
  ],
};

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(role);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
