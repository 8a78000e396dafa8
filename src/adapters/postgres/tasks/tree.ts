// The task tree: its per-project lock, a parent's ancestry, and the height of a subtree.
import { sql } from 'kysely';
import type { TaskRepository } from '../../../application/tasks/ports.js';
import { advisoryXactLock } from '../advisory-lock.js';
import type { Db } from '../database.js';
import { defer } from '../wire/index.js';

export function taskTree(db: Db): Pick<TaskRepository, 'lockTree' | 'ancestry' | 'subtreeHeight'> {
  return {
    async lockTree(organizationId, projectId) {
      const tree = `${organizationId}:${projectId}:tree`;
      await defer(db, db.selectNoFrom(advisoryXactLock(tree).as('locked')));
    },

    async ancestry(organizationId, parentId) {
      const { rows } = await sql<{ id: string }>`
        with recursive chain (id, parent_id, depth) as (
          select id, parent_id, 1 from tasks
          where organization_id = ${organizationId} and id = ${parentId}
          union all
          select t.id, t.parent_id, c.depth + 1 from tasks as t
          join chain as c on t.organization_id = ${organizationId} and t.id = c.parent_id
          where c.depth < 50
        )
        select id from chain order by depth
      `.execute(db);
      return rows.map((row) => row.id);
    },

    async subtreeHeight(organizationId, taskId) {
      const { rows } = await sql<{ height: number }>`
        with recursive tree (id, depth) as (
          select id, 1 from tasks where organization_id = ${organizationId} and id = ${taskId}
          union all
          select t.id, tree.depth + 1 from tasks as t
          join tree on t.organization_id = ${organizationId} and t.parent_id = tree.id
          where tree.depth < 50
        )
        select max(depth)::int as height from tree
      `.execute(db);
      return rows[0]?.height ?? 1;
    },
  };
}
