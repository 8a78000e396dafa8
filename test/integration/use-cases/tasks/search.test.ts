// Task search over the real repositories: what matches (title, description, comments), in which
// order, what each caller may see, and keyset pages that neither repeat nor skip a task.
import { describe, expect, it } from 'vitest';
import type { OrganizationAccess } from '../../../../src/application/access/resolve-access.js';
import { createRole } from '../../../../src/application/access/create-role.js';
import { deleteProject } from '../../../../src/application/projects/delete-project.js';
import { createComment } from '../../../../src/application/tasks/create-comment.js';
import {
  searchTasks,
  type SearchTasksInput,
  type TaskSearchPage,
} from '../../../../src/application/tasks/search.js';
import { createTask, type CreateTaskInput } from '../../../../src/application/tasks/create-task.js';
import { deleteTask } from '../../../../src/application/tasks/delete-task.js';
import type { Project } from '../../../../src/domain/projects/project.js';
import { NotFoundError, ValidationError } from '../../../../src/domain/shared/errors.js';
import type { Task } from '../../../../src/domain/tasks/task.js';
import { depsOfThisFile } from '../deps.js';
import {
  accessWithRole,
  aProject,
  aBoard as newBoard,
  type Board,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const aBoard = (): Promise<Board> => newBoard(deps);

const aTask = (
  board: Board,
  input: Partial<CreateTaskInput> = {},
  by: OrganizationAccess = board.world.owner,
  project: Project = board.project,
) => createTask(deps, by, project.id, { title: 'Unrelated work', ...input });

const search = (by: OrganizationAccess, q: string, input: Partial<SearchTasksInput> = {}) =>
  searchTasks(deps, by, { q, limit: 50, ...input });

const keysOf = (page: TaskSearchPage) => page.items.map((item) => item.task.key);

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected a rejection');
}

/** Every page of the search, `limit` at a time, following the cursors. */
async function allPages(by: OrganizationAccess, q: string, limit: number) {
  const pages: TaskSearchPage[] = [];
  let after: TaskSearchPage['next'] | undefined;
  do {
    const page = await search(by, q, { limit, after: after ?? undefined });
    pages.push(page);
    after = page.next;
  } while (after !== null && pages.length < 20);
  return pages;
}

describe('searchTasks: what matches and in which order', () => {
  it('ranks a title match above a description match above a comment-only match', async () => {
    const board = await aBoard();
    const inComment = await aTask(board, { title: 'Review the backlog' });
    await createComment(deps, board.world.owner, inComment.id, { body: 'The gateway times out' });
    const inDescription = await aTask(board, {
      title: 'Slow checkout',
      description: 'Probably the gateway again',
    });
    const inTitle = await aTask(board, { title: 'Gateway returns 502' });
    await aTask(board, { title: 'Nothing to see', description: 'Really nothing' });

    const page = await search(board.world.owner, 'gateway');

    expect(keysOf(page)).toEqual([inTitle.key, inDescription.key, inComment.key]);
    const [title, description, comment] = page.items.map((item) => item.rank);
    expect(title).toBeGreaterThan(description!);
    expect(description).toBeGreaterThan(comment!);
    expect(comment).toBeGreaterThan(0);
    expect(page.next).toBeNull();
  });

  it('adds the best comment match to the task’s own match', async () => {
    const board = await aBoard();
    const titleOnly = await aTask(board, { title: 'Flaky upload' });
    const titleAndComments = await aTask(board, { title: 'Flaky upload again' });
    await createComment(deps, board.world.owner, titleAndComments.id, { body: 'Upload failed' });
    await createComment(deps, board.world.owner, titleAndComments.id, { body: 'Upload, upload' });

    const page = await search(board.world.owner, 'upload');

    expect(keysOf(page)).toEqual([titleAndComments.key, titleOnly.key]);
    expect(page.items).toHaveLength(2);
  });

  it('stems words and reads web search syntax: phrases, or, exclusion', async () => {
    const board = await aBoard();
    const logins = await aTask(board, { title: 'Logins are failing' });
    const phrase = await aTask(board, { title: 'Password reset link expired' });
    const excluded = await aTask(board, { title: 'Login on mobile' });

    expect(keysOf(await search(board.world.owner, 'login -mobile'))).toEqual([logins.key]);
    expect(keysOf(await search(board.world.owner, '"reset link"'))).toEqual([phrase.key]);
    expect(keysOf(await search(board.world.owner, '"link reset"'))).toEqual([]);
    expect(new Set(keysOf(await search(board.world.owner, 'password or mobile')))).toEqual(
      new Set([phrase.key, excluded.key]),
    );
  });

  it('returns the whole task with its text as the snippet, as stored, and the matched words', async () => {
    const board = await aBoard();
    const task = await aTask(board, {
      title: 'Tom & "Jerry" <b>crash</b>',
      description: 'It crashes\u0001 on\u0002\u0003 start',
      priority: 'high',
    });

    const [hit] = (await search(board.world.owner, 'crash')).items;

    expect(hit!.task).toEqual(task);
    expect(hit!.snippet).toBe('Tom & "Jerry" <b>crash</b>\nIt crashes\u0001 on\u0002\u0003 start');
    expect(hit!.highlights.map(({ start, end }) => hit!.snippet.slice(start, end))).toEqual([
      'crash',
      'crashes',
    ]);
  });

  it('finds nothing for a query of stop words only, and nothing of another organization', async () => {
    const board = await aBoard();
    const elsewhere = await aBoard();
    await aTask(board, { title: 'The and of' });
    await aTask(elsewhere, { title: 'Quasar alignment' });

    expect((await search(board.world.owner, 'the and')).items).toEqual([]);
    expect((await search(board.world.owner, 'quasar')).items).toEqual([]);
    expect(keysOf(await search(elsewhere.world.owner, 'quasar'))).toHaveLength(1);
  });

  it('leaves out deleted tasks and the tasks of deleted projects', async () => {
    const board = await aBoard();
    const doomedProject = await aProject(deps, board.world);
    const live = await aTask(board, { title: 'Orbit decay' });
    const deleted = await aTask(board, { title: 'Orbit decay twice' });
    await deleteTask(deps, board.world.owner, deleted.id);
    await aTask(board, { title: 'Orbit decay elsewhere' }, board.world.owner, doomedProject);
    await deleteProject(deps, board.world.owner, doomedProject.id);

    expect(keysOf(await search(board.world.owner, 'orbit'))).toEqual([live.key]);
  });

  it('keeps to one project with projectRef (id or key), and answers 404 for an unknown one', async () => {
    const board = await aBoard();
    const other = await aProject(deps, board.world);
    const here = await aTask(board, { title: 'Comet tail' });
    const there = await aTask(board, { title: 'Comet tail' }, board.world.owner, other);

    expect(keysOf(await search(board.world.owner, 'comet', { projectRef: other.id }))).toEqual([
      there.key,
    ]);
    expect(
      keysOf(await search(board.world.owner, 'comet', { projectRef: board.project.key })),
    ).toEqual([here.key]);
    expect(
      await rejectionOf(search(board.world.owner, 'comet', { projectRef: crypto.randomUUID() })),
    ).toBeInstanceOf(NotFoundError);
  });
});

describe('searchTasks: who sees what', () => {
  it('shows a requester only the tasks it requested, whatever matched', async () => {
    const board = await aBoard();
    const requester = await accessWithRole(deps, board.world, 'requester');
    const requested = await aTask(board, { title: 'Printer jam' }, requester);
    const assigned = await aTask(board, {
      title: 'Printer jam on floor 2',
      assigneeId: requester.grant.actorId,
    });
    await createComment(deps, board.world.owner, assigned.id, { body: 'printer again' });

    expect(keysOf(await search(requester, 'printer'))).toEqual([requested.key]);
    expect(keysOf(await search(board.world.owner, 'printer'))).toHaveLength(2);
  });

  it('shows a custom task:read:own role what it reported or is assigned, a viewer everything', async () => {
    const board = await aBoard();
    const role = await createRole(deps, board.world.owner, {
      name: 'Own tasks only',
      permissions: ['organization:read', 'project:read', 'task:read:own', 'task:create'],
    });
    const ownOnly = await accessWithRole(deps, board.world, role.id);
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    const reported = await aTask(board, { title: 'Fax machine' }, ownOnly);
    const assigned = await aTask(board, {
      title: 'Fax machine toner',
      assigneeId: ownOnly.grant.actorId,
    });
    const others = await aTask(board, { title: 'Fax machine paper' });

    expect(new Set(keysOf(await search(ownOnly, 'fax')))).toEqual(
      new Set([reported.key, assigned.key]),
    );
    expect(new Set(keysOf(await search(viewer, 'fax')))).toEqual(
      new Set([reported.key, assigned.key, others.key]),
    );
  });
});

describe('searchTasks: pages', () => {
  it('walks every match once, in rank order then id, across pages cut inside ties', async () => {
    const board = await aBoard();
    const tasks: Task[] = [];
    for (let i = 0; i < 7; i++) tasks.push(await aTask(board, { title: `Nebula survey ${i}` }));
    for (let i = 0; i < 3; i++) {
      tasks.push(await aTask(board, { title: `Survey ${i}`, description: 'nebula' }));
    }

    const whole = await search(board.world.owner, 'nebula', { limit: 50 });
    const pages = await allPages(board.world.owner, 'nebula', 3);

    expect(whole.items).toHaveLength(10);
    const ranked = [...whole.items].sort((a, b) =>
      a.rank !== b.rank ? b.rank - a.rank : a.task.id < b.task.id ? -1 : 1,
    );
    expect(whole.items.map((item) => item.task.id)).toEqual(ranked.map((item) => item.task.id));
    expect(new Set(whole.items.slice(0, 7).map((item) => item.rank)).size).toBe(1);
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 3, 1]);
    expect(pages.flatMap(keysOf)).toEqual(keysOf(whole));
    expect(pages.at(-1)!.next).toBeNull();
    expect(new Set(keysOf(whole))).toEqual(new Set(tasks.map((task) => task.key)));
  });

  it('ends exactly on a full last page', async () => {
    const board = await aBoard();
    for (let i = 0; i < 4; i++) await aTask(board, { title: `Pulsar ${i}` });

    const pages = await allPages(board.world.owner, 'pulsar', 2);

    expect(pages.map((page) => page.items.length)).toEqual([2, 2]);
    expect(pages[1]!.next).toBeNull();
  });
});

describe('searchTasks: the query', () => {
  it('refuses an empty or blank query and one over 200 characters (422 on q), trims the rest', async () => {
    const board = await aBoard();
    const task = await aTask(board, { title: 'Meteor shower' });
    for (const q of ['', '   \n', 'm'.repeat(201)]) {
      const error = await rejectionOf(search(board.world.owner, q));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual([
        { field: 'q', message: expect.any(String) },
      ]);
    }
    const padded = `  meteor${' '.repeat(200)}`;
    expect(keysOf(await search(board.world.owner, padded))).toEqual([task.key]);
  });
});
