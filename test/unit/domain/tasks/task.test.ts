// Task rules: what a title, a description and hours must be, when a due date is too early, when a
// task counts as completed, which references are task keys, and where a parent may be.
import { describe, expect, it } from 'vitest';
import { issueOf } from '../../../support/builders/domain.js';
import {
  assertDueAtOnCreate,
  assertParentAllowed,
  completedAtAfter,
  hours,
  MAX_TASK_DEPTH,
  ownershipOf,
  parseTaskKey,
  taskDescription,
  taskKey,
  taskTitle,
} from '../../../../src/domain/tasks/task.js';

describe('taskTitle', () => {
  it.each([
    ['a title', 'Fix the login', 'Fix the login'],
    ['surrounding white space, trimmed', '  Fix the login\t', 'Fix the login'],
    ['one character', 'x', 'x'],
    ['500 characters', 'x'.repeat(500), 'x'.repeat(500)],
    ['500 characters and spaces', ` ${'y'.repeat(500)} `, 'y'.repeat(500)],
    // Characters, as the table's char_length counts them: 500 emoji are 1000 UTF-16 units.
    ['500 emoji', '🐞'.repeat(500), '🐞'.repeat(500)],
  ])('accepts %s', (_, raw, title) => {
    expect(taskTitle(raw)).toBe(title);
  });

  it.each([
    ['nothing', '', 'Must not be empty'],
    ['only white space', ' \n\t ', 'Must not be empty'],
    ['501 characters', 'x'.repeat(501), 'Must be at most 500 characters'],
    ['501 emoji', '🐞'.repeat(501), 'Must be at most 500 characters'],
  ])('refuses %s on the title field', (_, raw, message) => {
    expect(issueOf(() => taskTitle(raw))).toEqual([{ field: 'title', message }]);
  });

  it('names the field it is told to', () => {
    expect(issueOf(() => taskTitle('', 'tasks.3.title'))).toEqual([
      { field: 'tasks.3.title', message: 'Must not be empty' },
    ]);
  });
});

describe('taskDescription', () => {
  it('keeps the text as written (no trimming), empty included, up to 50000 characters', () => {
    expect(taskDescription('')).toBe('');
    expect(taskDescription('  Steps:\n1. log in\n')).toBe('  Steps:\n1. log in\n');
    expect(taskDescription('d'.repeat(50_000))).toBe('d'.repeat(50_000));
    expect(taskDescription('🐞'.repeat(50_000))).toBe('🐞'.repeat(50_000));
  });

  it('refuses 50001 characters on the description field', () => {
    expect(issueOf(() => taskDescription('d'.repeat(50_001)))).toEqual([
      { field: 'description', message: 'Must be at most 50000 characters' },
    ]);
    expect(issueOf(() => taskDescription('🐞'.repeat(50_001)))).toEqual([
      { field: 'description', message: 'Must be at most 50000 characters' },
    ]);
  });
});

describe('hours', () => {
  it.each([null, 0, 0.25, 8, 99_999.5, 100_000])('accepts %j', (value) => {
    expect(hours(value, 'estimate_hours')).toBe(value);
  });

  it.each([-0.01, -1, 100_000.01, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses %j on the field it names',
    (value) => {
      expect(issueOf(() => hours(value, 'actual_hours'))).toEqual([
        { field: 'actual_hours', message: 'Must be between 0 and 100000' },
      ]);
    },
  );
});

describe('assertDueAtOnCreate', () => {
  const now = new Date('2026-03-02T10:00:00.000Z');
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

  it.each([
    ['no due date', null],
    ['a year ahead', at(365 * 86_400_000)],
    ['now', now],
    ['a second ago (clock skew)', at(-1_000)],
    ['exactly a minute ago (the skew forgiven)', at(-60_000)],
  ])('accepts %s', (_, dueAt) => {
    expect(() => assertDueAtOnCreate(dueAt, now)).not.toThrow();
  });

  it.each([
    ['a minute and a millisecond ago', at(-60_001)],
    ['yesterday', at(-86_400_000)],
    ['the epoch', new Date(0)],
  ])('refuses %s on due_at', (_, dueAt) => {
    expect(issueOf(() => assertDueAtOnCreate(dueAt, now))).toEqual([
      { field: 'due_at', message: 'Must not be in the past' },
    ]);
  });
});

describe('completedAtAfter', () => {
  const now = new Date('2026-03-02T10:00:00.000Z');
  const earlier = new Date('2026-02-01T08:00:00.000Z');

  it('sets the time a task enters done', () => {
    expect(completedAtAfter(null, 'done', now)).toEqual(now);
  });

  it('keeps the first completion while the task moves between done statuses', () => {
    expect(completedAtAfter(earlier, 'done', now)).toBe(earlier);
  });

  it.each(['todo', 'in_progress'] as const)('clears it when the task is in %s', (category) => {
    expect(completedAtAfter(earlier, category, now)).toBeNull();
    expect(completedAtAfter(null, category, now)).toBeNull();
  });
});

describe('parseTaskKey and taskKey', () => {
  it.each([
    ['RE-1', 'RE', 1],
    ['RE-42', 'RE', 42],
    ['ABCDEFGHIJ-7', 'ABCDEFGHIJ', 7],
    ['RE-123456789', 'RE', 123_456_789],
    ['RE-999999999', 'RE', 999_999_999],
  ])('reads %s', (ref, projectKey, number) => {
    expect(parseTaskKey(ref)).toEqual({ projectKey, number });
    expect(taskKey(projectKey, number)).toBe(ref);
  });

  it.each([
    ['RE-0', 'numbers start at 1'],
    ['RE-01', 'a leading zero'],
    ['RE-00', 'zeros'],
    ['re-1', 'a lower-case key (keys are upper-case)'],
    ['Re-1', 'a mixed-case key'],
    ['R-1', 'a one-letter key'],
    ['ABCDEFGHIJK-1', 'an eleven-letter key'],
    ['RE-1234567890', 'ten digits (beyond the integer column)'],
    ['RE-', 'no number'],
    ['-1', 'no key'],
    ['RE1', 'no hyphen'],
    ['RE--1', 'two hyphens'],
    ['RE-1-2', 'a second number'],
    ['RE-+1', 'a sign'],
    ['RE-1.0', 'a decimal'],
    ['RE-1e3', 'an exponent'],
    [' RE-1', 'leading space'],
    ['RE-1 ', 'trailing space'],
    ['RE-1\n', 'a trailing newline'],
    ['R2-1', 'a digit in the key'],
    ['ÄB-1', 'a non-ASCII letter'],
    ['RE-١', 'a non-ASCII digit'],
    ['0195b4a0-7a1e-7c3d-9f00-000000000001', 'a UUID'],
    ['', 'nothing'],
  ])('refuses %j (%s)', (ref) => {
    expect(parseTaskKey(ref)).toBeUndefined();
  });
});

describe('ownershipOf', () => {
  it('makes the reporter creator and requester, and keeps the assignee', () => {
    expect(ownershipOf({ reporterId: 'r', assigneeId: 'a' })).toEqual({
      createdBy: 'r',
      assigneeId: 'a',
      requestedBy: 'r',
    });
    expect(ownershipOf({ reporterId: 'r', assigneeId: null })).toEqual({
      createdBy: 'r',
      assigneeId: null,
      requestedBy: 'r',
    });
  });
});

describe('assertParentAllowed', () => {
  const CYCLE = { field: 'parent_id', message: 'A task cannot be its own ancestor' };
  const TOO_DEEP = {
    field: 'parent_id',
    message: `Subtasks may nest at most ${MAX_TASK_DEPTH} levels deep`,
  };
  const chain = (length: number) => Array.from({ length }, (_, i) => `a${i + 1}`);

  it('allows five levels and no more', () => {
    expect(MAX_TASK_DEPTH).toBe(5);
  });

  type Row = readonly [
    why: string,
    taskId: string | undefined,
    ancestry: readonly string[],
    height: number | undefined,
    issue: typeof CYCLE | undefined,
  ];
  it.each<Row>([
    ['a new task under a top-level task', undefined, chain(1), undefined, undefined],
    ['a new task at level 5', undefined, chain(4), undefined, undefined],
    ['a new task at level 6', undefined, chain(5), undefined, TOO_DEEP],
    ['a leaf moved to level 5', 't', chain(4), 1, undefined],
    ['a leaf moved to level 6', 't', chain(5), 1, TOO_DEEP],
    ['a two-level subtree under level 3', 't', chain(3), 2, undefined],
    ['a two-level subtree under level 4', 't', chain(4), 2, TOO_DEEP],
    ['a five-level subtree that stays top-level', 't', [], 5, undefined],
    ['a five-level subtree under a top-level task', 't', chain(1), 5, TOO_DEEP],
    ['a four-level subtree under a top-level task', 't', chain(1), 4, undefined],
    ['the task as its own parent', 't', ['t'], 1, CYCLE],
    ['the task under its child', 't', ['c', 't'], 2, CYCLE],
    ['the task under a deep descendant', 't', ['d', 'c', 'b', 't'], 4, CYCLE],
    [
      'a cycle that is also too deep (the cycle is named)',
      't',
      ['a', 'b', 'c', 'd', 't'],
      3,
      CYCLE,
    ],
    ['a task among other trees', 't', ['x', 'y'], 1, undefined],
  ])('%s', (_, taskId, ancestry, height, issue) => {
    const rule = () => assertParentAllowed(taskId, ancestry, height);
    if (issue === undefined) expect(rule).not.toThrow();
    else expect(issueOf(rule)).toEqual([issue]);
  });
});
