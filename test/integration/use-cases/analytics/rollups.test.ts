// The analytics rollups (migration 0034) against a full recount, on PostgreSQL and PGlite: after
// a seeded random run of every kind of task write (create, PATCH of assignee, type, priority,
// estimate and hours, moves, bulk changes, delete, restore, a workflow replacement that moves a
// column's tasks, a project deleted and restored), the figures read from the rollups equal the
// figures counted from the tasks, before the worker folds the deltas in, after, and after more
// writes; and for a project, an assignee and a team as well as the whole organization.
import { describe, expect, it } from 'vitest';
import type { AnalyticsSelection } from '../../../../src/application/analytics/ports.js';
import { bulkUpdateTasks } from '../../../../src/application/tasks/bulk.js';
import { createTask } from '../../../../src/application/tasks/create-task.js';
import { deleteTask } from '../../../../src/application/tasks/delete-task.js';
import { moveTask } from '../../../../src/application/tasks/move-task.js';
import { restoreTask } from '../../../../src/application/tasks/restore-task.js';
import { updateTask } from '../../../../src/application/tasks/update-task.js';
import { deleteProject } from '../../../../src/application/projects/delete-project.js';
import { restoreProject } from '../../../../src/application/projects/restore-project.js';
import { replaceWorkflow } from '../../../../src/application/projects/replace-workflow.js';
import { getWorkflow } from '../../../../src/application/projects/get-workflow.js';
import { PRIORITIES, type Task } from '../../../../src/domain/tasks/task.js';
import { accessWithRole, aBoard, aProject } from '../../../support/builders/use-cases.js';
import { depsOfThisFile } from '../deps.js';

const deps = depsOfThisFile();

/** mulberry32: the same run every time. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the analytics rollups', () => {
  it('agree with a full recount through every kind of write, folded or not', async () => {
    const random = seeded(20261206);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const board = await aBoard(deps);
    const { world } = board;
    const org = world.organizationId;
    const second = await aProject(deps, world);
    const people = await Promise.all([1, 2, 3].map(() => accessWithRole(deps, world, 'member')));
    const assignees = [null, ...people.map((p) => (p.principal as { userId: string }).userId)];
    const team = await deps.uow.run(
      async (tx) => {
        const created = await tx.teams.create({
          id: deps.ids.next(),
          organizationId: org,
          name: 'Desk',
          description: '',
          now: deps.clock.now(),
        });
        await tx.teams.addMember({
          id: deps.ids.next(),
          organizationId: org,
          teamId: created.id,
          userId: assignees[1]!,
          now: deps.clock.now(),
        });
        return created;
      },
      { organizationId: org },
    );
    const projects = [board.project, second];
    const tasks: Task[] = [];
    const owner = world.owner;

    const compare = async () => {
      const now = deps.clock.now();
      const selections: AnalyticsSelection[] = [
        {},
        { projectId: second.id },
        { assigneeId: assignees[1]! },
        { teamId: team.id },
      ];
      for (const selection of selections) {
        const [fromRollups, counted] = await deps.uow.read(
          (tx) =>
            Promise.all([
              tx.analytics.current(org, selection, { now, me: assignees[2]! }),
              tx.analytics.recount(org, selection, { now, me: assignees[2]! }),
            ]),
          { organizationId: org },
        );
        expect(fromRollups, JSON.stringify(selection)).toEqual(counted);
      }
    };

    const step = async () => {
      const roll = random();
      const live = tasks.filter((task) => task.deletedAt === null);
      if (roll < 0.3 || live.length < 5) {
        const project = pick(projects);
        tasks.push(
          await createTask(deps, owner, project.id, {
            title: 'Work',
            priority: pick(PRIORITIES),
            assigneeId: pick(assignees) ?? undefined,
            type: random() < 0.5 ? 'Bug' : undefined,
            estimateHours: random() < 0.6 ? Math.round(random() * 20) : undefined,
          }),
        );
        return;
      }
      const task = pick(live);
      const replace = (next: Task) => tasks.splice(tasks.indexOf(task), 1, next);
      if (roll < 0.5) {
        const statuses = await getWorkflow(deps, owner, task.projectId);
        replace(await moveTask(deps, owner, task.id, { statusId: pick(statuses).id }));
      } else if (roll < 0.7) {
        replace(
          await updateTask(deps, owner, task.id, {
            assigneeId: pick(assignees),
            priority: pick(PRIORITIES),
            type: random() < 0.5 ? null : 'Task',
            estimateHours: random() < 0.3 ? null : Math.round(random() * 20),
            actualHours: random() < 0.5 ? null : Math.round(random() * 20),
          }),
        );
      } else if (roll < 0.8) {
        const chosen = live.filter((t) => t.projectId === task.projectId).slice(0, 4);
        await bulkUpdateTasks(deps, owner, {
          taskIds: chosen.map((t) => t.id),
          set: { priority: pick(PRIORITIES), assigneeId: pick(assignees) },
        });
      } else if (roll < 0.9) {
        await deleteTask(deps, owner, task.id);
        replace({ ...task, deletedAt: deps.clock.now() });
      } else {
        const deleted = tasks.filter((t) => t.deletedAt !== null);
        if (deleted.length === 0) return;
        const back = pick(deleted);
        tasks.splice(tasks.indexOf(back), 1, await restoreTask(deps, owner, back.id));
      }
    };

    for (let i = 0; i < 60; i++) await step();
    await compare();
    expect(await deps.repos.analytics.foldRollups()).toBeGreaterThan(0);
    await compare();

    // A workflow replacement that drops a column moves its tasks in one statement.
    const statuses = await getWorkflow(deps, owner, board.project.id);
    const dropped = statuses.find((s) => s.name === 'In Review')!;
    await replaceWorkflow(deps, owner, board.project.id, {
      statuses: statuses.filter((s) => s !== dropped),
      moveTo: statuses.find((s) => s.category === 'done')!.id,
    });
    await deleteProject(deps, owner, second.id);
    await compare();
    await restoreProject(deps, owner, second.id);
    for (let i = 0; i < 40; i++) await step();
    await compare();
    await deps.repos.analytics.foldRollups();
    await compare();
  });
});
