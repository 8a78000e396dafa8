// Comment rules: what a body must be, and who may change a comment.
import { describe, expect, it } from 'vitest';
import { issueOf } from '../../../support/builders/domain.js';
import { permissionsOf, type Grant } from '../../../../src/domain/access/authorize.js';
import { ROLE_PERMISSIONS, type BuiltInRole } from '../../../../src/domain/access/permissions.js';
import { ForbiddenError } from '../../../../src/domain/shared/errors.js';
import { assertMayChangeComment, commentBody } from '../../../../src/domain/tasks/comment.js';

describe('commentBody', () => {
  it.each([
    ['Looks good', 'Looks good'],
    ['  trimmed \n', 'trimmed'],
    ['x', 'x'],
    ['x'.repeat(20_000), 'x'.repeat(20_000)],
    [`\t${'y'.repeat(20_000)} `, 'y'.repeat(20_000)],
    ['🐞'.repeat(20_000), '🐞'.repeat(20_000)],
  ])('accepts %#', (raw, body) => {
    expect(commentBody(raw)).toBe(body);
  });

  it.each([
    ['', 'Must not be empty'],
    [' \n\t ', 'Must not be empty'],
    ['x'.repeat(20_001), 'Must be at most 20000 characters'],
    ['🐞'.repeat(20_001), 'Must be at most 20000 characters'],
  ])('refuses %# on the body field', (raw, message) => {
    expect(issueOf(() => commentBody(raw))).toEqual([{ field: 'body', message }]);
  });
});

const AUTHOR = 'author-id';
const grantOf = (role: BuiltInRole, actorId: string): Grant => ({
  actorId,
  role,
  permissions: permissionsOf(ROLE_PERMISSIONS[role]),
});
const allowed = (grant: Grant, change: 'update' | 'delete') => {
  try {
    assertMayChangeComment(grant, { authorId: AUTHOR }, change);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenError);
    return false;
  }
};

describe('assertMayChangeComment', () => {
  it.each([
    ['owner', true],
    ['admin', true],
    ['manager', true],
    ['member', false],
    ['requester', false],
    ['viewer', false],
  ] as const)('someone else’s comment: %s → %s', (role, expected) => {
    expect(allowed(grantOf(role, 'someone-else'), 'update')).toBe(expected);
    expect(allowed(grantOf(role, 'someone-else'), 'delete')).toBe(expected);
  });

  it.each([
    ['member', true],
    ['requester', true],
    ['manager', true],
    ['viewer', false],
  ] as const)('its own comment: %s → %s', (role, expected) => {
    expect(allowed(grantOf(role, AUTHOR), 'update')).toBe(expected);
    expect(allowed(grantOf(role, AUTHOR), 'delete')).toBe(expected);
  });

  it('keeps editing and deleting apart: comment:update:any alone deletes nothing of others', () => {
    const editor: Grant = {
      actorId: 'moderator',
      role: 'custom',
      permissions: permissionsOf(['comment:create', 'comment:update:any']),
    };
    expect(allowed(editor, 'update')).toBe(true);
    expect(allowed(editor, 'delete')).toBe(false);
  });
});
