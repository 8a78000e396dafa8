// The analytics answer as the OpenAPI document describes it.
import { z } from 'zod';
import 'zod-openapi';

const count = z.number().int().min(0);
const byCategory = z.object({ todo: count, in_progress: count, done: count });
const byPriority = z.object({ low: count, medium: count, high: count, critical: count });

export const analyticsSchema = z
  .object({
    scope: z.enum(['organization', 'own']),
    period: z.object({ from: z.string(), to: z.string() }),
    totals: z.object({
      total: count,
      by_status_category: byCategory,
      by_priority: byPriority,
      by_type: z.array(
        z.object({ type_id: z.uuid().nullable(), type: z.string().nullable(), count }),
      ),
      by_assignee: z.array(z.object({ assignee_id: z.uuid().nullable(), count })),
      overdue: count.meta({ description: 'Open tasks whose due_at has passed' }),
    }),
    my_tasks: z
      .object({ total: count, completed: count, in_progress: count, pending: count })
      .nullable()
      .meta({ description: 'The caller’s assigned tasks; null for an API key' }),
    throughput: z.array(
      z.object({
        week_start: z.string().meta({ description: 'Monday, UTC', example: '2026-11-30' }),
        completed: count,
      }),
    ),
    cycle_time: z.object({
      count: count.meta({ description: 'Completions of the period that had been in progress' }),
      p50_hours: z.number().nullable(),
      p85_hours: z.number().nullable(),
    }),
    efficiency_score: z.object({
      score: z.number().meta({ description: '0.6 × completion_rate + 0.4 × time_efficiency' }),
      completion_rate: z.number(),
      time_efficiency: z.number(),
      sample: count.meta({ description: 'Completed tasks with both estimate and actual hours' }),
    }),
    workload: z.array(
      z.object({ assignee_id: z.uuid(), open_tasks: count, estimate_hours: z.number() }),
    ),
  })
  .meta({ id: 'Analytics' });
