// Analytics rollups: the organization-wide figures read a few thousand rows instead of every
// task. Per (project, status, assignee, type, priority): the count of live tasks and the sums the
// figures need (estimates; for the efficiency score, min(1, estimate / actual) and how many tasks
// have both). Row triggers append a task's contribution (−old, +new) to task_rollup_deltas when
// it changes, and only then (a move within its column, a new title or description leave
// nothing); deltas are only appended, so concurrent writers never wait on a shared counter row. A
// reader sums task_rollups and the deltas not yet folded in, so its answer is exact whatever the
// worker has done. The worker folds deltas into task_rollups now and then (task_rollups_compact:
// delete what it sees, add it up, in one transaction). Backfilled here from the tasks. An index
// serves the overdue count (open tasks by due date), and the index of completions covers what a
// period reads. Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const KEYS = sql.raw('organization_id, project_id, status_id, assignee_id, type_id, priority');

/** What a task contributes by: a change to any of these moves it between rollup rows or sums. */
const ROLLED_COLUMNS = [
  'project_id',
  'status_id',
  'assignee_id',
  'type_id',
  'priority',
  'estimate_hours',
  'actual_hours',
  'deleted_at',
];
const ROLLED = sql.raw(ROLLED_COLUMNS.join(', '));

/** One row's contribution, signed, from a transition table (or tasks) aliased `r`. */
const contribution = (sign: number) =>
  sql.raw(`r.organization_id, r.project_id, r.status_id, r.assignee_id, r.type_id, r.priority,
    ${sign} AS n, ${sign} * coalesce(r.estimate_hours, 0) AS estimate_sum,
    ${sign} * CASE WHEN r.estimate_hours IS NOT NULL AND r.actual_hours > 0
      THEN least(1, r.estimate_hours / r.actual_hours) ELSE 0 END AS capped_sum,
    ${sign} * CASE WHEN r.estimate_hours IS NOT NULL AND r.actual_hours > 0
      THEN 1 ELSE 0 END AS with_both`);

const COLUMNS = sql.raw(`
  organization_id uuid NOT NULL,
  project_id uuid NOT NULL,
  status_id uuid NOT NULL,
  assignee_id uuid,
  type_id uuid,
  priority smallint NOT NULL,
  n bigint NOT NULL,
  estimate_sum double precision NOT NULL,
  capped_sum double precision NOT NULL,
  with_both bigint NOT NULL`);

const SUMS = sql.raw(
  'sum(n) AS n, sum(estimate_sum) AS estimate_sum, sum(capped_sum) AS capped_sum, sum(with_both) AS with_both',
);

const UP: RawBuilder<unknown>[] = [
  sql`CREATE TABLE task_rollups (${COLUMNS}, UNIQUE NULLS NOT DISTINCT (${KEYS}))`,
  sql`CREATE TABLE task_rollup_deltas (${COLUMNS})`,
  sql`CREATE INDEX task_rollup_deltas_org_idx ON task_rollup_deltas (organization_id)`,
  ...['task_rollups', 'task_rollup_deltas'].flatMap((table) => [
    sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
    sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (organization_id = app_current_organization())
      WITH CHECK (organization_id = app_current_organization())
    `,
  ]),
  sql`GRANT SELECT ON task_rollups TO teamflow_app`,
  sql`GRANT SELECT, INSERT ON task_rollup_deltas TO teamflow_app`,
  sql`
    CREATE FUNCTION task_rollup_delta() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
    BEGIN
      IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN
        INSERT INTO task_rollup_deltas SELECT ${contribution(-1)} FROM (SELECT OLD.*) r;
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN
        INSERT INTO task_rollup_deltas SELECT ${contribution(1)} FROM (SELECT NEW.*) r;
      END IF;
      RETURN NULL;
    END
    $$
  `,
  sql`
    CREATE TRIGGER tasks_rollup_insert AFTER INSERT ON tasks
    FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION task_rollup_delta()
  `,
  // Only a write to a column the rollups key or sum fires it, and only when one changed: a move
  // within its column, a title or a description leaves nothing.
  sql`
    CREATE TRIGGER tasks_rollup_update
    AFTER UPDATE OF ${ROLLED} ON tasks FOR EACH ROW
    WHEN ((${sql.raw(ROLLED_COLUMNS.map((c) => `OLD.${c}`).join(', '))})
      IS DISTINCT FROM (${sql.raw(ROLLED_COLUMNS.map((c) => `NEW.${c}`).join(', '))}))
    EXECUTE FUNCTION task_rollup_delta()
  `,
  sql`
    CREATE TRIGGER tasks_rollup_delete AFTER DELETE ON tasks
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION task_rollup_delta()
  `,
  sql`
    INSERT INTO task_rollups
    SELECT ${KEYS}, ${SUMS} FROM (SELECT ${contribution(1)} FROM tasks r
      WHERE r.deleted_at IS NULL) x
    GROUP BY ${KEYS}
  `,
  // The worker's fold, across organizations (SECURITY DEFINER): what it deletes it adds up.
  sql`
    CREATE FUNCTION task_rollups_compact() RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH folded AS (
        DELETE FROM task_rollup_deltas RETURNING *
      ), summed AS (
        INSERT INTO task_rollups
        SELECT ${KEYS}, ${SUMS} FROM folded GROUP BY ${KEYS}
        ON CONFLICT (${KEYS}) DO UPDATE SET
          n = task_rollups.n + excluded.n,
          estimate_sum = task_rollups.estimate_sum + excluded.estimate_sum,
          capped_sum = task_rollups.capped_sum + excluded.capped_sum,
          with_both = task_rollups.with_both + excluded.with_both
        RETURNING 1
      )
      SELECT count(*) FROM folded
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION task_rollups_compact() FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION task_rollups_compact() TO teamflow_app`,
  sql`
    CREATE INDEX tasks_open_due_idx ON tasks (organization_id, due_at)
    INCLUDE (project_id, assignee_id) WHERE deleted_at IS NULL AND completed_at IS NULL
  `,
  // Migration 0033's index of completions, now covering what a period reads (index-only scans).
  sql`DROP INDEX tasks_completed_idx`,
  sql`
    CREATE INDEX tasks_completed_idx ON tasks (organization_id, completed_at)
    INCLUDE (project_id, assignee_id, started_at)
    WHERE deleted_at IS NULL AND completed_at IS NOT NULL
  `,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP INDEX tasks_completed_idx`,
  sql`
    CREATE INDEX tasks_completed_idx ON tasks (organization_id, completed_at)
    WHERE deleted_at IS NULL AND completed_at IS NOT NULL
  `,
  sql`DROP INDEX tasks_open_due_idx`,
  sql`DROP FUNCTION task_rollups_compact()`,
  sql`DROP TRIGGER tasks_rollup_delete ON tasks`,
  sql`DROP TRIGGER tasks_rollup_update ON tasks`,
  sql`DROP TRIGGER tasks_rollup_insert ON tasks`,
  sql`DROP FUNCTION task_rollup_delta()`,
  sql`DROP TABLE task_rollup_deltas`,
  sql`DROP TABLE task_rollups`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
