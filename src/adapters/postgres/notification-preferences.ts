// Notification preferences (migration 2026_12_05_0021): a member's choices per organization, and
// the organization's defaults. Channels are stored as `{kind: [channel…]}`; quiet hours as
// `{start, end, time_zone}`.
import { sql } from 'kysely';
import type {
  MemberPreferences,
  NotificationPreferenceRepository,
} from '../../application/notifications/ports.js';
import type { QuietHours } from '../../domain/notifications/preferences.js';
import type { Db } from './database.js';

const toQuietHours = (stored: Record<string, unknown> | null): QuietHours | null =>
  stored === null
    ? null
    : {
        start: String(stored.start),
        end: String(stored.end),
        timeZone: String(stored.time_zone),
      };

const storedQuietHours = (quiet: QuietHours | null) =>
  quiet === null
    ? null
    : JSON.stringify({ start: quiet.start, end: quiet.end, time_zone: quiet.timeZone });

export function postgresNotificationPreferences(db: Db): NotificationPreferenceRepository {
  return {
    async ofMember(organizationId, userId) {
      const row = await db
        .selectFrom('notification_preferences')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return {
        channels: row?.channels ?? {},
        quietHours: toQuietHours(row?.quiet_hours ?? null),
        updatedAt: row?.updated_at ?? null,
      };
    },

    async ofMembers(organizationId, userIds) {
      const chosen = new Map<string, MemberPreferences>();
      if (userIds.length === 0) return chosen;
      const rows = await db
        .selectFrom('notification_preferences')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', sql<string>`any(${[...userIds]}::uuid[])`)
        .execute();
      for (const row of rows) {
        chosen.set(row.user_id, {
          channels: row.channels,
          quietHours: toQuietHours(row.quiet_hours),
          updatedAt: row.updated_at,
        });
      }
      return chosen;
    },

    async saveMember(organizationId, userId, preferences, now) {
      const values = {
        channels: JSON.stringify(preferences.channels),
        quiet_hours: storedQuietHours(preferences.quietHours),
        updated_at: now,
      };
      await db
        .insertInto('notification_preferences')
        .values({ organization_id: organizationId, user_id: userId, ...values })
        .onConflict((conflict) =>
          conflict.columns(['organization_id', 'user_id']).doUpdateSet(values),
        )
        .execute();
      return { ...preferences, updatedAt: now };
    },

    async ofOrganization(organizationId) {
      const row = await db
        .selectFrom('notification_defaults')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      return {
        channels: row?.channels ?? {},
        updatedAt: row?.updated_at ?? null,
      };
    },

    async saveOrganization(organizationId, channels, now) {
      const values = { channels: JSON.stringify(channels), updated_at: now };
      await db
        .insertInto('notification_defaults')
        .values({ organization_id: organizationId, ...values })
        .onConflict((conflict) => conflict.column('organization_id').doUpdateSet(values))
        .execute();
      return { channels, updatedAt: now };
    },
  };
}
