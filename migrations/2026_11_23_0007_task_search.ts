// Full-text search under row-level security. The match operator (tsvector @@ tsquery) is not
// LEAKPROOF, so on a table with a policy the planner may not use it as an index condition: as
// teamflow_app, a search read every task of the organization (bench/explain.ts: 1.0–1.4 s on a
// 1M-task organization, for a word in 7 tasks as for one in 50,000). This SECURITY DEFINER
// function runs the two GIN-indexed matches as the owner, which no policy binds, and keeps to the
// current organization itself (app_current_organization(), the policies' own test): 1.8 ms for
// the rare word. It answers the live matching tasks with the rank of their own match, and their
// best comment's rank, one row each; the caller sums them and applies everything else (live
// project, who may see the task) under row-level security as usual.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION app_task_search(search_query tsquery)
    RETURNS TABLE (task_id uuid, rank real, project_id uuid, reporter_id uuid, assignee_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT t.id, ts_rank(t.search_vector, search_query), t.project_id, t.reporter_id,
             t.assignee_id
      FROM tasks AS t
      WHERE t.organization_id = app_current_organization()
        AND t.search_vector @@ search_query AND t.deleted_at IS NULL
      UNION ALL
      SELECT t.id, max(ts_rank(c.search_vector, search_query)), t.project_id, t.reporter_id,
             t.assignee_id
      FROM task_comments AS c
      JOIN tasks AS t ON t.organization_id = c.organization_id AND t.id = c.task_id
      WHERE c.organization_id = app_current_organization()
        AND c.search_vector @@ search_query AND t.deleted_at IS NULL
      GROUP BY t.organization_id, t.id
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION app_task_search(tsquery) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION app_task_search(tsquery) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP FUNCTION app_task_search(tsquery)`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
