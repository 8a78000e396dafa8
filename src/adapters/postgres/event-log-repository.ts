// The events table (migration 2026_12_05_0015): appended in the write's transaction, read in
// (tx_id, seq) order up to the oldest transaction still running, so that no reader ever moves past
// an event whose transaction has yet to commit. An event about a task is placed after the task's
// earlier events even when its transaction's id is older (migration 2026_12_05_0017).
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Selectable,
  type SqlBool,
} from 'kysely';
import type { EventLog, EventPosition } from '../../application/events/ports.js';
import type { ActivityEntry } from '../../domain/events/activity.js';
import {
  EVENT_TYPES,
  familyOf,
  TASK_FAMILIES,
  type DomainEvent,
  type EventType,
  type EventVisibility,
} from '../../domain/events/event.js';
import { taskOfEvent } from '../../domain/events/realtime.js';
import type { EventsTable } from './database-events.js';
import type { Database, Db } from './database.js';
import { defer, QueryTemplates } from './wire/index.js';

/** The compiled inserts of every event log (the same SQL for every connection). */
const templates = new QueryTemplates();

const TASK_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((type) =>
  TASK_FAMILIES.includes(familyOf(type)),
);

export function postgresEventLog(db: Db): EventLog {
  return {
    async append(event) {
      // Like the audit entry beside it: written in the transaction it tells of, read by nobody
      // in it, so it rides ahead of the next statement (the COMMIT, usually).
      await defer(db, appendStatement(db, event));
    },

    async positionOf(organizationId, id) {
      const row = await db
        .selectFrom('events')
        .select([sql<string>`tx_id::text`.as('tx_id'), sql<string>`seq::text`.as('seq')])
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { txId: row.tx_id, seq: row.seq };
    },

    async list(organizationId, visibility, page) {
      // First, in a statement of its own, which running transactions write no events here:
      // read before the list's snapshot, so that a later list never shows fewer events than an
      // earlier one (migration 0028).
      const { rows: leftOut } = await sql<{ excluded: string }>`
        SELECT event_horizon_exclusions()::text AS excluded
      `.execute(db);
      const excluded = leftOut[0]?.excluded ?? '{}';
      let query = db
        .selectFrom('events')
        .select([
          'id',
          'type',
          'organization_id',
          'subject_type',
          'subject_id',
          'subject_key',
          'actor_type',
          'actor_id',
          'change',
          'occurred_at',
          'project_id',
          'assignee_id',
          'reporter_id',
          'request_id',
        ])
        .where('organization_id', '=', organizationId)
        // Only transactions that ended before every one still running in this database that may
        // write events: see migrations 0015, 0016, 0024 and 0028 (event_horizon_except).
        .where(sql<SqlBool>`tx_id < (SELECT event_horizon_except(${excluded}::xid[]))`)
        .where((eb) => visibleTo(visibility, eb))
        .orderBy('tx_id')
        .orderBy('seq')
        .limit(page.limit);
      if (page.after !== undefined) query = query.where(after(page.after));
      if (page.types !== undefined) query = query.where('type', 'in', [...page.types]);
      return (await query.execute()).map(toEvent);
    },

    async activity(organizationId, projectId, visibility, page) {
      const visible = db
        .selectFrom('events')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('project_id', '=', projectId)
        .where((eb) => visibleTo(visibility, eb));
      let query = db
        .selectFrom(visible.as('e'))
        .leftJoin('users as u', (join) =>
          join.on('e.actor_type', '=', 'user').onRef('u.id', '=', 'e.actor_id'),
        )
        .leftJoin('api_keys as k', (join) =>
          join
            .on('e.actor_type', '=', 'apikey')
            .onRef('k.organization_id', '=', 'e.organization_id')
            .onRef('k.id', '=', 'e.actor_id'),
        )
        // The task an event is about: its subject, or (a comment's) the task it names.
        .leftJoin('tasks as t', (join) =>
          join.onRef('t.organization_id', '=', 'e.organization_id').on(
            sql<SqlBool>`t.id::text = CASE WHEN e.subject_type = 'task' THEN e.subject_id
                WHEN e.subject_type = 'comment' THEN e.change ->> 'task_id' END`,
          ),
        )
        .selectAll('e')
        .select([
          sql<string | null>`coalesce(u.name, k.name)`.as('actor_name'),
          't.title as task_title',
        ])
        .orderBy('e.occurred_at', 'desc')
        .orderBy('e.id', 'desc')
        .limit(page.limit);
      if (page.before !== undefined) {
        const before = page.before;
        query = query.where((eb) =>
          eb(
            eb.refTuple('e.occurred_at', 'e.id'),
            '<',
            eb.tuple(
              eb
                .selectFrom('events as cursor')
                .select('cursor.occurred_at')
                .where('cursor.organization_id', '=', organizationId)
                .where('cursor.id', '=', before),
              before,
            ),
          ),
        );
      }
      return (await query.execute()).map((row): ActivityEntry => ({
        event: toEvent(row),
        actorName: row.actor_name,
        taskTitle: row.task_title,
      }));
    },
  };
}

export function toEvent(
  row: Omit<Selectable<EventsTable>, 'tx_id' | 'seq' | 'task_id'>,
): DomainEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    organizationId: row.organization_id,
    subject: { type: row.subject_type, id: row.subject_id, key: row.subject_key },
    actor: { type: row.actor_type, id: row.actor_id },
    change: row.change,
    occurredAt: row.occurred_at,
    projectId: row.project_id,
    assigneeId: row.assignee_id,
    reporterId: row.reporter_id,
    requestId: row.request_id,
  };
}

/** The insert of `event`, placed after the task's events so far when it is about a task. */
function appendStatement(db: Db, event: DomainEvent) {
  const taskId = taskOfEvent(event);
  const row: EventRow = [
    event.organizationId,
    event.id,
    event.type,
    event.subject.type,
    event.subject.id,
    event.subject.key,
    event.actor.type,
    event.actor.id,
    JSON.stringify(event.change),
    event.projectId,
    event.assigneeId,
    event.reporterId,
    event.requestId,
    event.occurredAt,
    taskId,
  ];
  // A task's first event needs no look for earlier ones: no other transaction can name a task
  // before the one that creates it commits.
  const afterTaskEvents = taskId !== null && event.type !== 'task.created';
  return templates.compile({ query: 'append', afterTaskEvents }, row, (...values) =>
    insertEvent(db, values, afterTaskEvents),
  );
}

/** An event's values, bound in this order. */
type EventRow = readonly [
  organizationId: string,
  id: string,
  type: string,
  subjectType: string,
  subjectId: string | null,
  subjectKey: string | null,
  actorType: 'user' | 'apikey',
  actorId: string,
  change: string,
  projectId: string | null,
  assigneeId: string | null,
  reporterId: string | null,
  requestId: string | null,
  occurredAt: Date,
  taskId: string | null,
];

/**
 * The insert of one event; `afterTaskEvents`, of the template's shape, says where its tx_id comes
 * from.
 */
function insertEvent(db: Db, row: EventRow, afterTaskEvents: boolean) {
  const [
    org,
    id,
    type,
    subjectType,
    subjectId,
    key,
    actorType,
    actorId,
    change,
    project,
    assignee,
    reporter,
    request,
    at,
    taskId,
  ] = row;
  return db.insertInto('events').values({
    organization_id: org,
    id,
    // Otherwise the column's default: the transaction's id.
    ...(afterTaskEvents && { tx_id: taskEventTxId(org, taskId) }),
    type,
    subject_type: subjectType,
    subject_id: subjectId,
    subject_key: key,
    actor_type: actorType,
    actor_id: actorId,
    change,
    project_id: project,
    assignee_id: assignee,
    reporter_id: reporter,
    request_id: request,
    occurred_at: at,
    task_id: taskId,
  });
}

/**
 * The tx_id of an event about a task: its transaction's id, or the greatest tx_id among the
 * task's events so far if that is greater. A transaction that took its id before another and
 * changed the task after it (it waited for the task's lock meanwhile) thus comes after it in the
 * readers' order: the append is a statement after the one that locked the task, so its snapshot
 * (READ COMMITTED) sees the other's committed event. Why no reader skips an event still:
 * migration 2026_12_05_0017, whose index this probes once.
 */
export const taskEventTxId = (
  organizationId: string,
  taskId: string | null,
) => sql<string>`greatest(
  pg_current_xact_id(),
  (SELECT tx_id FROM events WHERE organization_id = ${organizationId} AND task_id = ${taskId}
   ORDER BY tx_id DESC LIMIT 1)
)`;

const after = (position: EventPosition) =>
  sql<SqlBool>`(tx_id, seq) > (${position.txId}::xid8, ${position.seq}::bigint)`;

/** The SQL of `passes` (domain/events/event.ts), held to it by test/integration/postgres/event-log.test.ts. */
function visibleTo(
  visibility: EventVisibility,
  eb: ExpressionBuilder<Database, 'events'>,
): Expression<SqlBool> {
  const whole = visibility.types.length > 0 ? [eb('type', 'in', [...visibility.types])] : [];
  const { tasks } = visibility;
  if (tasks === 'none') return whole.length > 0 ? eb.or(whole) : sql<SqlBool>`false`;
  const taskEvents = eb('type', 'in', [...TASK_EVENT_TYPES]);
  const owned =
    tasks === 'all'
      ? taskEvents
      : 'reporterId' in tasks
        ? eb.and([taskEvents, eb('reporter_id', '=', tasks.reporterId)])
        : eb.and([
            taskEvents,
            eb.or([eb('reporter_id', '=', tasks.ownedBy), eb('assignee_id', '=', tasks.ownedBy)]),
          ]);
  return eb.or([...whole, owned]);
}
