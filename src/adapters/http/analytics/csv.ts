// The analytics figures as CSV (RFC 4180) in long form: one row per figure, so every table of the
// JSON answer fits one sheet: `table,group,key,metric,value`.
import type { presentAnalytics } from './presenters.js';

type Presented = ReturnType<typeof presentAnalytics>;
type Cell = string | number | null;

/** A field quoted when it must be; a leading =, +, - or @ defused for spreadsheets. */
function field(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function analyticsCsv(data: Presented): string {
  const rows: Cell[][] = [['table', 'group', 'key', 'metric', 'value']];
  const add = (table: string, group: string, key: Cell, metric: string, value: Cell) =>
    rows.push([table, group, key, metric, value]);
  const { totals } = data;
  add('totals', '', null, 'total', totals.total);
  add('totals', '', null, 'overdue', totals.overdue);
  for (const [key, value] of Object.entries(totals.by_status_category))
    add('totals', 'status_category', key, 'count', value);
  for (const [key, value] of Object.entries(totals.by_priority))
    add('totals', 'priority', key, 'count', value);
  for (const entry of totals.by_type) add('totals', 'type', entry.type, 'count', entry.count);
  for (const entry of totals.by_assignee)
    add('totals', 'assignee', entry.assignee_id, 'count', entry.count);
  if (data.my_tasks) {
    for (const [metric, value] of Object.entries(data.my_tasks))
      add('my_tasks', '', null, metric, value);
  }
  for (const week of data.throughput)
    add('throughput', 'week', week.week_start, 'completed', week.completed);
  for (const [metric, value] of Object.entries(data.cycle_time))
    add('cycle_time', '', null, metric, value);
  for (const [metric, value] of Object.entries(data.efficiency_score))
    add('efficiency_score', '', null, metric, value);
  for (const entry of data.workload) {
    add('workload', 'assignee', entry.assignee_id, 'open_tasks', entry.open_tasks);
    add('workload', 'assignee', entry.assignee_id, 'estimate_hours', entry.estimate_hours);
  }
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
