// Attachments: files on tasks (and on their comments). The bytes live in a blob store (a folder
// under DATA_DIR, or S3); a row here says what they are. Each organization's bytes are counted in
// attachment_usage, changed in the transaction that adds or removes a row (the row lock keeps the
// quota under concurrent uploads). blob_deletions lists blobs to delete once what referred to
// them has committed: an upload's own intent (due later: a crash mid-upload leaves no orphan),
// a removed attachment (due at once), a purged task's files. The worker drains it, across
// organizations (SECURITY DEFINER), and purges tasks soft-deleted long ago (tasks_purge).
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const TENANT_TABLES = ['attachments', 'attachment_usage', 'blob_deletions'] as const;

/** `d` is the doomed tasks: unnest(orgs, ids) AS d(organization_id, id). */
const DOOMED = 'unnest(doomed_orgs, doomed_ids) AS d(organization_id, id)';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE attachments (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      task_id uuid NOT NULL,
      comment_id uuid,
      file_name text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 255),
      content_type text NOT NULL CHECK (char_length(content_type) BETWEEN 1 AND 255),
      size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      storage_key text NOT NULL UNIQUE,
      status text NOT NULL CHECK (status IN ('clean', 'quarantined')),
      uploaded_by uuid,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, task_id) REFERENCES tasks (organization_id, id),
      FOREIGN KEY (organization_id, comment_id) REFERENCES task_comments (organization_id, id)
        ON DELETE SET NULL (comment_id)
    )
  `,
  sql`CREATE INDEX attachments_task_idx ON attachments (organization_id, task_id, created_at, id)`,
  sql`
    CREATE TABLE attachment_usage (
      organization_id uuid PRIMARY KEY REFERENCES organizations (id),
      bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0)
    )
  `,
  sql`
    CREATE TABLE blob_deletions (
      storage_key text PRIMARY KEY,
      organization_id uuid NOT NULL,
      not_before timestamptz NOT NULL
    )
  `,
  sql`CREATE INDEX blob_deletions_due_idx ON blob_deletions (not_before)`,
  sql`GRANT SELECT, INSERT, DELETE ON attachments TO teamflow_app`,
  sql`GRANT SELECT, INSERT, UPDATE ON attachment_usage TO teamflow_app`,
  sql`GRANT SELECT, INSERT, UPDATE, DELETE ON blob_deletions TO teamflow_app`,
  ...TENANT_TABLES.flatMap((table) => [
    sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
    sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (organization_id = app_current_organization())
      WITH CHECK (organization_id = app_current_organization())
    `,
  ]),
  // The blobs due for deletion, every organization's, up to max_rows; oldest first.
  sql`
    CREATE FUNCTION blob_deletions_due(at_time timestamptz, max_rows integer)
    RETURNS TABLE (storage_key text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT b.storage_key FROM blob_deletions b
      WHERE b.not_before <= at_time
      ORDER BY b.not_before, b.storage_key
      LIMIT max_rows
    $$
  `,
  sql`
    CREATE FUNCTION blob_deletions_done(keys text[]) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH deleted AS (
        DELETE FROM blob_deletions b WHERE b.storage_key = ANY (keys) RETURNING 1
      )
      SELECT count(*) FROM deleted
    $$
  `,
  // Purges up to max_rows tasks deleted before older_than, with everything hanging on them; their
  // attachments' blobs are listed for deletion in the same transaction, their bytes given back.
  // A live subtask of a purged task loses its parent.
  sql`
    CREATE FUNCTION tasks_purge(older_than timestamptz, max_rows integer) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
    DECLARE
      doomed_orgs uuid[];
      doomed_ids uuid[];
      purged bigint;
    BEGIN
      SELECT array_agg(t.organization_id), array_agg(t.id) INTO doomed_orgs, doomed_ids
      FROM (
        SELECT organization_id, id FROM tasks
        WHERE deleted_at IS NOT NULL AND deleted_at < older_than
        ORDER BY deleted_at, id
        LIMIT max_rows
        FOR UPDATE SKIP LOCKED
      ) t;
      IF doomed_ids IS NULL THEN
        RETURN 0;
      END IF;
      INSERT INTO blob_deletions (storage_key, organization_id, not_before)
        SELECT a.storage_key, a.organization_id, now()
        FROM attachments a JOIN ${sql.raw(DOOMED)}
          ON a.organization_id = d.organization_id AND a.task_id = d.id
      ON CONFLICT (storage_key) DO UPDATE SET not_before = now();
      UPDATE attachment_usage u SET bytes = greatest(0, u.bytes - s.total)
        FROM (
          SELECT a.organization_id, sum(a.size_bytes) AS total
          FROM attachments a JOIN ${sql.raw(DOOMED)}
            ON a.organization_id = d.organization_id AND a.task_id = d.id
          GROUP BY a.organization_id
        ) s
        WHERE u.organization_id = s.organization_id;
      DELETE FROM attachments a USING ${sql.raw(DOOMED)}
        WHERE a.organization_id = d.organization_id AND a.task_id = d.id;
      DELETE FROM task_labels x USING ${sql.raw(DOOMED)}
        WHERE x.organization_id = d.organization_id AND x.task_id = d.id;
      DELETE FROM task_watchers x USING ${sql.raw(DOOMED)}
        WHERE x.organization_id = d.organization_id AND x.task_id = d.id;
      DELETE FROM task_comments x USING ${sql.raw(DOOMED)}
        WHERE x.organization_id = d.organization_id AND x.task_id = d.id;
      DELETE FROM task_relations x USING ${sql.raw(DOOMED)}
        WHERE x.organization_id = d.organization_id
          AND (x.source_task_id = d.id OR x.target_task_id = d.id);
      DELETE FROM task_history x USING ${sql.raw(DOOMED)}
        WHERE x.organization_id = d.organization_id AND x.task_id = d.id;
      UPDATE tasks x SET parent_id = NULL FROM ${sql.raw(DOOMED)}
        WHERE x.organization_id = d.organization_id AND x.parent_id = d.id;
      DELETE FROM tasks x USING ${sql.raw(DOOMED)}
        WHERE x.organization_id = d.organization_id AND x.id = d.id;
      GET DIAGNOSTICS purged = ROW_COUNT;
      RETURN purged;
    END
    $$
  `,
  sql`CREATE INDEX tasks_deleted_idx ON tasks (deleted_at) WHERE deleted_at IS NOT NULL`,
  ...['blob_deletions_due(timestamptz, integer)', 'blob_deletions_done(text[])'].flatMap((f) => [
    sql.raw(`REVOKE EXECUTE ON FUNCTION ${f} FROM PUBLIC`),
    sql.raw(`GRANT EXECUTE ON FUNCTION ${f} TO teamflow_app`),
  ]),
  sql`REVOKE EXECUTE ON FUNCTION tasks_purge(timestamptz, integer) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION tasks_purge(timestamptz, integer) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP INDEX tasks_deleted_idx`,
  sql`DROP FUNCTION tasks_purge(timestamptz, integer)`,
  sql`DROP FUNCTION blob_deletions_done(text[])`,
  sql`DROP FUNCTION blob_deletions_due(timestamptz, integer)`,
  sql`DROP TABLE blob_deletions`,
  sql`DROP TABLE attachment_usage`,
  sql`DROP TABLE attachments`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
