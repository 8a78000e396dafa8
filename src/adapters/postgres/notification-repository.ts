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
      if (n.taskId !== null) {
        // The run this event continues, or the row that holds it already (a repeated batch).
        const open = await db
          .selectFrom('notifications')
          .select(['id', sql<boolean>`${n.eventId}::uuid = ANY(event_ids)`.as('seen')])
          .where('user_id', '=', n.userId)
          .where('task_id', '=', n.taskId)
          .where('actor_id', '=', n.actor.id)
          .where('kind', '=', n.kind)
          .where('last_at', '>=', coalesceSince)
          .orderBy('seen', 'desc')
          .orderBy('last_at', 'desc')
          .limit(1)
          .forUpdate()
          .executeTakeFirst();
        if (open?.seen) return undefined;
        if (open !== undefined) {
          const row = await db
            .updateTable('notifications')
            .set({
              event_ids: sql`array_append(event_ids, ${n.eventId}::uuid)`,
              count: sql`count + 1`,
              event_type: n.eventType,
              subject_type: n.subject.type,
              subject_id: n.subject.id,
              last_at: sql`greatest(last_at, ${n.firstAt})`,
              read_at: null,
            } as never)
            .where('id', '=', open.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          return toNotification(row);
        }
      }
      const row = await db
        .insertInto('notifications')
        .values({
          id: n.id,
          user_id: n.userId,
          organization_id: n.organizationId,
          kind: n.kind,
          event_id: n.eventId,
          event_ids: sql`ARRAY[${n.eventId}::uuid]`,
          event_type: n.eventType,
          actor_type: n.actor.type,
          actor_id: n.actor.id,
          subject_type: n.subject.type,
          subject_id: n.subject.id,
          subject_key: n.subject.key,
          project_id: n.projectId,
          task_id: n.taskId,
          channels: textArray(n.channels),
          deliver_after: n.deliverAfter,
          first_at: n.firstAt,
          last_at: n.firstAt,
        } as never)
        .onConflict((conflict) => conflict.columns(['user_id', 'event_id']).doNothing())
        .returningAll()
        .executeTakeFirst();
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
