// Task watchers over the real repositories: watching oneself with read access, putting others on
// or off the list with task:update, members who may see the task only, idempotent adding, pages
// in the order added, the write window, and the audit entries.
import { describe, expect, it } from 'vitest';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { updateOrganization } from '../../../../src/application/organizations/update-organization.js';
import { createTask, type CreateTaskInput } from '../../../../src/application/tasks/create-task.js';
import { addWatcher } from '../../../../src/application/tasks/add-watcher.js';
import { listWatchers } from '../../../../src/application/tasks/list-watchers.js';
import { removeWatcher } from '../../../../src/application/tasks/remove-watcher.js';
import {
  ForbiddenError,
  NotFoundError,
  OutsideWorkingHoursError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import type { Task } from '../../../../src/domain/tasks/task.js';
import { WEEKDAYS } from '../../../../src/domain/tasks/write-window.js';
import { aUser } from '../actors.js';
import { depsOfThisFile } from '../deps.js';
import {
  accessWithRole,
  anOrganization,
  apiKeyAccess,
  auditOf,
  aBoard as newBoard,
  type Board,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

const aBoard = (): Promise<Board> => newBoard(deps);

const aTask = (board: Board, input: Partial<CreateTaskInput> = {}, by = board.world.owner) =>
  createTask(deps, by, board.project.id, { title: 'Fix the build', ...input });

const idOf = (access: OrganizationAccess) => access.grant.actorId;

async function watcherIds(task: Task, by: OrganizationAccess): Promise<string[]> {
  return (await listWatchers(deps, by, task.id, { limit: 200 })).items.map((w) => w.userId);
}

async function fieldOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).details.map((detail) => detail.field);
}

describe('addWatcher', () => {
  it('puts the caller on the list (added), then again changes nothing (not added)', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const member = await accessWithRole(deps, board.world, 'member');

    const first = await addWatcher(deps, member, task.key, {});
    expect(first).toEqual({
      added: true,
      watcher: {
        taskId: task.id,
        userId: idOf(member),
        name: 'Someone',
        addedAt: deps.clock.now(),
      },
    });
    deps.clock.advance(60_000);
    const again = await addWatcher(deps, member, task.id, { userId: idOf(member) });
    expect(again).toEqual({ added: false, watcher: first.watcher });

    expect(await watcherIds(task, board.world.owner)).toEqual([idOf(member)]);
    expect(await auditOf(deps, board.world, 'task.watcher_added')).toEqual([
      expect.objectContaining({
        actorId: idOf(member),
        targetType: 'task',
        targetId: task.id,
        changes: { user_id: idOf(member) },
      }),
    ]);
  });

  it('lets a viewer watch, and a requester watch what it requested (404 for the rest)', async () => {
    const board = await aBoard();
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    const requester = await accessWithRole(deps, board.world, 'requester');
    const requested = await aTask(board, {}, requester);
    const other = await aTask(board);

    await addWatcher(deps, viewer, other.id, {});
    await addWatcher(deps, requester, requested.id, {});
    await expect(addWatcher(deps, requester, other.id, {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await watcherIds(other, board.world.owner)).toEqual([idOf(viewer)]);
    expect(await watcherIds(requested, board.world.owner)).toEqual([idOf(requester)]);
  });

  it('puts someone else on the list with task:update on the task only', async () => {
    const board = await aBoard();
    const assignee = await accessWithRole(deps, board.world, 'member');
    const bystander = await accessWithRole(deps, board.world, 'member');
    const manager = await accessWithRole(deps, board.world, 'manager');
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    const task = await aTask(board, { assigneeId: idOf(assignee) });

    await expect(
      addWatcher(deps, bystander, task.id, { userId: idOf(viewer) }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // A viewer is refused before the task is looked up: 403 even for a task that does not exist.
    await expect(
      addWatcher(deps, viewer, 'NOPE-1', { userId: idOf(bystander) }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await addWatcher(deps, assignee, task.id, { userId: idOf(viewer) });
    deps.clock.advance(1000);
    await addWatcher(deps, manager, task.id, { userId: idOf(bystander) });

    expect(await watcherIds(task, viewer)).toEqual([idOf(viewer), idOf(bystander)]);
  });

  it('takes only members who may see the task (422 on user_id)', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const requester = await accessWithRole(deps, board.world, 'requester');
    const stranger = await aUser(deps);
    const elsewhere = await anOrganization(deps);

    for (const userId of [stranger.userId, elsewhere.owner.grant.actorId, idOf(requester)]) {
      expect(await fieldOf(addWatcher(deps, board.world.owner, task.id, { userId }))).toEqual([
        'user_id',
      ]);
    }
    expect(await watcherIds(task, board.world.owner)).toEqual([]);
    const requested = await aTask(board, {}, requester);
    await addWatcher(deps, board.world.owner, requested.id, { userId: idOf(requester) });
    expect(await watcherIds(requested, board.world.owner)).toEqual([idOf(requester)]);
  });

  it('has an API key name the user (it watches nothing itself)', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const key = await apiKeyAccess(deps, board.world, 'manager');
    const member = await accessWithRole(deps, board.world, 'member');

    expect(await fieldOf(addWatcher(deps, key, task.id, {}))).toEqual(['user_id']);
    expect(await fieldOf(addWatcher(deps, key, task.id, { userId: idOf(key) }))).toEqual([
      'user_id',
    ]);
    await addWatcher(deps, key, task.id, { userId: idOf(member) });
    expect(await watcherIds(task, board.world.owner)).toEqual([idOf(member)]);
  });

  it('answers 404 for another organization’s task', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const elsewhere = await anOrganization(deps);
    await expect(addWatcher(deps, elsewhere.owner, task.id, {})).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('holds watching to the write window at the task’s priority', async () => {
    const board = await aBoard();
    const member = await accessWithRole(deps, board.world, 'member');
    const low = await aTask(board, { priority: 'low' });
    const critical = await aTask(board, { priority: 'critical' });
    const today = (deps.clock.now().getUTCDay() + 6) % 7;
    await updateOrganization(deps, board.world.owner, {
      writeWindow: {
        start: '00:00',
        end: '00:00',
        days: [WEEKDAYS[(today + 3) % 7]!],
        roles: ['member'],
      },
    });
    const held = await resolveAccess(deps, member.principal, board.world.organizationId);

    await expect(addWatcher(deps, held, low.id, {})).rejects.toBeInstanceOf(
      OutsideWorkingHoursError,
    );
    await expect(addWatcher(deps, held, critical.id, {})).resolves.toMatchObject({ added: true });
    await addWatcher(deps, board.world.owner, low.id, { userId: idOf(member) });
    await expect(removeWatcher(deps, held, low.id, idOf(member))).rejects.toBeInstanceOf(
      OutsideWorkingHoursError,
    );
    expect(await watcherIds(low, board.world.owner)).toEqual([idOf(member)]);
  });
});

describe('listWatchers', () => {
  it('pages in the order added, leaving out those who left the organization', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const people: OrganizationAccess[] = [];
    for (let i = 0; i < 4; i += 1) {
      const person = await accessWithRole(deps, board.world, 'member');
      people.push(person);
      await addWatcher(deps, person, task.id, {});
      if (i % 2 === 1) deps.clock.advance(1000);
    }
    const [first, second, third, fourth] = people.map(idOf);
    const organizationId = board.world.organizationId;
    await deps.uow.run((tx) => tx.memberships.remove(organizationId, third!), { organizationId });

    const page1 = await listWatchers(deps, board.world.owner, task.key, { limit: 2 });
    expect(page1.items.map((w) => w.userId)).toEqual([first, second]);
    const page2 = await listWatchers(deps, board.world.owner, task.key, {
      limit: 2,
      after: page1.next!,
    });
    expect(page2.items.map((w) => w.userId)).toEqual([fourth]);
    expect(page2.next).toBeNull();
  });

  it('shows the list only to whoever sees the task', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const requester = await accessWithRole(deps, board.world, 'requester');
    const elsewhere = await anOrganization(deps);
    await expect(listWatchers(deps, requester, task.id, { limit: 5 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(listWatchers(deps, elsewhere.owner, task.id, { limit: 5 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('removeWatcher', () => {
  it('lets anyone who sees the task stop watching it, audited', async () => {
    const board = await aBoard();
    const task = await aTask(board);
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    await addWatcher(deps, viewer, task.id, {});

    await removeWatcher(deps, viewer, task.key, idOf(viewer));

    expect(await watcherIds(task, board.world.owner)).toEqual([]);
    expect(await auditOf(deps, board.world, 'task.watcher_removed')).toEqual([
      expect.objectContaining({
        actorId: idOf(viewer),
        targetId: task.id,
        changes: { user_id: idOf(viewer) },
      }),
    ]);
    await expect(removeWatcher(deps, viewer, task.id, idOf(viewer))).rejects.toMatchObject({
      resource: 'watcher',
    });
  });

  it('takes someone else off only with task:update on the task', async () => {
    const board = await aBoard();
    const reporter = await accessWithRole(deps, board.world, 'member');
    const bystander = await accessWithRole(deps, board.world, 'member');
    const viewer = await accessWithRole(deps, board.world, 'viewer');
    const task = await aTask(board, {}, reporter);
    await addWatcher(deps, viewer, task.id, {});
    deps.clock.advance(1000);
    await addWatcher(deps, bystander, task.id, {});

    await expect(removeWatcher(deps, bystander, task.id, idOf(viewer))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(removeWatcher(deps, viewer, task.id, idOf(bystander))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await watcherIds(task, board.world.owner)).toEqual([idOf(viewer), idOf(bystander)]);

    await removeWatcher(deps, reporter, task.id, idOf(viewer));
    await expect(removeWatcher(deps, reporter, task.id, idOf(viewer))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await watcherIds(task, board.world.owner)).toEqual([idOf(bystander)]);
  });
});
