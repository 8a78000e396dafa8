// Task keys to ids, many at once: what a request names by key (a bulk change's tasks, a kanban
// neighbour, a parent filter) is looked up in one statement.
import { sql } from 'kysely';
import type { TaskRepository } from '../../../application/tasks/ports.js';
import { parseTaskKey, taskKey } from '../../../domain/tasks/task.js';
import type { Db } from '../database.js';

export function taskKeys(db: Db): Pick<TaskRepository, 'idsByKey'> {
  return {
    async idsByKey(organizationId, keys) {
      // Each key once, as the statement spells it back, with the spellings it was given in.
      const wanted = new Map<string, { projectKey: string; number: number; given: string[] }>();
      for (const given of keys) {
        const key = parseTaskKey(given.toUpperCase());
        if (key === undefined) continue;
        const spelled = taskKey(key.projectKey, key.number);
        const entry = wanted.get(spelled) ?? { ...key, given: [] };
        entry.given.push(given);
        wanted.set(spelled, entry);
      }
      const found = new Map<string, string>();
      if (wanted.size === 0) return found;
      const parsed = [...wanted.values()];
      const { rows } = await sql<{ key: string; id: string }>`
        select p.key || '-' || t.number as key, t.id
        from unnest(${parsed.map((k) => k.projectKey)}::text[], ${parsed.map((k) => k.number)}::int[])
          as wanted (project_key, number)
        join projects as p
          on p.organization_id = ${organizationId} and p.key = wanted.project_key
            and p.deleted_at is null
        join tasks as t
          on t.organization_id = p.organization_id and t.project_id = p.id
            and t.number = wanted.number
      `.execute(db);
      for (const row of rows) {
        for (const given of wanted.get(row.key)?.given ?? []) found.set(given, row.id);
      }
      return found;
    },
  };
}
