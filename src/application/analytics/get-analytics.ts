// Analytics of an organization's tasks (CTMS's dashboard, FlowTrack's reports): the state now
// (totals, the caller's own tasks, the efficiency score, workload) and a period's completions
// (throughput per week, cycle time). Whoever holds analytics:read:any counts the organization;
// analytics:read:own counts the tasks assigned to or reported by the caller, and those of its
// teams' members when it may read every task. Answers are cached for a short while per question.
import { authorize, can } from '../../domain/access/authorize.js';
import { efficiencyScore, type EfficiencyScore } from '../../domain/analytics/efficiency.js';
import { ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProjectRef } from '../projects/live-project.js';
import type { AnalyticsSelection, CurrentFigures, PeriodFigures } from './ports.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** The period without `from`: the twelve weeks before `to`. */
export const DEFAULT_PERIOD_WEEKS = 12;
/** The longest period: its weeks are listed one by one. */
export const MAX_PERIOD_DAYS = 731;

export interface AnalyticsQuery {
  readonly projectId?: string | undefined;
  readonly teamId?: string | undefined;
  /** A member's id, or `me`. */
  readonly assigneeId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

export interface Analytics {
  readonly scope: 'organization' | 'own';
  readonly period: { readonly from: Date; readonly to: Date };
  readonly totals: Omit<CurrentFigures, 'mine' | 'efficiency' | 'byAssignee'> & {
    readonly byAssignee: readonly { readonly assigneeId: string | null; readonly count: number }[];
  };
  readonly myTasks: {
    readonly total: number;
    readonly completed: number;
    readonly inProgress: number;
    readonly pending: number;
  } | null;
  readonly throughput: PeriodFigures['completedByWeek'];
  readonly cycleTime: PeriodFigures['cycleTime'];
  readonly efficiency: EfficiencyScore;
  readonly workload: readonly {
    readonly assigneeId: string;
    readonly openTasks: number;
    readonly estimateHours: number;
  }[];
}

type AnalyticsDeps = Pick<Deps, 'uow' | 'clock' | 'cache' | 'analyticsCacheSeconds'>;

export async function getAnalytics(
  deps: AnalyticsDeps,
  access: OrganizationAccess,
  query: AnalyticsQuery,
): Promise<Analytics> {
  authorize(access.grant, 'analytics:read');
  const organizationId = access.organization.id;
  const me = access.principal.kind === 'user' ? access.principal.userId : undefined;
  const wide = can(access.grant, 'analytics:read:any');
  const assigneeId = query.assigneeId === 'me' ? (me ?? meOfNoUser()) : query.assigneeId;
  if (assigneeId !== undefined && !isUuid(assigneeId)) {
    throw ValidationError.field('assignee_id', 'Must be a user id or me');
  }
  const key = `analytics:v1:${organizationId}:${JSON.stringify([
    wide ? null : access.grant.actorId,
    me,
    query.projectId,
    query.teamId,
    assigneeId,
    query.from?.toISOString(),
    query.to?.toISOString(),
  ])}`;
  const cached = await deps.cache.get<Analytics>(key);
  if (cached !== undefined) return revived(cached);

  const now = deps.clock.now();
  // The period's end is exclusive; by default it is now, and what completed at this instant counts.
  const to = query.to ?? new Date(now.getTime() + 1);
  const from = query.from ?? new Date(to.getTime() - DEFAULT_PERIOD_WEEKS * WEEK_MS);
  if (from >= to) throw ValidationError.field('from', 'Must be before to');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw ValidationError.field('from', `The period may span at most ${MAX_PERIOD_DAYS} days`);
  }
  const mark = deps.cache.mark();
  const figures = await inOrganization(deps, access, async (tx) => {
    const projectId =
      query.projectId === undefined
        ? undefined
        : (await liveProjectRef(tx, organizationId, query.projectId)).id;
    const selection: AnalyticsSelection = {
      projectId,
      teamId: query.teamId,
      assigneeId,
      own: wide
        ? undefined
        : { userId: access.grant.actorId, viaTeams: can(access.grant, 'task:read:any') },
    };
    const current = await tx.analytics.current(organizationId, selection, { now, me });
    const period = await tx.analytics.period(organizationId, selection, { from, to });
    return { current, period };
  });
  const analytics = assemble(wide, { from, to }, figures.current, figures.period);
  if (deps.analyticsCacheSeconds > 0) {
    await deps.cache.set(key, analytics, deps.analyticsCacheSeconds, mark);
  }
  return analytics;
}

function meOfNoUser(): never {
  throw ValidationError.field('assignee_id', 'An API key is nobody’s “me”: name the user');
}

function assemble(
  wide: boolean,
  period: { readonly from: Date; readonly to: Date },
  current: CurrentFigures,
  done: PeriodFigures,
): Analytics {
  const { mine, efficiency, byAssignee, ...totals } = current;
  return {
    scope: wide ? 'organization' : 'own',
    period,
    totals: {
      ...totals,
      byAssignee: byAssignee.map(({ assigneeId, count }) => ({ assigneeId, count })),
    },
    myTasks:
      mine === undefined
        ? null
        : {
            total: mine.todo + mine.in_progress + mine.done,
            completed: mine.done,
            inProgress: mine.in_progress,
            pending: mine.todo,
          },
    throughput: everyWeek(period, done.completedByWeek),
    cycleTime: done.cycleTime,
    efficiency: efficiencyScore(efficiency),
    workload: byAssignee.flatMap((entry) =>
      entry.assigneeId === null || entry.open === 0
        ? []
        : [
            {
              assigneeId: entry.assigneeId,
              openTasks: entry.open,
              estimateHours: entry.openEstimateHours,
            },
          ],
    ),
  };
}

/** Each week (Monday, UTC) the period touches, with its completions (0 for none). */
function everyWeek(
  period: { readonly from: Date; readonly to: Date },
  weeks: PeriodFigures['completedByWeek'],
): PeriodFigures['completedByWeek'] {
  const counts = new Map(weeks.map((week) => [week.weekStart, week.completed]));
  const first = new Date(period.from.getTime());
  first.setUTCHours(0, 0, 0, 0);
  first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7));
  const result: { weekStart: string; completed: number }[] = [];
  for (let at = first.getTime(); at < period.to.getTime(); at += WEEK_MS) {
    const weekStart = new Date(at).toISOString().slice(0, 10);
    result.push({ weekStart, completed: counts.get(weekStart) ?? 0 });
  }
  return result;
}

/** A cached answer comes back as JSON: its dates as strings. */
function revived(cached: Analytics): Analytics {
  return {
    ...cached,
    period: { from: new Date(cached.period.from), to: new Date(cached.period.to) },
  };
}
