// Workflow rules: the default columns, and what replacing the list keeps, adds, drops and refuses.
import { describe, expect, it } from 'vitest';
import {
  defaultWorkflow,
  MAX_WORKFLOW_STATUSES,
  moveTarget,
  planWorkflow,
  statusNamed,
  type DesiredStatus,
  type WorkflowStatus,
} from '../../../../src/domain/projects/workflow.js';
import { ValidationError, type FieldIssue } from '../../../../src/domain/shared/errors.js';

function counter(prefix = 'new') {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

const CURRENT: readonly WorkflowStatus[] = defaultWorkflow(counter('s'));

function issuesOf(current: readonly WorkflowStatus[], desired: readonly DesiredStatus[]) {
  try {
    planWorkflow(current, desired, counter());
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected the plan to be refused');
}

describe('defaultWorkflow', () => {
  it('is To Do, In Progress, In Review, Done, in that order, each with a fresh id', () => {
    expect(defaultWorkflow(counter())).toEqual([
      { id: 'new-1', name: 'To Do', category: 'todo', position: 0 },
      { id: 'new-2', name: 'In Progress', category: 'in_progress', position: 1 },
      { id: 'new-3', name: 'In Review', category: 'in_progress', position: 2 },
      { id: 'new-4', name: 'Done', category: 'done', position: 3 },
    ]);
  });
});

describe('planWorkflow', () => {
  it('keeps ids across renames and moves, adds entries without an id, drops what is left out', () => {
    const [todo, progress, , done] = CURRENT;
    const plan = planWorkflow(
      CURRENT,
      [
        { id: todo!.id, name: 'Backlog', category: 'todo' },
        { name: 'Ready', category: 'todo' },
        { id: progress!.id, name: 'In Progress', category: 'in_progress' },
        { id: done!.id, name: ' Shipped ', category: 'done' },
      ],
      counter(),
    );
    expect(plan.statuses).toEqual([
      { id: todo!.id, name: 'Backlog', category: 'todo', position: 0 },
      { id: 'new-1', name: 'Ready', category: 'todo', position: 1 },
      { id: progress!.id, name: 'In Progress', category: 'in_progress', position: 2 },
      { id: done!.id, name: 'Shipped', category: 'done', position: 3 },
    ]);
    expect(plan.added.map((s) => s.id)).toEqual(['new-1']);
    expect(plan.kept.map((s) => s.id)).toEqual([todo!.id, progress!.id, done!.id]);
    expect(plan.dropped.map((s) => s.name)).toEqual(['In Review']);
    expect(plan.recategorized).toEqual([]);
    expect(plan.changed).toBe(true);
  });

  it('sees no change when the same list comes back (positions included)', () => {
    const plan = planWorkflow(CURRENT, CURRENT, counter());
    expect(plan.changed).toBe(false);
    expect(plan.statuses).toEqual(CURRENT);
  });

  it('counts a pure reorder, a rename and a new category as changes', () => {
    const reversed = [...CURRENT].reverse();
    const swapped = [reversed[3]!, ...reversed.slice(1, 3), reversed[0]!];
    expect(planWorkflow(CURRENT, swapped, counter()).changed).toBe(true);
    const renamed = CURRENT.map((s, i) => (i === 1 ? { ...s, name: 'Doing' } : s));
    expect(planWorkflow(CURRENT, renamed, counter()).changed).toBe(true);
    const recategorized = CURRENT.map((s, i) =>
      i === 2 ? { ...s, category: 'done' as const } : s,
    );
    const plan = planWorkflow(CURRENT, recategorized, counter());
    expect(plan.changed).toBe(true);
    expect(plan.recategorized).toEqual([{ ...CURRENT[2]!, category: 'done' }]);
  });

  it('lets two statuses swap names (the database checks uniqueness at commit)', () => {
    const [todo, progress, review, done] = CURRENT;
    const plan = planWorkflow(
      CURRENT,
      [
        { ...todo!, name: 'In Progress' },
        { ...progress!, name: 'To Do', category: 'todo' },
        review!,
        done!,
      ],
      counter(),
    );
    expect(plan.statuses.map((s) => s.name)).toEqual(['In Progress', 'To Do', 'In Review', 'Done']);
  });

  it.each<[string, DesiredStatus[], FieldIssue[]]>([
    [
      'an empty list',
      [],
      [
        { field: 'body', message: `Must list 1–${MAX_WORKFLOW_STATUSES} statuses` },
        { field: 'body', message: "Needs at least one 'todo' status" },
        { field: 'body', message: "Needs at least one 'done' status" },
      ],
    ],
    [
      'no todo status',
      [
        { name: 'Doing', category: 'in_progress' },
        { name: 'Done', category: 'done' },
      ],
      [{ field: 'body', message: "Needs at least one 'todo' status" }],
    ],
    [
      'no done status',
      [{ name: 'To Do', category: 'todo' }],
      [{ field: 'body', message: "Needs at least one 'done' status" }],
    ],
    [
      'names equal ignoring case and spaces',
      [
        { name: 'To Do', category: 'todo' },
        { name: ' to do', category: 'in_progress' },
        { name: 'Done', category: 'done' },
      ],
      [{ field: '1.name', message: 'Another status has this name' }],
    ],
    [
      'an empty name',
      [
        { name: '  ', category: 'todo' },
        { name: 'Done', category: 'done' },
      ],
      [{ field: '0.name', message: 'Must not be empty' }],
    ],
    [
      'a name over 50 characters',
      [
        { name: 'x'.repeat(51), category: 'todo' },
        { name: 'Done', category: 'done' },
      ],
      [{ field: '0.name', message: 'Must be at most 50 characters' }],
    ],
    [
      'an id of no status of the project',
      [
        { id: 'elsewhere', name: 'To Do', category: 'todo' },
        { name: 'Done', category: 'done' },
      ],
      [{ field: '0.id', message: 'Not a status of this project' }],
    ],
  ])('refuses %s', (_label, desired, issues) => {
    expect(issuesOf(CURRENT, desired)).toEqual(issues);
  });

  it('refuses the same id twice', () => {
    const [todo, , , done] = CURRENT;
    expect(
      issuesOf(CURRENT, [todo!, { id: todo!.id, name: 'Again', category: 'todo' }, done!]),
    ).toEqual([{ field: '1.id', message: 'Listed more than once' }]);
  });

  it(`refuses more than ${MAX_WORKFLOW_STATUSES} statuses`, () => {
    const many = Array.from({ length: MAX_WORKFLOW_STATUSES + 1 }, (_, i) => ({
      name: `S${i}`,
      category: i === 0 ? ('todo' as const) : ('done' as const),
    }));
    expect(issuesOf(CURRENT, many)).toEqual([
      { field: 'body', message: `Must list 1–${MAX_WORKFLOW_STATUSES} statuses` },
    ]);
    expect(() =>
      planWorkflow(CURRENT, many.slice(0, MAX_WORKFLOW_STATUSES), counter()),
    ).not.toThrow();
  });

  it('reports every broken rule at once', () => {
    expect(
      issuesOf(CURRENT, [
        { name: '', category: 'in_progress' },
        { id: 'nope', name: 'x'.repeat(60), category: 'in_progress' },
      ]).map((issue) => issue.field),
    ).toEqual(['0.name', '1.name', '1.id', 'body', 'body']);
  });
});

describe('moveTarget', () => {
  const [todo, progress, , done] = CURRENT;
  const plan = planWorkflow(
    CURRENT,
    [todo!, { name: 'Doing', category: 'in_progress' }, { ...done!, name: 'Shipped' }],
    counter(),
  );

  it('finds a kept status by id, and any status of the new list by name, ignoring case and spaces', () => {
    expect(moveTarget(plan, todo!.id)).toEqual(todo);
    expect(moveTarget(plan, ' shipped ')).toEqual({ ...done!, name: 'Shipped', position: 2 });
    expect(moveTarget(plan, 'DOING')).toEqual({
      id: 'new-1',
      name: 'Doing',
      category: 'in_progress',
      position: 1,
    });
  });

  it.each([
    ['a dropped status by id', progress!.id],
    ['a dropped status by name', 'In Review'],
    ['an old name of a kept status', done!.name],
    ['nothing at all', 'Nowhere'],
  ])('refuses %s with a move_to error', (_label, ref) => {
    expect(() => moveTarget(plan, ref)).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'move_to' })] }),
    );
  });
});

describe('statusNamed', () => {
  const statuses: WorkflowStatus[] = [
    { id: '0190a0b0-0000-7000-8000-00000000000a', name: 'To Do', category: 'todo', position: 0 },
    { id: '0190a0b0-0000-7000-8000-00000000000b', name: 'Done', category: 'done', position: 1 },
    // A name that looks like an id is never found by it: a UUID is always read as an id.
    {
      id: '0190a0b0-0000-7000-8000-00000000000c',
      name: '0190a0b0-0000-7000-8000-00000000000a',
      category: 'done',
      position: 2,
    },
  ];
  const [todo, done] = statuses;

  it('finds a status by id (any case) or by name (any case, surrounding spaces ignored)', () => {
    expect(statusNamed(statuses, todo!.id)).toBe(todo);
    expect(statusNamed(statuses, done!.id.toUpperCase())).toBe(done);
    expect(statusNamed(statuses, 'to do')).toBe(todo);
    expect(statusNamed(statuses, '  DONE ')).toBe(done);
  });

  it('finds nothing for an unknown name or an id of another workflow', () => {
    expect(statusNamed(statuses, 'Doing')).toBeUndefined();
    expect(statusNamed(statuses, 'To')).toBeUndefined();
    expect(statusNamed(statuses, '0190a0b0-0000-7000-8000-0000000000ff')).toBeUndefined();
  });
});
