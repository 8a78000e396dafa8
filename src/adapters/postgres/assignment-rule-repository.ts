// Assignment rules (migration 0032): one row per project holding the ordered list as JSON, its
// version, and each rule's turn counter; read and written whole.
import { sql } from 'kysely';
import type {
  AssignmentRuleRepository,
  RuleCandidate,
} from '../../application/projects/assignment-ports.js';
import type { AssignmentRule } from '../../domain/projects/assignment-rules.js';
import type { Db } from './database.js';

/** A rule as the JSON document stores it. */
interface StoredRule {
  readonly id: string;
  readonly task_type_id: string | null;
  readonly label_id: string | null;
  readonly priority: AssignmentRule['priority'];
  readonly team_id: string | null;
  readonly assignee_id: string | null;
  readonly strategy: AssignmentRule['strategy'];
}

const stored = (rule: AssignmentRule): StoredRule => ({
  id: rule.id,
  task_type_id: rule.taskTypeId,
  label_id: rule.labelId,
  priority: rule.priority,
  team_id: rule.teamId,
  assignee_id: rule.assigneeId,
  strategy: rule.strategy,
});

const toRule = (rule: StoredRule): AssignmentRule => ({
  id: rule.id,
  taskTypeId: rule.task_type_id,
  labelId: rule.label_id,
  priority: rule.priority,
  teamId: rule.team_id,
  assigneeId: rule.assignee_id,
  strategy: rule.strategy,
});

/** jsonb arrives parsed from pg and as text from some PGlite paths. */
const parsed = <T>(value: unknown): T =>
  (typeof value === 'string' ? JSON.parse(value) : value) as T;

export function postgresAssignmentRuleRepository(db: Db): AssignmentRuleRepository {
  return {
    async get(organizationId, projectId) {
      const { rows } = await sql<{ rules: unknown; version: number }>`
        select rules, version from assignment_rule_sets
        where organization_id = ${organizationId} and project_id = ${projectId}
      `.execute(db);
      const row = rows[0];
      if (!row) return { rules: [], version: 0 };
      return { rules: parsed<StoredRule[]>(row.rules).map(toRule), version: row.version };
    },

    async replace(organizationId, projectId, rules, now, expectedVersion) {
      const document = JSON.stringify(rules.map(stored));
      const kept = rules.map((rule) => rule.id);
      // Turns of the rules that stay are kept; a first list is version 1 (If-Match "0" for it).
      const { rows } = await sql<{ version: number }>`
        insert into assignment_rule_sets as s
          (organization_id, project_id, rules, turns, version, updated_at)
        select ${organizationId}::uuid, ${projectId}::uuid, ${document}::jsonb, '{}'::jsonb, 1,
          ${now}::timestamptz
        where ${expectedVersion ?? null}::int is null or ${expectedVersion ?? null}::int = 0
          or exists (select 1 from assignment_rule_sets
            where organization_id = ${organizationId} and project_id = ${projectId})
        on conflict (organization_id, project_id) do update set
          rules = excluded.rules,
          turns = coalesce((select jsonb_object_agg(key, value) from jsonb_each(s.turns)
            where key = any(${kept}::text[])), '{}'::jsonb),
          version = s.version + 1,
          updated_at = excluded.updated_at
        where ${expectedVersion ?? null}::int is null or s.version = ${expectedVersion ?? null}::int
        returning version
      `.execute(db);
      const row = rows[0];
      return row ? { rules, version: row.version } : undefined;
    },

    async lockForAssignment(organizationId, projectId) {
      const { rows } = await sql<{ rules: unknown; turns: unknown }>`
        select rules, turns from assignment_rule_sets
        where organization_id = ${organizationId} and project_id = ${projectId}
        for no key update
      `.execute(db);
      const row = rows[0];
      if (!row) return undefined;
      return {
        rules: parsed<StoredRule[]>(row.rules).map(toRule),
        turns: parsed<Record<string, number>>(row.turns),
      };
    },

    async takeTurn(organizationId, projectId, ruleId) {
      await sql`
        update assignment_rule_sets
        set turns = jsonb_set(turns, array[${ruleId}::text],
          to_jsonb(coalesce((turns ->> ${ruleId}::text)::bigint, 0) + 1))
        where organization_id = ${organizationId} and project_id = ${projectId}
      `.execute(db);
    },

    async candidates(organizationId, target) {
      const people =
        'teamId' in target
          ? sql`select tm.user_id from team_members tm
              where tm.organization_id = ${organizationId} and tm.team_id = ${target.teamId}`
          : sql`select ${target.userId}::uuid as user_id`;
      const { rows } = await sql<{ user_id: string; role: string; open_tasks: number }>`
        select m.user_id, m.role, (
            select count(*)::int from tasks t
            join project_statuses s on s.organization_id = t.organization_id and s.id = t.status_id
            join projects p on p.organization_id = t.organization_id and p.id = t.project_id
            where t.organization_id = m.organization_id and t.assignee_id = m.user_id
              and t.deleted_at is null and p.deleted_at is null and s.category <> 'done'
          ) as open_tasks
        from (${people}) as wanted
        join memberships m on m.organization_id = ${organizationId} and m.user_id = wanted.user_id
        join users u on u.id = m.user_id and u.deleted_at is null
        order by m.user_id
      `.execute(db);
      return rows.map((row): RuleCandidate => ({
        userId: row.user_id,
        role: row.role,
        openTasks: row.open_tasks,
      }));
    },

    async existing(organizationId, projectId, ids) {
      const { rows } = await sql<{ kind: string; id: string }>`
        select 'type' as kind, id::text from task_types
        where organization_id = ${organizationId} and project_id = ${projectId}
          and id = any(${ids.taskTypeIds}::uuid[])
        union all
        select 'label', id::text from labels
        where organization_id = ${organizationId} and id = any(${ids.labelIds}::uuid[])
        union all
        select 'team', id::text from teams
        where organization_id = ${organizationId} and id = any(${ids.teamIds}::uuid[])
        union all
        select 'member', m.user_id::text from memberships m
        join users u on u.id = m.user_id and u.deleted_at is null
        where m.organization_id = ${organizationId} and m.user_id = any(${ids.memberIds}::uuid[])
      `.execute(db);
      const of = (kind: string) => new Set(rows.filter((r) => r.kind === kind).map((r) => r.id));
      return {
        taskTypeIds: of('type'),
        labelIds: of('label'),
        teamIds: of('team'),
        memberIds: of('member'),
      };
    },
  };
}
