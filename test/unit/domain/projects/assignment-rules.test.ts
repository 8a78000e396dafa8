// The pure part of assignment rules: which rules a task matches (in order), whom a strategy picks
// on a turn, and every fault of a list reported at once.
import { describe, expect, it } from 'vitest';
import {
  matchingRules,
  pickAssignee,
  planAssignmentRules,
  type AssignmentRule,
} from '../../../../src/domain/projects/assignment-rules.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';

const rule = (fields: Partial<AssignmentRule>): AssignmentRule => ({
  id: fields.id ?? 'r',
  taskTypeId: null,
  labelId: null,
  priority: null,
  teamId: 'team',
  assigneeId: null,
  strategy: 'round_robin',
  ...fields,
});

describe('matchingRules', () => {
  const rules = [
    rule({ id: 'bug', taskTypeId: 'type-bug' }),
    rule({ id: 'vip', labelId: 'label-vip', priority: 'critical' }),
    rule({ id: 'any' }),
  ];
  it.each([
    [{ typeId: 'type-bug', labels: [], priority: 'low' as const }, ['bug', 'any']],
    [{ typeId: null, labels: ['label-vip'], priority: 'critical' as const }, ['vip', 'any']],
    [{ typeId: null, labels: ['label-vip'], priority: 'high' as const }, ['any']],
    [
      { typeId: 'type-bug', labels: ['label-vip'], priority: 'critical' as const },
      ['bug', 'vip', 'any'],
    ],
  ])('%j matches %j, in order', (task, ids) => {
    expect(matchingRules(rules, task).map((r) => r.id)).toEqual(ids);
  });
});

describe('pickAssignee', () => {
  const people = [
    { userId: 'a', openTasks: 3 },
    { userId: 'b', openTasks: 1 },
    { userId: 'c', openTasks: 1 },
  ];
  it('round robin goes through the candidates in order, turn after turn', () => {
    expect([0, 1, 2, 3, 4].map((turn) => pickAssignee('round_robin', people, turn))).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
    ]);
  });
  it('least loaded picks the fewest open tasks, ties taking turns', () => {
    expect([0, 1, 2].map((turn) => pickAssignee('least_loaded', people, turn))).toEqual([
      'b',
      'c',
      'b',
    ]);
  });
  it('fixed picks its one candidate; nobody to pick is undefined', () => {
    expect(pickAssignee('fixed', [{ userId: 'x', openTasks: 9 }], 7)).toBe('x');
    expect(pickAssignee('round_robin', [], 0)).toBeUndefined();
  });
});

describe('planAssignmentRules', () => {
  it('keeps given ids and gives new ones', () => {
    const planned = planAssignmentRules(
      [
        { id: '0190a000-0000-7000-8000-000000000001', teamId: 't', strategy: 'round_robin' },
        { assigneeId: 'u', strategy: 'fixed', priority: 'high' },
      ],
      () => 'new-id',
    );
    expect(planned.map((r) => r.id)).toEqual(['0190a000-0000-7000-8000-000000000001', 'new-id']);
    expect(planned[1]).toMatchObject({ assigneeId: 'u', teamId: null, priority: 'high' });
  });
  it('reports every broken rule at once', () => {
    const id = '0190a000-0000-7000-8000-000000000001';
    let error: unknown;
    try {
      planAssignmentRules(
        [
          { teamId: 't', strategy: 'fixed' },
          { assigneeId: 'u', strategy: 'least_loaded' },
          { id, teamId: 't', assigneeId: 'u', strategy: 'round_robin' },
          { id, teamId: 't', strategy: 'round_robin' },
          { id: 'nope', assigneeId: 'u', strategy: 'fixed' },
        ],
        () => 'x',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.map((d) => d.field)).toEqual([
      '0.strategy',
      '1.strategy',
      '2.strategy',
      '3.id',
      '4.id',
    ]);
  });
});
