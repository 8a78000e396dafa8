// The realtime protocol's pure rules: which events a subscription lets through, which take a
// subscriber's access away at once, and which make its grant be read again.
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../../src/domain/events/event.js';
import {
  changesGrant,
  filterKey,
  revokesAccess,
  withinAny,
  withinFilter,
} from '../../../../src/domain/events/realtime.js';

const event = (fields: Partial<DomainEvent>): DomainEvent => ({
  id: 'e-1',
  type: 'task.updated',
  organizationId: 'o-1',
  subject: { type: 'task', id: 't-1', key: 'RE-1' },
  actor: { type: 'user', id: 'u-9' },
  change: {},
  occurredAt: new Date('2026-03-01T12:00:00Z'),
  projectId: 'p-1',
  assigneeId: null,
  reporterId: null,
  requestId: null,
  ...fields,
});

describe('withinFilter', () => {
  it.each([
    ['the organization', {}, event({}), true],
    ['its project', { projectId: 'p-1' }, event({}), true],
    ['another project', { projectId: 'p-2' }, event({}), false],
    ['its task', { taskId: 't-1' }, event({}), true],
    ['another task', { taskId: 't-2' }, event({}), false],
    [
      'a comment on its task',
      { taskId: 't-1' },
      event({
        type: 'comment.created',
        subject: { type: 'comment', id: 'c-1', key: null },
        change: { task_id: 't-1' },
      }),
      true,
    ],
    [
      'a project event, to a task subscription',
      { taskId: 't-1' },
      event({ type: 'project.updated', subject: { type: 'project', id: 'p-1', key: 'RE' } }),
      false,
    ],
  ])('%s', (_name, filter, candidate, expected) => {
    expect(withinFilter(filter, candidate)).toBe(expected);
  });

  it('lets an event through when any filter of the socket does', () => {
    expect(withinAny([{ projectId: 'p-2' }, { taskId: 't-1' }], event({}))).toBe(true);
    expect(withinAny([], event({}))).toBe(false);
  });

  it('names a filter by its narrowest part, so subscribing twice is one subscription', () => {
    expect(filterKey({})).toBe('organization');
    expect(filterKey({ projectId: 'p-1' })).toBe('project:p-1');
    expect(filterKey({ projectId: 'p-1', taskId: 't-1' })).toBe('task:t-1');
  });
});

describe('access events', () => {
  const member = { actorId: 'u-1', kind: 'user' as const, role: 'member' };
  const key = { actorId: 'k-1', kind: 'apikey' as const, role: 'viewer' };

  it('revokes a user’s access when the member removed is them, and a key’s when it is revoked', () => {
    const removed = (id: string) =>
      event({ type: 'member.removed', subject: { type: 'member', id, key: null } });
    const revoked = (id: string) =>
      event({ type: 'api_key.revoked', subject: { type: 'api_key', id, key: null } });
    expect(revokesAccess(member, removed('u-1'))).toBe(true);
    expect(revokesAccess(member, removed('u-2'))).toBe(false);
    expect(revokesAccess(key, revoked('k-1'))).toBe(true);
    expect(revokesAccess(key, removed('k-1'))).toBe(false);
    expect(revokesAccess(member, revoked('u-1'))).toBe(false);
  });

  it('reads the grant again for the subscriber’s own membership and the custom role it holds', () => {
    const custom = { ...member, role: 'r-7' };
    expect(
      changesGrant(
        member,
        event({ type: 'member.role_changed', subject: { type: 'member', id: 'u-1', key: null } }),
      ),
    ).toBe(true);
    expect(
      changesGrant(
        member,
        event({ type: 'member.role_changed', subject: { type: 'member', id: 'u-2', key: null } }),
      ),
    ).toBe(false);
    expect(
      changesGrant(
        custom,
        event({ type: 'role.updated', subject: { type: 'role', id: 'r-7', key: null } }),
      ),
    ).toBe(true);
    expect(
      changesGrant(
        member,
        event({ type: 'role.updated', subject: { type: 'role', id: 'r-7', key: null } }),
      ),
    ).toBe(false);
    expect(changesGrant(member, event({}))).toBe(false);
  });
});
