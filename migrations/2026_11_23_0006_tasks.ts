// Tasks and everything hanging on them: labels, watchers, comments, relations and history.
// Tenant tables keyed (organization_id, id); every reference carries the organization in the key,
// so no row can point into another tenant whatever the application does.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const TENANT_TABLES = [
  'tasks',
  'task_labels',
  'task_watchers',
  'task_comments',
  'task_relations',
  'task_history',
] as const;

const UP: RawBuilder<unknown>[] = [
  // `number` is the n of the key RE-n, handed out by projects.next_task_number. `priority` is
  // 1 (low) … 4 (critical) so that "most urgent first" is an index order. `position` orders a
  // column (gapped integers: a move writes one row; a column is renumbered only when two
  // neighbours leave no gap). The search vector covers title and description; comments carry
  // their own.
  sql`
    CREATE TABLE tasks (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      project_id uuid NOT NULL,
      number integer NOT NULL CHECK (number > 0),
      title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
      description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 50000),
      type_id uuid,
      status_id uuid NOT NULL,
      priority smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
      assignee_id uuid,
      reporter_id uuid NOT NULL,
      parent_id uuid,
      due_at timestamptz,
      estimate_hours double precision CHECK (estimate_hours >= 0),
      actual_hours double precision CHECK (actual_hours >= 0),
      position bigint NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      completed_at timestamptz,
      deleted_at timestamptz,
      search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', description), 'B')
      ) STORED,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id),
      FOREIGN KEY (organization_id, status_id) REFERENCES project_statuses (organization_id, id),
      FOREIGN KEY (organization_id, type_id) REFERENCES task_types (organization_id, id)
        ON DELETE SET NULL (type_id),
      FOREIGN KEY (organization_id, parent_id) REFERENCES tasks (organization_id, id),
      CHECK (parent_id IS NULL OR parent_id <> id)
    )
  `,
  sql`CREATE UNIQUE INDEX tasks_number_key ON tasks (organization_id, project_id, number)`,
  // The list shapes, over live tasks only: a kanban column in order; a project newest first;
  // by due date; by priority; "my tasks" and "what I requested" across projects; the whole
  // organization newest first; the children of a task.
  sql`CREATE INDEX tasks_column_idx ON tasks (organization_id, project_id, status_id, position, id) WHERE deleted_at IS NULL`,
  sql`CREATE INDEX tasks_project_created_idx ON tasks (organization_id, project_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  sql`CREATE INDEX tasks_project_due_idx ON tasks (organization_id, project_id, due_at, id) WHERE deleted_at IS NULL`,
  sql`CREATE INDEX tasks_project_priority_idx ON tasks (organization_id, project_id, priority DESC, id) WHERE deleted_at IS NULL`,
  sql`CREATE INDEX tasks_assignee_created_idx ON tasks (organization_id, assignee_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  sql`CREATE INDEX tasks_reporter_created_idx ON tasks (organization_id, reporter_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  sql`CREATE INDEX tasks_created_idx ON tasks (organization_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  sql`CREATE INDEX tasks_parent_idx ON tasks (organization_id, parent_id) WHERE parent_id IS NOT NULL`,
  sql`CREATE INDEX tasks_search_idx ON tasks USING gin (search_vector)`,

  // Labels are organization-wide; deleting a label takes it off every task.
  sql`
    CREATE TABLE task_labels (
      organization_id uuid NOT NULL,
      task_id uuid NOT NULL,
      label_id uuid NOT NULL,
      PRIMARY KEY (organization_id, task_id, label_id),
      FOREIGN KEY (organization_id, task_id) REFERENCES tasks (organization_id, id),
      FOREIGN KEY (organization_id, label_id) REFERENCES labels (organization_id, id)
        ON DELETE CASCADE
    )
  `,
  sql`CREATE INDEX task_labels_label_idx ON task_labels (organization_id, label_id, task_id)`,

  sql`
    CREATE TABLE task_watchers (
      organization_id uuid NOT NULL,
      task_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, task_id, user_id),
      FOREIGN KEY (organization_id, task_id) REFERENCES tasks (organization_id, id)
    )
  `,

  sql`
    CREATE TABLE task_comments (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      task_id uuid NOT NULL,
      author_id uuid NOT NULL,
      body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 20000),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, task_id) REFERENCES tasks (organization_id, id)
    )
  `,
  sql`CREATE INDEX task_comments_task_idx ON task_comments (organization_id, task_id, created_at, id)`,
  sql`CREATE INDEX task_comments_search_idx ON task_comments USING gin (search_vector)`,

  // One row per relation, stored in its forward sense: `blocked_by` is kept as the `blocks` row
  // of the other task, so "A blocks B" and "B blocked_by A" are the same row.
  sql`
    CREATE TABLE task_relations (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      source_task_id uuid NOT NULL,
      target_task_id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('blocks', 'duplicates', 'relates_to')),
      created_by uuid,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, source_task_id) REFERENCES tasks (organization_id, id),
      FOREIGN KEY (organization_id, target_task_id) REFERENCES tasks (organization_id, id),
      CHECK (source_task_id <> target_task_id),
      UNIQUE (organization_id, source_task_id, target_task_id, type)
    )
  `,
  sql`CREATE INDEX task_relations_target_idx ON task_relations (organization_id, target_task_id)`,

  sql`
    CREATE TABLE task_history (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      task_id uuid NOT NULL,
      actor_id uuid,
      action text NOT NULL,
      changes jsonb NOT NULL DEFAULT '{}'::jsonb,
      at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, task_id) REFERENCES tasks (organization_id, id)
    )
  `,
  sql`CREATE INDEX task_history_task_idx ON task_history (organization_id, task_id, at DESC, id DESC)`,

  // Tasks are soft-deleted, history is append-only; labels, watchers, comments and relations
  // come and go.
  sql`GRANT SELECT, INSERT, UPDATE ON tasks TO teamflow_app`,
  sql`GRANT SELECT, INSERT, DELETE ON task_labels TO teamflow_app`,
  sql`GRANT SELECT, INSERT, DELETE ON task_watchers TO teamflow_app`,
  sql`GRANT SELECT, INSERT, UPDATE, DELETE ON task_comments TO teamflow_app`,
  sql`GRANT SELECT, INSERT, DELETE ON task_relations TO teamflow_app`,
  sql`GRANT SELECT, INSERT ON task_history TO teamflow_app`,

  ...TENANT_TABLES.flatMap((table) => [
    sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
    sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (organization_id = app_current_organization())
      WITH CHECK (organization_id = app_current_organization())
    `,
  ]),
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP TABLE task_history`,
  sql`DROP TABLE task_relations`,
  sql`DROP TABLE task_comments`,
  sql`DROP TABLE task_watchers`,
  sql`DROP TABLE task_labels`,
  sql`DROP TABLE tasks`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
