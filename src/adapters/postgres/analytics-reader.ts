// Analytics in two statements: the state now in one pass over the selected tasks (GROUPING SETS:
// by category, by priority, by type, by assignee, and the whole, each with its filtered counts),
// and a period's completions from the completed_at index (weeks, and the cycle-time percentiles
// from started_at, migration 0033).
import { sql, type RawBuilder } from 'kysely';
import type {
  AnalyticsReader,
  AnalyticsSelection,
  CurrentFigures,
} from '../../application/analytics/ports.js';
import { STATUS_CATEGORIES, type StatusCategory } from '../../domain/projects/workflow.js';
import { PRIORITIES, type Priority } from '../../domain/tasks/task.js';
import type { Db } from './database.js';
import { priorityOf } from './tasks/rows.js';

/** The conditions on `t` (tasks) that the selection makes, beyond the organization. */
function selected(organizationId: string, selection: AnalyticsSelection): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [
    sql`t.organization_id = ${organizationId}`,
    sql`t.deleted_at is null`,
    sql`p.deleted_at is null`,
  ];
  if (selection.projectId) conditions.push(sql`t.project_id = ${selection.projectId}`);
  if (selection.assigneeId) conditions.push(sql`t.assignee_id = ${selection.assigneeId}`);
  if (selection.teamId) {
    conditions.push(sql`t.assignee_id in (select tm.user_id from team_members tm
      where tm.organization_id = ${organizationId} and tm.team_id = ${selection.teamId})`);
  }
  const own = selection.own;
  if (own) {
    const teammates = own.viaTeams
      ? sql`or t.assignee_id in (select mate.user_id from team_members mine
          join team_members mate on mate.organization_id = mine.organization_id
            and mate.team_id = mine.team_id
          where mine.organization_id = ${organizationId} and mine.user_id = ${own.userId})`
      : sql``;
    conditions.push(
      sql`(t.assignee_id = ${own.userId} or t.reporter_id = ${own.userId} ${teammates})`,
    );
  }
  return sql.join(conditions, sql` and `);
}

/** The Monday (UTC) of a completion's week. */
const WEEK = sql`date_trunc('week', t.completed_at at time zone 'UTC')`;

const FROM = sql`tasks t
  join projects p on p.organization_id = t.organization_id and p.id = t.project_id
  join project_statuses s on s.organization_id = t.organization_id and s.id = t.status_id`;

interface CurrentRow {
  g_category: number;
  g_priority: number;
  g_type: number;
  g_assignee: number;
  category: StatusCategory | null;
  priority: number | null;
  type_id: string | null;
  type_name: string | null;
  assignee_id: string | null;
  n: number;
  open: number;
  open_estimate: number | null;
  overdue: number;
  mine_todo: number;
  mine_in_progress: number;
  mine_done: number;
  capped_sum: number | null;
  with_both: number;
}

const zeroes = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

export function postgresAnalyticsReader(db: Db): AnalyticsReader {
  return {
    async current(organizationId, selection, { now, me }) {
      const mine = (category: StatusCategory) =>
        me === undefined
          ? sql`0`
          : sql`count(*) filter (where t.assignee_id = ${me} and s.category = ${category})::int`;
      const { rows } = await sql<CurrentRow>`
        select grouping(s.category)::int as g_category, grouping(t.priority)::int as g_priority,
          grouping(t.type_id)::int as g_type, grouping(t.assignee_id)::int as g_assignee,
          s.category, t.priority, t.type_id,
          (select tt.name from task_types tt
            where tt.organization_id = ${organizationId} and tt.id = t.type_id) as type_name,
          t.assignee_id, count(*)::int as n,
          count(*) filter (where s.category <> 'done')::int as open,
          sum(t.estimate_hours) filter (where s.category <> 'done')::float8 as open_estimate,
          count(*) filter (where s.category <> 'done' and t.due_at < ${now}::timestamptz)::int
            as overdue,
          ${mine('todo')} as mine_todo, ${mine('in_progress')} as mine_in_progress,
          ${mine('done')} as mine_done,
          sum(least(1, t.estimate_hours / t.actual_hours)) filter (where s.category = 'done'
            and t.estimate_hours is not null and t.actual_hours > 0)::float8 as capped_sum,
          count(*) filter (where s.category = 'done' and t.estimate_hours is not null
            and t.actual_hours > 0)::int as with_both
        from ${FROM}
        where ${selected(organizationId, selection)}
        group by grouping sets ((s.category), (t.priority), (t.type_id), (t.assignee_id), ())
      `.execute(db);
      const figures = {
        byCategory: zeroes(STATUS_CATEGORIES),
        byPriority: zeroes<Priority>(PRIORITIES),
        byType: [] as { typeId: string | null; type: string | null; count: number }[],
        byAssignee: [] as CurrentFigures['byAssignee'][number][],
      };
      let whole: CurrentRow | undefined;
      for (const row of rows) {
        if (!row.g_category) figures.byCategory[row.category!] = row.n;
        else if (!row.g_priority) figures.byPriority[priorityOf(row.priority!)] = row.n;
        else if (!row.g_type)
          figures.byType.push({ typeId: row.type_id, type: row.type_name, count: row.n });
        else if (!row.g_assignee) {
          figures.byAssignee.push({
            assigneeId: row.assignee_id,
            count: row.n,
            open: row.open,
            openEstimateHours: row.open_estimate ?? 0,
          });
        } else whole = row;
      }
      figures.byType.sort(
        (a, b) => b.count - a.count || String(a.type).localeCompare(String(b.type)),
      );
      figures.byAssignee.sort(
        (a, b) => b.open - a.open || String(a.assigneeId).localeCompare(String(b.assigneeId)),
      );
      return {
        ...figures,
        total: whole?.n ?? 0,
        overdue: whole?.overdue ?? 0,
        mine:
          me === undefined
            ? undefined
            : {
                todo: whole?.mine_todo ?? 0,
                in_progress: whole?.mine_in_progress ?? 0,
                done: whole?.mine_done ?? 0,
              },
        efficiency: {
          total: whole?.n ?? 0,
          completed: figures.byCategory.done,
          cappedRatioSum: whole?.capped_sum ?? 0,
          withBoth: whole?.with_both ?? 0,
        },
      };
    },

    async period(organizationId, selection, { from, to }) {
      const { rows } = await sql<{
        week: string | null;
        n: number;
        started: number;
        p50: number | null;
        p85: number | null;
      }>`
        select to_char(${WEEK}, 'YYYY-MM-DD') as week,
          count(*)::int as n,
          count(*) filter (where t.started_at <= t.completed_at)::int as started,
          percentile_cont(0.5) within group (order by extract(epoch from t.completed_at - t.started_at) / 3600)
            filter (where t.started_at <= t.completed_at) as p50,
          percentile_cont(0.85) within group (order by extract(epoch from t.completed_at - t.started_at) / 3600)
            filter (where t.started_at <= t.completed_at) as p85
        from ${FROM}
        where ${selected(organizationId, selection)}
          and t.completed_at >= ${from}::timestamptz and t.completed_at < ${to}::timestamptz
        group by grouping sets ((${WEEK}), ())
      `.execute(db);
      const whole = rows.find((row) => row.week === null);
      return {
        completedByWeek: rows
          .filter((row) => row.week !== null)
          .map((row) => ({ weekStart: row.week!, completed: row.n }))
          .sort((a, b) => a.weekStart.localeCompare(b.weekStart)),
        cycleTime: {
          count: whole?.started ?? 0,
          p50Hours: whole?.p50 ?? null,
          p85Hours: whole?.p85 ?? null,
        },
      };
    },
  };
}
