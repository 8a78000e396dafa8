// The events' names, the mapping from a write's audit action, and who may read an event: mayRead
// (one event) and eventVisibility/passes (the filter a store applies to a page) must agree.
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  eventTypeOf,
  eventVisibility,
  mayRead,
  passes,
  readSignature,
  type AuditAction,
} from '../../../../src/domain/events/event.js';
import {
  BUILT_IN_ROLES,
  PERMISSIONS,
  ROLE_PERMISSIONS,
} from '../../../../src/domain/access/permissions.js';
import { grantOf } from '../../../support/builders/domain.js';

const ME = 'me';
const SOMEONE = 'someone-else';

/** Every kind of task event as to its people: mine as reporter, as assignee, or not mine. */
const PEOPLE = [
  { reporterId: ME, assigneeId: null },
  { reporterId: SOMEONE, assigneeId: ME },
  { reporterId: SOMEONE, assigneeId: SOMEONE },
  { reporterId: null, assigneeId: null },
];

describe('eventTypeOf', () => {
  it('names each audit action’s event, every one a known event type', () => {
    const actions: AuditAction[] = [
      'task.created',
      'task.relation_added',
      'task.watcher_removed',
      'project.statuses_replaced',
      'apikey.created',
      'member.role_changed',
    ];
    expect(actions.map(eventTypeOf)).toEqual([
      'task.created',
      'relation.added',
      'watcher.removed',
      'workflow.changed',
      'api_key.created',
      'member.role_changed',
    ]);
    for (const action of actions) expect(EVENT_TYPES).toContain(eventTypeOf(action));
  });
});

describe('who may read an event', () => {
  const grants = [
    ...BUILT_IN_ROLES.map((role) => grantOf(role, ROLE_PERMISSIONS[role], ME)),
    // Custom roles: each single permission alone, and task:read:own without requester's meaning.
    ...PERMISSIONS.map((permission) => grantOf('custom', [permission], ME)),
  ];

  it('is the same decision event by event (mayRead) and as a page filter (passes)', () => {
    let checked = 0;
    for (const grant of grants) {
      const visibility = eventVisibility(grant);
      for (const type of EVENT_TYPES) {
        for (const people of PEOPLE) {
          const event = { type, ...people };
          expect(
            passes(visibility, event),
            `${grant.role} ${[...grant.permissions].join(',')} ${type}`,
          ).toBe(mayRead(grant, event));
          checked += 1;
        }
      }
    }
    expect(checked).toBe(grants.length * EVENT_TYPES.length * PEOPLE.length);
  });

  it('shows a viewer every task event, a requester only those of what it reported', () => {
    const viewer = grantOf('viewer', ROLE_PERMISSIONS.viewer, ME);
    const requester = grantOf('requester', ROLE_PERMISSIONS.requester, ME);
    const member = grantOf('member', ROLE_PERMISSIONS.member, ME);
    const theirs = { type: 'task.moved' as const, reporterId: SOMEONE, assigneeId: ME };
    const mine = { type: 'task.moved' as const, reporterId: ME, assigneeId: null };
    expect(mayRead(viewer, theirs)).toBe(true);
    expect(mayRead(requester, theirs)).toBe(false); // assigned is not requested
    expect(mayRead(requester, mine)).toBe(true);
    expect(mayRead(member, theirs)).toBe(true);
    // An API key's events are for who manages keys; a role's for who reads roles.
    const keyEvent = { type: 'api_key.created' as const, reporterId: null, assigneeId: null };
    expect(mayRead(viewer, keyEvent)).toBe(false);
    expect(mayRead(grantOf('owner', ROLE_PERMISSIONS.owner, ME), keyEvent)).toBe(true);
    expect(mayRead(requester, { ...keyEvent, type: 'member.added' })).toBe(false);
    expect(mayRead(viewer, { ...keyEvent, type: 'member.added' })).toBe(true);
  });
});

describe("a grant's read signature", () => {
  it('is equal exactly when mayRead must answer alike: same role, actor and permissions', () => {
    const grants = [
      ...BUILT_IN_ROLES.map((role) => grantOf(role, ROLE_PERMISSIONS[role], ME)),
      ...BUILT_IN_ROLES.map((role) => grantOf(role, ROLE_PERMISSIONS[role], SOMEONE)),
      ...PERMISSIONS.map((permission) => grantOf('custom', [permission], ME)),
    ];
    const signatures = grants.map(readSignature);
    expect(new Set(signatures).size).toBe(grants.length);
    // The order the permissions were granted in is no difference.
    const member = [...ROLE_PERMISSIONS.member];
    expect(readSignature(grantOf('member', member.reverse(), ME))).toBe(
      readSignature(grantOf('member', ROLE_PERMISSIONS.member, ME)),
    );
    // Alike signatures, alike answers, for every event type and people.
    for (const [i, grant] of grants.entries()) {
      const twin = grantOf(grant.role, [...grant.permissions].reverse(), grant.actorId);
      expect(readSignature(twin)).toBe(signatures[i]);
      for (const type of EVENT_TYPES) {
        for (const people of PEOPLE) {
          expect(mayRead(twin, { type, ...people })).toBe(mayRead(grant, { type, ...people }));
        }
      }
    }
  });
});
