// The audit log: append-only (the application role may only INSERT and SELECT).
import type { AuditEntry, AuditLogRepository } from '../../application/access/ports.js';
import type { Db } from './database.js';
import { defer, QueryTemplates } from './wire/index.js';

/** The compiled insert of every audit log repository (the same SQL for every connection). */
const templates = new QueryTemplates();

export function postgresAuditLogRepository(db: Db): AuditLogRepository {
  return {
    async record(entry) {
      // Written in the transaction it records, read by nobody in it: it rides ahead of the next
      // statement (the COMMIT, usually).
      // Every column bound (absent ones as null), so one statement serves every entry.
      const values = [
        entry.organizationId,
        entry.id,
        entry.actorType,
        entry.actorId,
        entry.action,
        entry.targetType,
        entry.targetId,
        JSON.stringify(entry.changes),
        entry.ip ?? null,
        entry.userAgent ?? null,
        entry.requestId ?? null,
        entry.createdAt,
      ] as const;
      const statement = templates.compile(
        { query: 'record' },
        values,
        (org, id, actorType, actorId, action, targetType, targetId, changes, ip, ua, request, at) =>
          db.insertInto('audit_log').values({
            organization_id: org,
            id: id,
            actor_type: actorType,
            actor_id: actorId,
            action: action,
            target_type: targetType,
            target_id: targetId,
            changes: changes,
            ip: ip,
            user_agent: ua,
            request_id: request,
            created_at: at,
          }),
      );
      await defer(db, statement);
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
