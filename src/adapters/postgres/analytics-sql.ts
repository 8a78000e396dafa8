// What both ways of computing the state now share (analytics-reader.ts): the selection's
// conditions, the grouped statement made from a source's aggregates, and its rows read back.
import { sql, type RawBuilder } from 'kysely';
import type { AnalyticsSelection, CurrentFigures } from '../../application/analytics/ports.js';
import { STATUS_CATEGORIES, type StatusCategory } from '../../domain/projects/workflow.js';
import { PRIORITIES, type Priority } from '../../domain/tasks/task.js';
import { priorityOf } from './tasks/rows.js';

/** The filters of the selection on the rows aliased `a` (tasks, or rollups: the same columns). */
export function filters(
  organizationId: string,
  selection: AnalyticsSelection,
  a: RawBuilder<unknown>,
): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  if (selection.projectId) conditions.push(sql`${a}.project_id = ${selection.projectId}`);
  if (selection.assigneeId) conditions.push(sql`${a}.assignee_id = ${selection.assigneeId}`);
  if (selection.teamId) {
    conditions.push(sql`${a}.assignee_id in (select tm.user_id from team_members tm
      where tm.organization_id = ${organizationId} and tm.team_id = ${selection.teamId})`);
  }
  const own = selection.own;
  if (own) {
    const teammates = own.viaTeams
      ? sql`or ${a}.assignee_id in (select mate.user_id from team_members mine
          join team_members mate on mate.organization_id = mine.organization_id
            and mate.team_id = mine.team_id
          where mine.organization_id = ${organizationId} and mine.user_id = ${own.userId})`
      : sql``;
    conditions.push(
      sql`(${a}.assignee_id = ${own.userId} or ${a}.reporter_id = ${own.userId} ${teammates})`,
    );
  }
  return conditions;
}

/** How a source adds up (rows aliased `a`, statuses `s`): count rows, or sum rollups. */
export interface Aggregates {
  readonly n: RawBuilder<unknown>;
  readonly where: (condition: RawBuilder<unknown>) => RawBuilder<unknown>;
  readonly openEstimate: RawBuilder<unknown>;
  readonly cappedSum: RawBuilder<unknown>;
  readonly withBoth: RawBuilder<unknown>;
  /** Open and overdue at `now` (0 where a source cannot tell: its caller counts them apart). */
  readonly overdue: RawBuilder<unknown>;
}

/** The grouped statement over `source` (joined to `p` projects and `s` statuses). */
export function groupedFigures(
  organizationId: string,
  source: RawBuilder<unknown>,
  conditions: readonly RawBuilder<unknown>[],
  sum: Aggregates,
  me: string | undefined,
  a: RawBuilder<unknown>,
): RawBuilder<CurrentRow> {
  const mine = (category: StatusCategory) =>
    me === undefined
      ? sql`0`
      : sum.where(sql`${a}.assignee_id = ${me} and s.category = ${category}`);
  return sql<CurrentRow>`
    select grouping(s.category)::int as g_category, grouping(${a}.priority)::int as g_priority,
      grouping(${a}.type_id)::int as g_type, grouping(${a}.assignee_id)::int as g_assignee,
      s.category, ${a}.priority, ${a}.type_id,
      (select tt.name from task_types tt
        where tt.organization_id = ${organizationId} and tt.id = ${a}.type_id) as type_name,
      ${a}.assignee_id, (${sum.n})::int as n,
      (${sum.where(sql`s.category <> 'done'`)})::int as open,
      (${sum.openEstimate})::float8 as open_estimate, (${sum.overdue})::int as overdue,
      (${mine('todo')})::int as mine_todo, (${mine('in_progress')})::int as mine_in_progress,
      (${mine('done')})::int as mine_done,
      (${sum.cappedSum})::float8 as capped_sum, (${sum.withBoth})::int as with_both
    from ${source}
    join projects p on p.organization_id = ${organizationId} and p.id = ${a}.project_id
      and p.deleted_at is null
    join project_statuses s on s.organization_id = ${organizationId} and s.id = ${a}.status_id
    ${conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``}
    group by grouping sets ((s.category), (${a}.priority), (${a}.type_id), (${a}.assignee_id), ())
  `;
}

export interface CurrentRow {
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
  overdue: number | null;
  mine_todo: number | null;
  mine_in_progress: number | null;
  mine_done: number | null;
  capped_sum: number | null;
  with_both: number | null;
}

const zeroes = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** The figures the grouped rows hold; groups that add up to no task are left out. */
export function figuresOf(rows: readonly CurrentRow[], me: string | undefined): CurrentFigures {
  const byCategory = zeroes(STATUS_CATEGORIES);
  const byPriority = zeroes<Priority>(PRIORITIES);
  const byType: { typeId: string | null; type: string | null; count: number }[] = [];
  const byAssignee: CurrentFigures['byAssignee'][number][] = [];
  let whole: CurrentRow | undefined;
  for (const row of rows) {
    if (!row.g_category) byCategory[row.category!] = row.n;
    else if (!row.g_priority) byPriority[priorityOf(row.priority!)] = row.n;
    else if (!row.g_type) {
      if (row.n > 0) byType.push({ typeId: row.type_id, type: row.type_name, count: row.n });
    } else if (!row.g_assignee) {
      if (row.n > 0) {
        byAssignee.push({
          assigneeId: row.assignee_id,
          count: row.n,
          open: row.open ?? 0,
          openEstimateHours: row.open_estimate ?? 0,
        });
      }
    } else whole = row;
  }
  byType.sort((a, b) => b.count - a.count || String(a.type).localeCompare(String(b.type)));
  byAssignee.sort(
    (a, b) => b.open - a.open || String(a.assigneeId).localeCompare(String(b.assigneeId)),
  );
  const total = whole?.n ?? 0;
  return {
    total,
    byCategory,
    byPriority,
    byType,
    byAssignee,
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
      total,
      completed: byCategory.done,
      cappedRatioSum: whole?.capped_sum ?? 0,
      withBoth: whole?.with_both ?? 0,
    },
  };
}
