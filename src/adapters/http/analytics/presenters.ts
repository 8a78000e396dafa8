// The analytics answer as the API shows it (the envelope's data, and the CSV's source).
import type { Analytics } from '../../../application/analytics/get-analytics.js';

export function presentAnalytics(analytics: Analytics) {
  const { totals } = analytics;
  return {
    scope: analytics.scope,
    period: { from: analytics.period.from.toISOString(), to: analytics.period.to.toISOString() },
    totals: {
      total: totals.total,
      by_status_category: totals.byCategory,
      by_priority: totals.byPriority,
      by_type: totals.byType.map((entry) => ({
        type_id: entry.typeId,
        type: entry.type,
        count: entry.count,
      })),
      by_assignee: totals.byAssignee.map((entry) => ({
        assignee_id: entry.assigneeId,
        count: entry.count,
      })),
      overdue: totals.overdue,
    },
    my_tasks: analytics.myTasks && {
      total: analytics.myTasks.total,
      completed: analytics.myTasks.completed,
      in_progress: analytics.myTasks.inProgress,
      pending: analytics.myTasks.pending,
    },
    throughput: analytics.throughput.map((week) => ({
      week_start: week.weekStart,
      completed: week.completed,
    })),
    cycle_time: {
      count: analytics.cycleTime.count,
      p50_hours: analytics.cycleTime.p50Hours,
      p85_hours: analytics.cycleTime.p85Hours,
    },
    efficiency_score: {
      score: analytics.efficiency.score,
      completion_rate: analytics.efficiency.completionRate,
      time_efficiency: analytics.efficiency.timeEfficiency,
      sample: analytics.efficiency.sample,
    },
    workload: analytics.workload.map((entry) => ({
      assignee_id: entry.assigneeId,
      open_tasks: entry.openTasks,
      estimate_hours: entry.estimateHours,
    })),
  };
}
