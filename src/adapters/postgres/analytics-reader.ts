// Analytics. The state now of the organization (or a project, team or assignee of it) adds up the
// rollups (migration 0034: task_rollups and the deltas not yet folded in, a few thousand rows
// for a million tasks) in one grouped statement, and counts the overdue tasks from their index;
// a caller limited to its own tasks (who reported a task is no rollup key) counts the tasks
// themselves, in one pass (GROUPING SETS). A period's completions come from the completed_at
// index: weeks, and the cycle-time percentiles from started_at (migration 0033).
import { sql } from 'kysely';
import type { AnalyticsMaintenance, AnalyticsReader } from '../../application/analytics/ports.js';
import { filters, figuresOf, groupedFigures, type Aggregates } from './analytics-sql.js';
import type { Db } from './database.js';

const t = sql.raw('t');
const r = sql.raw('r');

/** Counting tasks (aliased t) themselves. */
const counted = (now: Date): Aggregates => ({
  n: sql`count(*)`,
  where: (condition) => sql`count(*) filter (where ${condition})`,
  openEstimate: sql`sum(t.estimate_hours) filter (where s.category <> 'done')`,
  cappedSum: sql`sum(least(1, t.estimate_hours / t.actual_hours)) filter (where s.category = 'done'
    and t.estimate_hours is not null and t.actual_hours > 0)`,
  withBoth: sql`count(*) filter (where s.category = 'done' and t.estimate_hours is not null
    and t.actual_hours > 0)`,
  overdue: sql`count(*) filter (where s.category <> 'done' and t.due_at < ${now}::timestamptz)`,
});

/** Adding up rollups (aliased r). */
const summed: Aggregates = {
  n: sql`coalesce(sum(r.n), 0)`,
  where: (condition) => sql`coalesce(sum(r.n) filter (where ${condition}), 0)`,
  openEstimate: sql`sum(r.estimate_sum) filter (where s.category <> 'done')`,
  cappedSum: sql`sum(r.capped_sum) filter (where s.category = 'done')`,
  withBoth: sql`sum(r.with_both) filter (where s.category = 'done')`,
  overdue: sql`0`,
};

/** The Monday (UTC) of a completion's week. */
const WEEK = sql`date_trunc('week', completed_at at time zone 'UTC')`;

export function postgresAnalyticsReader(db: Db): AnalyticsReader & AnalyticsMaintenance {
  const recount: AnalyticsReader['recount'] = async (organizationId, selection, { now, me }) => {
    const where = [
      sql`t.organization_id = ${organizationId}`,
      sql`t.deleted_at is null`,
      ...filters(organizationId, selection, t),
    ];
    const statement = groupedFigures(organizationId, sql`tasks t`, where, counted(now), me, t);
    return figuresOf((await statement.execute(db)).rows, me);
  };

  return {
    async foldRollups() {
      const { rows } = await sql<{ n: string }>`select task_rollups_compact() as n`.execute(db);
      return Number(rows[0]?.n ?? 0);
    },

    recount,

    async current(organizationId, selection, at) {
      if (selection.own) return recount(organizationId, selection, at);
      const { now, me } = at;
      const conditions = (a: typeof t) => filters(organizationId, selection, a);
      const source = sql`(
        select project_id, status_id, assignee_id, type_id, priority, n, estimate_sum, capped_sum,
          with_both
        from task_rollups where organization_id = ${organizationId}
        union all
        select project_id, status_id, assignee_id, type_id, priority, n, estimate_sum, capped_sum,
          with_both
        from task_rollup_deltas where organization_id = ${organizationId}
      ) r`;
      const statement = groupedFigures(organizationId, source, conditions(r), summed, me, r);
      const figures = figuresOf((await statement.execute(db)).rows, me);
      // Open (completed_at is null exactly outside a done status) and past due: the open tasks'
      // due-date index.
      const extra = conditions(t);
      const { rows } = await sql<{ overdue: number }>`
        select count(*)::int as overdue from tasks t
        join projects p on p.organization_id = t.organization_id and p.id = t.project_id
          and p.deleted_at is null
        where t.organization_id = ${organizationId} and t.deleted_at is null
          and t.completed_at is null and t.due_at < ${now}::timestamptz
          ${extra.length > 0 ? sql`and ${sql.join(extra, sql` and `)}` : sql``}
      `.execute(db);
      return { ...figures, overdue: rows[0]?.overdue ?? 0 };
    },

    async period(organizationId, selection, { from, to }) {
      const extra = filters(organizationId, selection, t);
      // The period's completions once, from their covering index; the weeks and one sort for
      // both percentiles over them.
      const { rows } = await sql<{
        week: string | null;
        n: number;
        started: number;
        pct: number[] | null;
      }>`
        with d as materialized (
          select t.completed_at,
            case when t.started_at <= t.completed_at
              then extract(epoch from t.completed_at - t.started_at) / 3600 end as hours
          from tasks t
          join projects p on p.organization_id = t.organization_id and p.id = t.project_id
            and p.deleted_at is null
          where t.organization_id = ${organizationId} and t.deleted_at is null
            and t.completed_at >= ${from}::timestamptz and t.completed_at < ${to}::timestamptz
            ${extra.length > 0 ? sql`and ${sql.join(extra, sql` and `)}` : sql``}
        )
        select null as week, count(*)::int as n, count(hours)::int as started,
          percentile_cont(array[0.5, 0.85]::float8[]) within group (order by hours) as pct
        from d
        union all
        select to_char(${WEEK}, 'YYYY-MM-DD'), count(*)::int, 0, null from d group by 1
      `.execute(db);
      const whole = rows.find((row) => row.week === null);
      return {
        completedByWeek: rows
          .filter((row) => row.week !== null)
          .map((row) => ({ weekStart: row.week!, completed: row.n }))
          .sort((a, b) => a.weekStart.localeCompare(b.weekStart)),
        cycleTime: {
          count: whole?.started ?? 0,
          p50Hours: whole?.pct?.[0] ?? null,
          p85Hours: whole?.pct?.[1] ?? null,
        },
      };
    },
  };
}
