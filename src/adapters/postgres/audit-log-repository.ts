// The audit log: append-only (the application role may only INSERT and SELECT).
import type { AuditEntry, AuditLogRepository } from '../../application/access/ports.js';
import type { Db } from './database.js';
import { sendAhead } from './pipeline.js';

export function postgresAuditLogRepository(db: Db): AuditLogRepository {
  return {
    async record(entry) {
      // Written in the transaction it records, read by nobody in it: it rides ahead of the next
      // statement (the COMMIT, usually).
      await sendAhead(
        db,
        db.insertInto('audit_log').values({
          organization_id: entry.organizationId,
          id: entry.id,
          actor_type: entry.actorType,
          actor_id: entry.actorId,
          action: entry.action,
          target_type: entry.targetType,
          target_id: entry.targetId,
          changes: JSON.stringify(entry.changes),
          ip: entry.ip,
          user_agent: entry.userAgent,
          request_id: entry.requestId,
          created_at: entry.createdAt,
        }),
      );
    },

    async list(organizationId, filters, page) {
      let query = db
        .selectFrom('audit_log')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit);
      if (filters.actorId !== undefined) query = query.where('actor_id', '=', filters.actorId);
      if (filters.action !== undefined) query = query.where('action', '=', filters.action);
      if (filters.targetType !== undefined) {
        query = query.where('target_type', '=', filters.targetType);
      }
      if (filters.since !== undefined) query = query.where('created_at', '>=', filters.since);
      if (filters.until !== undefined) query = query.where('created_at', '<', filters.until);
      if (page.after !== undefined) {
        const after = page.after;
        // Keyset on (created_at, id), both descending: rows strictly after the cursor's row.
        query = query.where((eb) =>
          eb(
            eb.refTuple('created_at', 'id'),
            '<',
            eb.tuple(
              eb
                .selectFrom('audit_log as cursor')
                .select('cursor.created_at')
                .where('cursor.organization_id', '=', organizationId)
                .where('cursor.id', '=', after),
              after,
            ),
          ),
        );
      }
      const rows = await query.execute();
      return rows.map((row): AuditEntry => ({
        id: row.id,
        organizationId: row.organization_id,
        actorType: row.actor_type,
        actorId: row.actor_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        changes: row.changes,
        ip: row.ip,
        userAgent: row.user_agent,
        requestId: row.request_id,
        createdAt: row.created_at,
      }));
    },
  };
}
