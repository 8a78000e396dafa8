// Notifications (migration 2026_12_05_0021). The worker records them in the event's organization;
// their owner reads and marks them under their own user scope, across organizations. Lists run
// newest first by id (UUID v7: the time the notification was first raised), a keyset on id.
import { sql, type Selectable } from 'kysely';
import type {
  Notification,
  NotificationRepository,
} from '../../application/notifications/ports.js';
import type { Channel } from '../../domain/notifications/preferences.js';
import type { NotificationKind } from '../../domain/notifications/recipients.js';
import type { Db } from './database.js';
import type { NotificationsTable } from './database-notifications.js';
import { postgresNotificationAudience } from './notification-audience.js';
import { postgresNotificationPreferences } from './notification-preferences.js';

type Row = Selectable<NotificationsTable>;

function toNotification(row: Row): Notification {
  return {
    id: row.id,
    userId: row.user_id,
    organizationId: row.organization_id,
    kind: row.kind as NotificationKind,
    eventType: row.event_type,
    actor: { type: row.actor_type, id: row.actor_id },
    subject: { type: row.subject_type, id: row.subject_id, key: row.subject_key },
    projectId: row.project_id,
    taskId: row.task_id,
    count: row.count,
    channels: row.channels as Channel[],
    deliverAfter: row.deliver_after,
    firstAt: row.first_at,
    lastAt: row.last_at,
    readAt: row.read_at,
  };
}

/** A text[] built from scalar parameters (both drivers bind scalars the same way). */
const textArray = (values: readonly string[]) =>
  values.length === 0 ? sql`'{}'::text[]` : sql`ARRAY[${sql.join(values)}]::text[]`;

export function postgresNotificationRepository(db: Db): NotificationRepository {
  const mine = (userId: string) =>
    db.selectFrom('notifications').selectAll().where('user_id', '=', userId);

  return {
    async record(n, coalesceSince) {
      // One statement: the run this event continues (or the row that holds it already: a
      // repeated batch), folded into; else a row of its own, unless one holds the event already.
      const { rows } = await sql<Row>`
        WITH open AS (
          SELECT id, ${n.eventId}::uuid = ANY(event_ids) AS seen
          FROM notifications
          WHERE ${n.taskId}::uuid IS NOT NULL AND user_id = ${n.userId} AND task_id = ${n.taskId}
            AND actor_id = ${n.actor.id} AND kind = ${n.kind} AND last_at >= ${coalesceSince}
          ORDER BY seen DESC, last_at DESC
          LIMIT 1
          FOR UPDATE
        ), folded AS (
          UPDATE notifications AS f SET
            event_ids = array_append(f.event_ids, ${n.eventId}::uuid),
            count = f.count + 1,
            event_type = ${n.eventType},
            subject_type = ${n.subject.type},
            subject_id = ${n.subject.id},
            last_at = greatest(f.last_at, ${n.firstAt}),
            read_at = NULL
          FROM open
          WHERE f.id = open.id AND NOT open.seen
          RETURNING f.*
        ), inserted AS (
          INSERT INTO notifications (id, user_id, organization_id, kind, event_id, event_ids,
            event_type, actor_type, actor_id, subject_type, subject_id, subject_key, project_id,
            task_id, channels, deliver_after, first_at, last_at)
          SELECT ${n.id}, ${n.userId}, ${n.organizationId}, ${n.kind}, ${n.eventId},
            ARRAY[${n.eventId}::uuid], ${n.eventType}, ${n.actor.type}, ${n.actor.id},
            ${n.subject.type}, ${n.subject.id}, ${n.subject.key}, ${n.projectId}, ${n.taskId},
            ${textArray(n.channels)}, ${n.deliverAfter}, ${n.firstAt}, ${n.firstAt}
          WHERE NOT EXISTS (SELECT 1 FROM open)
          ON CONFLICT (user_id, event_id) DO NOTHING
          RETURNING *
        )
        SELECT * FROM folded UNION ALL SELECT * FROM inserted
      `.execute(db);
      const row = rows[0];
      return row === undefined ? undefined : toNotification(row);
    },

    async get(id) {
      const row = await db
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toNotification(row);
    },

    async list(userId, filter, page) {
      let select = mine(userId)
        .where(sql<boolean>`'in_app' = ANY(channels)`)
        .orderBy('id', 'desc')
        .limit(page.limit);
      if (filter.organizationId !== undefined) {
        select = select.where('organization_id', '=', filter.organizationId);
      }
      if (filter.unread) select = select.where('read_at', 'is', null);
      if (page.before !== undefined) select = select.where('id', '<', page.before);
      return (await select.execute()).map(toNotification);
    },

    async unreadCount(userId, organizationId) {
      let select = db
        .selectFrom('notifications')
        .select(sql<string>`count(*)::text`.as('count'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .where(sql<boolean>`'in_app' = ANY(channels)`);
      if (organizationId !== undefined) {
        select = select.where('organization_id', '=', organizationId);
      }
      return Number((await select.executeTakeFirstOrThrow()).count);
    },

    async mark(userId, id, readAt) {
      const row = await db
        .updateTable('notifications')
        .set({ read_at: readAt })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .where(sql<boolean>`'in_app' = ANY(channels)`)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toNotification(row);
    },

    async markAllRead(userId, at, organizationId) {
      let update = db
        .updateTable('notifications')
        .set({ read_at: at })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null);
      if (organizationId !== undefined) {
        update = update.where('organization_id', '=', organizationId);
      }
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async purge(before, limit) {
      const { rows } = await sql<{ deleted: string }>`
        SELECT notifications_purge(${before}, ${limit})::text AS deleted
      `.execute(db);
      return Number(rows[0]?.deleted ?? 0);
    },

    audience: postgresNotificationAudience(db),
    preferences: postgresNotificationPreferences(db),
  };
}
