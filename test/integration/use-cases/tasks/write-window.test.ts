// The write window on task writes: the roles it lists may create, change, move, delete and restore
// tasks only inside it, on their own wall clock (an API key on the organization's); critical work
// (or the priorities the window exempts) always goes through, and other roles are never held.
import { describe, expect, it } from 'vitest';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { updateOrganization } from '../../../../src/application/organizations/update-organization.js';
import { getWorkflow } from '../../../../src/application/projects/get-workflow.js';
import { createTask } from '../../../../src/application/tasks/create-task.js';
import { deleteTask } from '../../../../src/application/tasks/delete-task.js';
import { getTask } from '../../../../src/application/tasks/get-task.js';
import { moveTask } from '../../../../src/application/tasks/move-task.js';
import { restoreTask } from '../../../../src/application/tasks/restore-task.js';
import { taskHistory } from '../../../../src/application/tasks/task-history.js';
import { updateTask } from '../../../../src/application/tasks/update-task.js';
import type { Project } from '../../../../src/domain/projects/project.js';
import { OutsideWorkingHoursError } from '../../../../src/domain/shared/errors.js';
import type { Priority, Task } from '../../../../src/domain/tasks/task.js';
import type { WriteWindowInput } from '../../../../src/domain/tasks/write-window.js';
import { rejectionOf } from '../actors.js';
import { depsOfThisFile } from '../deps.js';
import {
  accessWithRole,
  anOrganization,
  apiKeyAccess,
  aProject,
  type World,
} from '../../../support/builders/use-cases.js';

const deps = depsOfThisFile();

// 2026-03-02 is a Monday; Amsterdam is at UTC+1 (CET) until 29 March.
const MONDAY_10_00_AMSTERDAM = '2026-03-02T09:00:00.000Z';
const MONDAY_20_00_AMSTERDAM = '2026-03-02T19:00:00.000Z';
const MONDAY_09_30_AMSTERDAM = '2026-03-02T08:30:00.000Z';
const SATURDAY_12_00_AMSTERDAM = '2026-03-07T11:00:00.000Z';

const OFFICE_HOURS: WriteWindowInput = {
  start: '09:00',
  end: '17:00',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  roles: ['member'],
};

/** Puts the test's clock at `iso` (forwards or backwards). */
function clockAt(iso: string) {
  deps.clock.advance(new Date(iso).getTime() - deps.clock.now().getTime());
}

interface WindowWorld extends World {
  readonly project: Project;
  /** The owner's access, read again after the window was set. */
  readonly owner: OrganizationAccess;
}

/**
 * An organization with a project and the write window set by the owner (null: a window set and
 * then removed).
 */
async function aWindowWorld(
  window: WriteWindowInput | null = OFFICE_HOURS,
  timezone?: string,
): Promise<WindowWorld> {
  clockAt(MONDAY_10_00_AMSTERDAM);
  const world = await anOrganization(deps);
  const project = await aProject(deps, world);
  await updateOrganization(deps, world.owner, {
    writeWindow: window ?? OFFICE_HOURS,
    ...(timezone !== undefined && { timezone }),
  });
  if (window === null) {
    const withWindow = await resolveAccess(deps, world.owner.principal, world.organizationId);
    await updateOrganization(deps, withWindow, { writeWindow: null });
  }
  const owner = await resolveAccess(deps, world.owner.principal, world.organizationId);
  if (window === null) expect(owner.organization.writeWindow).toBeNull();
  else expect(owner.organization.writeWindow).toMatchObject(window);
  return { ...world, owner, project };
}

/** A member with `role` whose own clock runs in `timezone`. */
async function aPerson(world: World, role: string, timezone: string): Promise<OrganizationAccess> {
  const access = await accessWithRole(deps, world, role);
  if (access.principal.kind !== 'user') throw new Error('expected a user');
  await deps.repos.users.update(access.principal.userId, { timezone }, deps.clock.now());
  return access;
}

/** A task of `by`, created inside the window. */
async function aTaskOf(
  world: WindowWorld,
  by: OrganizationAccess,
  priority: Priority = 'medium',
): Promise<Task> {
  clockAt(MONDAY_10_00_AMSTERDAM);
  return createTask(deps, by, world.project.key, { title: 'Fix the login', priority });
}

const statusesOf = (world: WindowWorld) => getWorkflow(deps, world.owner, world.project.id);

/** Every task write the window guards, each a fresh attempt on `task`. */
function writes(world: WindowWorld, by: OrganizationAccess, task: Task, doneStatusId: string) {
  return {
    create: () => createTask(deps, by, world.project.key, { title: 'After hours' }),
    update: () => updateTask(deps, by, task.id, { title: 'Renamed after hours' }),
    move: () => moveTask(deps, by, task.id, { statusId: doneStatusId }),
    delete: () => deleteTask(deps, by, task.id),
  };
}

async function expectRefused(attempt: Promise<unknown>) {
  const error = await rejectionOf(attempt);
  expect(error).toBeInstanceOf(OutsideWorkingHoursError);
  return error as OutsideWorkingHoursError;
}

describe('the write window on task writes', () => {
  it('refuses a member’s create, update, move and delete at 20:00 on their clock, and changes nothing', async () => {
    const world = await aWindowWorld();
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    const task = await aTaskOf(world, member);
    const done = (await statusesOf(world)).at(-1)!;

    clockAt(MONDAY_20_00_AMSTERDAM);
    for (const [name, write] of Object.entries(writes(world, member, task, done.id))) {
      const error = await expectRefused(write());
      expect(error.message, name).toBe(
        'Writes are allowed 09:00–17:00 on mon, tue, wed, thu, fri in your timezone (Europe/Amsterdam)',
      );
    }
    expect(await getTask(deps, member, task.id)).toEqual(task);
    const history = await taskHistory(deps, member, task.id, { limit: 10 });
    expect(history.items.map((h) => h.action)).toEqual(['created']);
  });

  it('allows the same writes at 10:00 on their clock', async () => {
    const world = await aWindowWorld();
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    const task = await aTaskOf(world, member);
    const done = (await statusesOf(world)).at(-1)!;

    clockAt(MONDAY_10_00_AMSTERDAM);
    const { create, update, move, delete: remove } = writes(world, member, task, done.id);
    expect(await create()).toMatchObject({ title: 'After hours' });
    expect(await update()).toMatchObject({ title: 'Renamed after hours', version: 2 });
    expect(await move()).toMatchObject({ statusId: done.id, version: 3 });
    await remove();
    expect(await restoreTask(deps, member, task.id)).toMatchObject({ deletedAt: null });
  });

  it('refuses a restore outside the window too', async () => {
    const world = await aWindowWorld();
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    const task = await aTaskOf(world, member);
    await deleteTask(deps, member, task.id);
    clockAt(SATURDAY_12_00_AMSTERDAM);
    await expectRefused(restoreTask(deps, member, task.id));
  });

  it('reads the window on each member’s own clock: 08:30 UTC is inside for Amsterdam, not for UTC', async () => {
    const world = await aWindowWorld();
    const amsterdam = await aPerson(world, 'member', 'Europe/Amsterdam');
    const utc = await aPerson(world, 'member', 'UTC');
    clockAt(MONDAY_09_30_AMSTERDAM);
    expect(await createTask(deps, amsterdam, world.project.key, { title: 'Early' })).toMatchObject({
      title: 'Early',
    });
    const error = await expectRefused(
      createTask(deps, utc, world.project.key, { title: 'Too early' }),
    );
    expect(error.message).toContain('in your timezone (UTC)');
  });

  it('refuses on a day the window does not list, whatever the hour', async () => {
    const world = await aWindowWorld();
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    clockAt(SATURDAY_12_00_AMSTERDAM);
    await expectRefused(createTask(deps, member, world.project.key, { title: 'Weekend' }));
  });

  it('lets critical work through outside the window: create, update, move and delete', async () => {
    const world = await aWindowWorld();
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    const critical = await aTaskOf(world, member, 'critical');
    const done = (await statusesOf(world)).at(-1)!;

    clockAt(MONDAY_20_00_AMSTERDAM);
    expect(
      await createTask(deps, member, world.project.key, {
        title: 'Production is down',
        priority: 'critical',
      }),
    ).toMatchObject({ priority: 'critical' });
    expect(await updateTask(deps, member, critical.id, { title: 'Still down' })).toMatchObject({
      title: 'Still down',
    });
    // The task's priority when the write starts decides: a critical task may be lowered…
    expect(await updateTask(deps, member, critical.id, { priority: 'high' })).toMatchObject({
      priority: 'high',
    });
    // …and then it is held to the window like any other.
    await expectRefused(updateTask(deps, member, critical.id, { title: 'Once more' }));

    const other = await aTaskOf(world, member, 'critical');
    clockAt(MONDAY_20_00_AMSTERDAM);
    expect(await moveTask(deps, member, other.id, { statusId: done.id })).toMatchObject({
      statusId: done.id,
    });
    await deleteTask(deps, member, other.id);
    expect(await restoreTask(deps, member, other.id)).toMatchObject({ deletedAt: null });
  });

  it('does not let a task out of the window by raising its priority to critical', async () => {
    const world = await aWindowWorld();
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    const task = await aTaskOf(world, member, 'high');
    clockAt(MONDAY_20_00_AMSTERDAM);
    await expectRefused(updateTask(deps, member, task.id, { priority: 'critical' }));
    expect(await getTask(deps, member, task.id)).toMatchObject({ priority: 'high', version: 1 });
  });

  it('exempts the priorities the window names, and only those', async () => {
    const world = await aWindowWorld({ ...OFFICE_HOURS, exemptPriorities: ['high'] });
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    clockAt(MONDAY_20_00_AMSTERDAM);
    expect(
      await createTask(deps, member, world.project.key, { title: 'High', priority: 'high' }),
    ).toMatchObject({ priority: 'high' });
    for (const priority of ['critical', 'medium', 'low'] as const) {
      await expectRefused(
        createTask(deps, member, world.project.key, { title: priority, priority }),
      );
    }
  });

  it('exempts nothing when the window names an empty list', async () => {
    const world = await aWindowWorld({ ...OFFICE_HOURS, exemptPriorities: [] });
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    clockAt(MONDAY_20_00_AMSTERDAM);
    await expectRefused(
      createTask(deps, member, world.project.key, { title: 'Down', priority: 'critical' }),
    );
  });

  it('does not hold roles the window does not list', async () => {
    const world = await aWindowWorld();
    const manager = await aPerson(world, 'manager', 'Europe/Amsterdam');
    const admin = await aPerson(world, 'admin', 'Europe/Amsterdam');
    const done = (await statusesOf(world)).at(-1)!;
    for (const access of [world.owner, admin, manager]) {
      const task = await aTaskOf(world, access);
      clockAt(MONDAY_20_00_AMSTERDAM);
      const { create, update, move, delete: remove } = writes(world, access, task, done.id);
      expect(await create()).toMatchObject({ title: 'After hours' });
      expect(await update()).toMatchObject({ version: 2 });
      expect(await move()).toMatchObject({ statusId: done.id });
      await remove();
    }
  });

  it('holds every role it lists: a requester too', async () => {
    const world = await aWindowWorld({ ...OFFICE_HOURS, roles: ['member', 'requester'] });
    const requester = await aPerson(world, 'requester', 'Europe/Amsterdam');
    clockAt(MONDAY_20_00_AMSTERDAM);
    await expectRefused(createTask(deps, requester, world.project.key, { title: 'Please' }));
    clockAt(MONDAY_10_00_AMSTERDAM);
    expect(await createTask(deps, requester, world.project.key, { title: 'Please' })).toMatchObject(
      { title: 'Please' },
    );
  });

  it('lets everyone write at any time when there is no window', async () => {
    const world = await aWindowWorld(null);
    const member = await aPerson(world, 'member', 'Europe/Amsterdam');
    clockAt(SATURDAY_12_00_AMSTERDAM);
    expect(await createTask(deps, member, world.project.key, { title: 'Weekend' })).toMatchObject({
      title: 'Weekend',
    });
  });

  it('evaluates an API key on the organization’s timezone', async () => {
    // Tokyo is UTC+9: Monday 02:00 UTC is 11:00 there, Monday 10:00 UTC is 19:00.
    const world = await aWindowWorld(OFFICE_HOURS, 'Asia/Tokyo');
    const key = await apiKeyAccess(deps, world, 'member');
    const utcMember = await aPerson(world, 'member', 'UTC');
    clockAt('2026-03-02T02:00:00.000Z');
    expect(await createTask(deps, key, world.project.key, { title: 'From CI' })).toMatchObject({
      title: 'From CI',
    });
    await expectRefused(createTask(deps, utcMember, world.project.key, { title: 'Night' }));

    clockAt('2026-03-02T10:00:00.000Z');
    const error = await expectRefused(
      createTask(deps, key, world.project.key, { title: 'From CI' }),
    );
    expect(error.message).toContain('(Asia/Tokyo)');
    expect(await createTask(deps, utcMember, world.project.key, { title: 'Day' })).toMatchObject({
      title: 'Day',
    });
  });

  it('holds an API key to the window only when its role is listed', async () => {
    const world = await aWindowWorld(OFFICE_HOURS, 'Asia/Tokyo');
    const key = await apiKeyAccess(deps, world, 'manager');
    clockAt('2026-03-02T10:00:00.000Z');
    expect(await createTask(deps, key, world.project.key, { title: 'From CI' })).toMatchObject({
      title: 'From CI',
    });
  });
});
