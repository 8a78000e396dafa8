// What the notifications worker looks up to know who hears of an event, in the event's
// organization: watchers, mentioned members, a comment's body, membership.
import { sql } from 'kysely';
import type { NotificationAudience } from '../../application/notifications/ports.js';
import type { Db } from './database.js';

export function postgresNotificationAudience(db: Db): NotificationAudience {
  return {
    async watchersOf(organizationId, taskIds) {
      const watchers = new Map<string, string[]>();
      if (taskIds.length === 0) return watchers;
      const rows = await db
        .selectFrom('task_watchers as w')
        .innerJoin('memberships as m', (join) =>
          join
            .onRef('m.organization_id', '=', 'w.organization_id')
            .onRef('m.user_id', '=', 'w.user_id'),
        )
        .select(['w.task_id', 'w.user_id'])
        .where('w.organization_id', '=', organizationId)
        .where('w.task_id', '=', sql<string>`any(${[...taskIds]}::uuid[])`)
        .orderBy('w.task_id')
        .orderBy('w.user_id')
        .execute();
      for (const row of rows) {
        const ofTask = watchers.get(row.task_id);
        if (ofTask) ofTask.push(row.user_id);
        else watchers.set(row.task_id, [row.user_id]);
      }
      return watchers;
    },

    async mentionCandidates(organizationId, mentions) {
      if (mentions.emails.length === 0 && mentions.handles.length === 0) return [];
      const email = sql<string>`lower(u.email)`;
      const handle = sql<string>`lower(left(u.email, length(u.email) - strpos(reverse(u.email), '@')))`;
      const rows = await db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.id', 'u.email'])
        .where('m.organization_id', '=', organizationId)
        .where('u.deleted_at', 'is', null)
        .where((eb) =>
          eb.or([
            ...(mentions.emails.length > 0 ? [eb(email, 'in', mentions.emails)] : []),
            ...(mentions.handles.length > 0 ? [eb(handle, 'in', mentions.handles)] : []),
          ]),
        )
        .execute();
      return rows.map((row) => ({ userId: row.id, email: row.email }));
    },

    async commentBody(organizationId, commentId) {
      const row = await db
        .selectFrom('task_comments')
        .select('body')
        .where('organization_id', '=', organizationId)
        .where('id', '=', commentId)
        .executeTakeFirst();
      return row?.body;
    },

    async membersAmong(organizationId, userIds) {
      if (userIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('memberships')
        .select('user_id')
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', sql<string>`any(${[...userIds]}::uuid[])`)
        .execute();
      return new Set(rows.map((row) => row.user_id));
    },
  };
}
