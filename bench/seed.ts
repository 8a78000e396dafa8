// A realistic database for the benchmarks and the EXPLAIN scenarios: `--orgs` organizations of
// ~20 members each (every built-in role), `--projects` projects of `--tasks` tasks, and one more
// organization ("bench-big") whose first project holds `--big-org-tasks` tasks. Every row obeys
// the application's invariants: numbers gapless per project (next_task_number = max + 1),
// positions 65536 apart within each (project, status) in number order, completed_at set exactly
// for tasks in a done status, reporters and assignees members who may hold the task, labels of
// the task's organization. ~1.5 labels, ~0.5 comments, ~2 history rows, ~1.8 watchers per task.
//
// Times are whole milliseconds, like the JavaScript Dates the application writes (its cursors
// carry ISO times to the millisecond).
//
// Set-based SQL (generate_series, INSERT … SELECT) in one transaction, as the database owner;
// progress on stderr; `bench_seed` remembers the parameters, so a second run with the same ones
// does nothing. Writes bench/.seed.json (organizations, one member email per role, the big
// organization) for the scenarios, then VACUUM ANALYZE.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/teamflow_bench npm run bench:seed -- \
//     --orgs 100 --projects 10 --tasks 1000 --big-org-tasks 1000000 [--reset]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/adapters/postgres/connect.js';
import { migrateToLatest } from '../src/adapters/postgres/migrator.js';
import { argon2PasswordHasher } from '../src/adapters/security/argon2-password-hasher.js';
import { ensureDatabase } from './harness/database.js';
import { TEXT_POOLS } from './seed-text.js';

export const SEED_PASSWORD = 'bench-password-1';
export const SEED_FILE = path.join(import.meta.dirname, '.seed.json');
/** Tasks generated per statement (with their labels, watchers, comments and history). */
const CHUNK = 100_000;
const STATUS_NAMES = ['To Do', 'In Progress', 'In Review', 'Done'];
const STATUS_CATEGORIES = ['todo', 'in_progress', 'in_progress', 'done'];
const TYPE_NAMES = ['Bug', 'Feature', 'Chore'];
const LABELS: [string, string][] = [
  ['bug', '#e11d48'],
  ['feature', '#2563eb'],
  ['frontend', '#7c3aed'],
  ['backend', '#059669'],
  ['infrastructure', '#d97706'],
  ['documentation', '#0891b2'],
  ['security', '#dc2626'],
  ['performance', '#65a30d'],
  ['ux', '#db2777'],
  ['tech-debt', '#525252'],
];
/** Roles of the 20 members of every organization, by member index. */
const ROLES = [
  'owner',
  'admin',
  'admin',
  'manager',
  'manager',
  'manager',
  ...Array<string>(10).fill('member'),
  'viewer',
  'viewer',
  'viewer',
  'requester',
];
/** Members who create, take and discuss tasks: owner, admins, managers, members (indexes 0–15). */
const DOERS = 16;

interface Params {
  readonly orgs: number;
  readonly projects: number;
  readonly tasks: number;
  readonly bigOrgTasks: number;
}

function parameters(): Params & { reset: boolean } {
  const { values } = parseArgs({
    options: {
      orgs: { type: 'string', default: '100' },
      projects: { type: 'string', default: '10' },
      tasks: { type: 'string', default: '1000' },
      'big-org-tasks': { type: 'string', default: '1000000' },
      reset: { type: 'boolean', default: false },
    },
  });
  const count = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`--${name} must be an integer between ${min} and ${max}`);
      process.exit(2);
    }
    return n;
  };
  return {
    orgs: count('orgs', values.orgs, 1, 100_000),
    projects: count('projects', values.projects, 1, 676),
    tasks: count('tasks', values.tasks, 0, 10_000_000),
    bigOrgTasks: count('big-org-tasks', values['big-org-tasks'], 0, 100_000_000),
    reset: values.reset,
  };
}

const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1).padStart(6);
const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en');
const log = (message: string) => process.stderr.write(`[${elapsed()} s] ${message}\n`);

/** Runs one phase, logging its row count and rate. */
async function phase(client: pg.Client, name: string, statement: string, values: unknown[] = []) {
  const t0 = performance.now();
  const result = await client.query(statement, values);
  const ms = performance.now() - t0;
  log(
    `${name}: ${(result.rowCount ?? 0).toLocaleString('en')} rows, ${rate(result.rowCount ?? 0, ms)}/s`,
  );
  return result;
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'bench/seed.ts writes millions of rows into PostgreSQL (not PGlite): set DATABASE_URL to a\n' +
      'database of its own (created if it does not exist), e.g.\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/teamflow_bench npm run bench:seed',
  );
  process.exit(1);
}

const { reset, ...params } = parameters();

if ((await ensureDatabase(databaseUrl)) === 'created') log('database created');
// The owner applies the migrations the way `npm run migrate` does.
const owner = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 });
try {
  const applied = await migrateToLatest(owner.db);
  if (applied.length > 0) log(`migrations applied: ${applied.join(', ')}`);
} finally {
  await owner.close();
}

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  await client.query(`
    CREATE TABLE IF NOT EXISTS bench_seed (
      id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      params jsonb NOT NULL,
      summary jsonb NOT NULL,
      seconds double precision NOT NULL,
      seeded_at timestamptz NOT NULL DEFAULT now()
    )
  `);
  if (reset) await wipe(client);
  const existing = await client.query<{ params: Params; summary: unknown }>(
    'SELECT params, summary FROM bench_seed',
  );
  const previous = existing.rows[0];
  if (previous && sameParams(previous.params, params)) {
    await writeFile(SEED_FILE, `${JSON.stringify(previous.summary, null, 2)}\n`);
    log(`already seeded with ${JSON.stringify(params)}; wrote ${SEED_FILE}`);
  } else if (previous) {
    console.error(
      `The database holds a seed of ${JSON.stringify(previous.params)}; pass --reset to replace it.`,
    );
    process.exitCode = 1;
  } else {
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM organizations WHERE slug LIKE 'bench-%'",
    );
    if (Number(rows[0]!.n) > 0) {
      console.error('Organizations bench-* exist without a finished seed; pass --reset.');
      process.exitCode = 1;
    } else {
      const summary = await seed(client, params);
      await writeFile(SEED_FILE, `${JSON.stringify(summary, null, 2)}\n`);
      log(`wrote ${SEED_FILE}`);
    }
  }
} finally {
  await client.end();
}

function sameParams(a: Params, b: Params): boolean {
  return (
    a.orgs === b.orgs &&
    a.projects === b.projects &&
    a.tasks === b.tasks &&
    a.bigOrgTasks === b.bigOrgTasks
  );
}

/** Empties every application table, refusing when it holds organizations the seed did not make. */
async function wipe(db: pg.Client): Promise<void> {
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM organizations WHERE slug NOT LIKE 'bench-%'",
  );
  if (Number(rows[0]!.n) > 0) {
    throw new Error('--reset refused: the database holds organizations the seed did not create');
  }
  const tables = await db.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
     WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely\\_%'`,
  );
  const t0 = performance.now();
  await db.query(`TRUNCATE ${tables.rows.map((t) => t.name).join(', ')}`);
  log(`reset: truncated ${tables.rows.length} tables in ${(performance.now() - t0).toFixed(0)} ms`);
}

interface Chunk {
  /** Projects generated whole, or the one project a range of numbers belongs to. */
  readonly projectIds: string[];
  readonly from: number;
  readonly to: number;
  readonly tasks: number;
}

async function seed(db: pg.Client, p: Params) {
  const hashStarted = performance.now();
  const passwordHash = await argon2PasswordHasher().hash(SEED_PASSWORD);
  log(`password hashed once (argon2id) in ${(performance.now() - hashStarted).toFixed(0)} ms`);
  const now = new Date();
  const big = p.bigOrgTasks > 0;

  await db.query('BEGIN');
  await db.query('SET LOCAL synchronous_commit = off');
  await db.query("SET LOCAL work_mem = '256MB'");
  await db.query("SET LOCAL maintenance_work_mem = '512MB'");
  await db.query('SELECT setseed(0.42)');
  // A UUIDv7 (the ids the application hands out: time-ordered) whose time is `at` and whose
  // random bits come from md5(key), so the same key gives the same id — a task can name its
  // parent's id without looking it up.
  await db.query(`
    CREATE FUNCTION pg_temp.id7(at timestamptz, key text) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT encode(
        set_bit(set_bit(set_bit(set_bit(set_bit(set_bit(
          overlay(decode(md5(key), 'hex')
            placing substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3)
            FROM 1 FOR 6),
          55, 0), 54, 1), 53, 1), 52, 1), 71, 1), 70, 0),
        'hex')::uuid
    $$
  `);

  await phase(
    db,
    'organizations planned',
    `CREATE TEMP TABLE seed_orgs AS
     SELECT n, pg_temp.id7(at, 'org:' || n) AS id,
            CASE WHEN n = $1 THEN 'bench-big' ELSE 'bench-' || n END AS slug,
            CASE WHEN n = $1 THEN 'Bench Big Org' ELSE 'Bench Org ' || n END AS name,
            n = $1 AS big, at
     FROM generate_series(0, $1 - CASE WHEN $2 THEN 0 ELSE 1 END) AS n,
          LATERAL (SELECT $3::timestamptz - interval '400 days' + n * interval '1 minute' AS at) AS t`,
    [p.orgs, big, now],
  );
  await phase(
    db,
    'organizations',
    `INSERT INTO organizations (id, name, slug, timezone, created_at, updated_at)
     SELECT id, name, slug, 'UTC', at, at FROM seed_orgs`,
  );
  await phase(
    db,
    'members planned',
    `CREATE TEMP TABLE seed_members AS
     SELECT o.id AS organization_id, o.slug, m AS idx, ($1::text[])[m + 1] AS role,
            pg_temp.id7(o.at, 'user:' || o.n || ':' || m) AS user_id,
            pg_temp.id7(o.at, 'membership:' || o.n || ':' || m) AS membership_id,
            ($1::text[])[m + 1] || '-' || m || '@' || o.slug || '.bench.test' AS email,
            initcap(($1::text[])[m + 1]) || ' ' || m || ' of ' || o.name AS name,
            o.at + m * interval '1 second' AS at
     FROM seed_orgs AS o, generate_series(0, $2 - 1) AS m`,
    [ROLES, ROLES.length],
  );
  await phase(
    db,
    'users',
    `INSERT INTO users (id, email, name, timezone, password_hash, email_verified_at,
                        created_at, updated_at)
     SELECT user_id, email, name, 'UTC', $1, at, at, at FROM seed_members`,
    [passwordHash],
  );
  await phase(
    db,
    'memberships',
    `INSERT INTO memberships (organization_id, id, user_id, role, created_at)
     SELECT organization_id, membership_id, user_id, role, at FROM seed_members`,
  );
  await phase(
    db,
    'labels',
    `INSERT INTO labels (organization_id, id, name, color, created_by, created_at, updated_at)
     SELECT o.id, pg_temp.id7(o.at, 'label:' || o.n || ':' || l.i), l.name, l.color,
            (SELECT user_id FROM seed_members AS m WHERE m.organization_id = o.id AND m.idx = 0),
            o.at, o.at
     FROM seed_orgs AS o,
          unnest($1::text[], $2::text[]) WITH ORDINALITY AS l (name, color, i)`,
    [LABELS.map((l) => l[0]), LABELS.map((l) => l[1])],
  );
  // The people and labels each organization's tasks draw from, as arrays.
  await db.query(`
    CREATE TEMP TABLE seed_people AS
    SELECT o.id AS organization_id,
           (SELECT array_agg(user_id ORDER BY idx) FROM seed_members AS m
            WHERE m.organization_id = o.id AND m.idx < ${DOERS}) AS doers,
           (SELECT user_id FROM seed_members AS m
            WHERE m.organization_id = o.id AND m.role = 'requester') AS requester,
           (SELECT array_agg(id ORDER BY name) FROM labels AS l
            WHERE l.organization_id = o.id) AS labels
    FROM seed_orgs AS o
  `);

  // Projects: `--projects` per organization of `--tasks` tasks; the big organization's first
  // project (key BIG) holds `--big-org-tasks`. Tasks are spread over the year before `now`.
  await phase(
    db,
    'projects planned',
    `CREATE TEMP TABLE seed_projects AS
     SELECT o.id AS organization_id, o.n AS org_n, j AS n,
            pg_temp.id7(o.at, 'project:' || o.n || ':' || j) AS id,
            CASE WHEN o.big AND j = 0 THEN 'BIG' ELSE chr(65 + j / 26) || chr(65 + j % 26) END AS key,
            CASE WHEN o.big AND j = 0 THEN $3::int ELSE $2::int END AS tasks,
            $4::timestamptz - interval '365 days' + j * interval '1 minute' AS base_at,
            (SELECT user_id FROM seed_members AS m WHERE m.organization_id = o.id AND m.idx = 0)
              AS owner_id
     FROM seed_orgs AS o, generate_series(0, $1 - 1) AS j`,
    [p.projects, p.tasks, p.bigOrgTasks, now],
  );
  await db.query(`
    ALTER TABLE seed_projects
      ADD COLUMN step interval, ADD COLUMN statuses uuid[], ADD COLUMN types uuid[]`);
  await db.query(`
    UPDATE seed_projects SET
      step = interval '364 days' / greatest(tasks, 1),
      statuses = ARRAY(SELECT pg_temp.id7(base_at, 'status:' || id || ':' || s)
                       FROM generate_series(0, 3) AS s ORDER BY s),
      types = ARRAY(SELECT pg_temp.id7(base_at, 'type:' || id || ':' || s)
                    FROM generate_series(0, 2) AS s ORDER BY s)`);
  await phase(
    db,
    'projects',
    `INSERT INTO projects (organization_id, id, name, key, description, created_by,
                           next_task_number, created_at, updated_at)
     SELECT organization_id, id, 'Project ' || key, key, 'Benchmark project ' || key, owner_id,
            tasks + 1, base_at - interval '1 day', base_at - interval '1 day'
     FROM seed_projects`,
  );
  await phase(
    db,
    'project_statuses',
    `INSERT INTO project_statuses (organization_id, id, project_id, name, category, position)
     SELECT p.organization_id, p.statuses[s + 1], p.id, ($1::text[])[s + 1], ($2::text[])[s + 1], s
     FROM seed_projects AS p, generate_series(0, 3) AS s`,
    [STATUS_NAMES, STATUS_CATEGORIES],
  );
  await phase(
    db,
    'task_types',
    `INSERT INTO task_types (organization_id, id, project_id, name, created_at)
     SELECT p.organization_id, p.types[s + 1], p.id, ($1::text[])[s + 1], p.base_at - interval '1 day'
     FROM seed_projects AS p, generate_series(0, 2) AS s`,
    [TYPE_NAMES],
  );

  const projects = await db.query<{ id: string; tasks: number }>(
    'SELECT id, tasks FROM seed_projects WHERE tasks > 0 ORDER BY org_n, n',
  );
  const chunks = chunksOf(projects.rows);
  const totalTasks = chunks.reduce((sum, c) => sum + c.tasks, 0);
  const counts = { tasks: 0, task_labels: 0, task_watchers: 0, task_comments: 0, task_history: 0 };
  /** The last position handed out per status, for projects generated over several chunks. */
  const lastPositions: Record<string, number> = {};
  const indexes = await dropSecondaryIndexes(db);
  const tasksStarted = performance.now();
  for (const chunk of chunks) {
    const written = await tasksOf(db, chunk, lastPositions, now);
    for (const [table, n] of Object.entries(written)) counts[table as keyof typeof counts] += n;
    const ms = performance.now() - tasksStarted;
    const left = ((totalTasks - counts.tasks) * ms) / counts.tasks / 1000;
    log(
      `tasks ${counts.tasks.toLocaleString('en')}/${totalTasks.toLocaleString('en')} ` +
        `(${((100 * counts.tasks) / totalTasks).toFixed(0)}%), ${rate(counts.tasks, ms)} tasks/s ` +
        `with their labels, watchers, comments and history; ~${left.toFixed(0)} s left`,
    );
  }
  const tasksMs = performance.now() - tasksStarted;
  for (const [table, n] of Object.entries(counts)) {
    log(`${table}: ${n.toLocaleString('en')} rows, ${rate(n, tasksMs)}/s`);
  }
  for (const index of indexes) {
    const t0 = performance.now();
    await db.query(index.definition);
    log(`index ${index.name} rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const summary = await summaryOf(db, p, now);
  const seconds = (performance.now() - started) / 1000;
  await db.query('INSERT INTO bench_seed (params, summary, seconds) VALUES ($1, $2, $3)', [
    JSON.stringify(p),
    JSON.stringify({ ...summary, counts, seconds }),
    seconds,
  ]);
  await db.query('COMMIT');
  log('committed');

  const vacuumStarted = performance.now();
  await db.query('VACUUM (ANALYZE)');
  log(`VACUUM (ANALYZE) in ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`);
  const total = (performance.now() - started) / 1000;
  log(`seeded in ${total.toFixed(1)} s`);
  await db.query('UPDATE bench_seed SET seconds = $1, summary = summary || $2', [
    total,
    JSON.stringify({ seconds: total }),
  ]);
  return { ...summary, counts, seconds: total };
}

/**
 * Drops the task tables' plain secondary indexes (the list and search indexes) for the bulk load;
 * the caller builds them again from these definitions before the commit: one sorted build is
 * several times faster than a million index insertions. Primary keys, unique indexes and foreign
 * keys stay, so every row is checked as it is written.
 */
async function dropSecondaryIndexes(db: pg.Client) {
  const { rows } = await db.query<{ name: string; definition: string }>(`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index AS i
    WHERE i.indrelid = ANY (ARRAY['tasks', 'task_labels', 'task_watchers', 'task_comments',
                                  'task_history']::regclass[])
      AND NOT i.indisprimary AND NOT i.indisunique
      AND NOT EXISTS (SELECT FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
    ORDER BY 1`);
  for (const index of rows) await db.query(`DROP INDEX ${index.name}`);
  log(
    `dropped ${rows.length} secondary indexes for the load: ${rows.map((r) => r.name).join(', ')}`,
  );
  return rows;
}

/** Whole projects up to CHUNK tasks per chunk; a larger project in ranges of CHUNK numbers. */
function chunksOf(projects: readonly { id: string; tasks: number }[]): Chunk[] {
  const chunks: Chunk[] = [];
  let open: Chunk | undefined;
  for (const project of projects) {
    if (project.tasks > CHUNK) {
      for (let from = 1; from <= project.tasks; from += CHUNK) {
        const to = Math.min(project.tasks, from + CHUNK - 1);
        chunks.push({ projectIds: [project.id], from, to, tasks: to - from + 1 });
      }
      continue;
    }
    if (!open || open.tasks + project.tasks > CHUNK) {
      open = { projectIds: [], from: 1, to: 2_147_483_647, tasks: 0 };
      chunks.push(open);
    }
    open.projectIds.push(project.id);
    (open as { tasks: number }).tasks += project.tasks;
  }
  return chunks;
}

/**
 * One chunk of tasks and everything hanging on them. The chunk is computed once into a temporary
 * table, and every table is filled from it.
 */
async function tasksOf(
  db: pg.Client,
  chunk: Chunk,
  lastPositions: Record<string, number>,
  now: Date,
): Promise<Record<string, number>> {
  const { verbs, adjectives, nouns, areas, failures, openers } = TEXT_POOLS;
  // Random draws first (one row of dice per task), then the task from them. Older tasks are more
  // often done; a tenth of the tasks are subtasks of a nearby top-level task of their project.
  await db.query(
    `CREATE TEMP TABLE seed_chunk AS
     WITH dice AS (
       SELECT p.organization_id, p.id AS project_id, p.key, p.tasks AS project_tasks, p.statuses,
              p.types, p.base_at, p.step, pp.doers, pp.requester, pp.labels, num AS number,
              date_trunc('milliseconds', p.base_at + num * p.step) AS created_at,
              random() AS r_status, random() AS r_status2, random() AS r_priority,
              random() AS r_type, random() AS r_reporter, random() AS r_assignee, random() AS r_due,
              random() AS r_estimate, random() AS r_labels, random() AS r_comments,
              random() AS r_text, random() AS r_parent, random() AS r_done
       FROM seed_projects AS p
       JOIN seed_people AS pp USING (organization_id)
       CROSS JOIN LATERAL generate_series($2::int, least($3::int, p.tasks)) AS num
       WHERE p.id = ANY ($1::uuid[])
     ), shaped AS (
       SELECT d.*,
              CASE
                WHEN d.r_status < 0.15 + 0.7 * (1 - d.number::float8 / d.project_tasks) THEN 3
                WHEN d.r_status2 < 0.5 THEN 0
                WHEN d.r_status2 < 0.8 THEN 1
                ELSE 2
              END AS status_idx,
              CASE WHEN d.r_priority < 0.2 THEN 1 WHEN d.r_priority < 0.65 THEN 2
                   WHEN d.r_priority < 0.9 THEN 3 ELSE 4 END AS priority,
              CASE WHEN d.r_reporter < 0.05 THEN d.requester
                   ELSE d.doers[1 + floor(d.r_reporter * 1000)::int % ${DOERS}] END AS reporter_id,
              CASE WHEN d.r_assignee < 0.2 THEN NULL
                   ELSE d.doers[1 + floor(d.r_assignee * 1000)::int % ${DOERS}] END AS assignee_id,
              CASE WHEN d.number % 10 = 0 AND d.number > 10 THEN
                     d.number - 1 - floor(d.r_parent * 5)::int END AS parent_pick,
              d.number % 97 = 13 AS is_deleted,
              CASE WHEN d.r_labels < 0.15 THEN 0 WHEN d.r_labels < 0.5 THEN 1
                   WHEN d.r_labels < 0.85 THEN 2 ELSE 3 END AS label_count,
              CASE WHEN d.r_comments < 0.6 THEN 0 WHEN d.r_comments < 0.9 THEN 1 ELSE 2 END
                AS comment_count
       FROM dice AS d
     )
     SELECT s.organization_id, s.project_id, s.key, s.number, s.created_at,
            pg_temp.id7(s.created_at, s.project_id || ':' || s.number) AS id,
            s.statuses[s.status_idx + 1] AS status_id, s.statuses[1] AS first_status_id,
            s.status_idx, s.priority, s.reporter_id, s.assignee_id,
            CASE WHEN s.r_type < 0.1 THEN NULL ELSE s.types[1 + floor(s.r_type * 1000)::int % 3] END
              AS type_id,
            ($4::text[])[1 + floor(s.r_text * 1e3)::int % cardinality($4::text[])] || ' ' ||
            ($5::text[])[1 + floor(s.r_text * 1e5)::int % cardinality($5::text[])] || ' ' ||
            ($6::text[])[1 + floor(s.r_text * 1e7)::int % cardinality($6::text[])] || ' in ' ||
            ($7::text[])[1 + floor(s.r_text * 1e9)::int % cardinality($7::text[])] AS title,
            CASE WHEN s.r_estimate < 0.3 THEN '' ELSE
              ($9::text[])[1 + floor(s.r_estimate * 1e4)::int % cardinality($9::text[])] || ' the ' ||
              ($7::text[])[1 + floor(s.r_estimate * 1e6)::int % cardinality($7::text[])] || ', ' ||
              lower(($4::text[])[1 + floor(s.r_due * 1e4)::int % cardinality($4::text[])]) || ' the ' ||
              ($6::text[])[1 + floor(s.r_due * 1e6)::int % cardinality($6::text[])] || '. Expected ' ||
              ($5::text[])[1 + floor(s.r_status2 * 1e6)::int % cardinality($5::text[])] || ' ' ||
              ($6::text[])[1 + floor(s.r_priority * 1e6)::int % cardinality($6::text[])] ||
              '; instead the ' ||
              ($6::text[])[1 + floor(s.r_type * 1e6)::int % cardinality($6::text[])] || ' ' ||
              ($8::text[])[1 + floor(s.r_assignee * 1e6)::int % cardinality($8::text[])] ||
              '. Error code E' || lpad((floor(s.r_labels * 1e9)::bigint % 100000)::text, 5, '0') ||
              '.'
            END AS description,
            CASE WHEN s.r_due < 0.4 THEN NULL
                 ELSE s.created_at + (1 + floor(s.r_due * 1e3)::int % 60) * interval '1 day' END
              AS due_at,
            CASE WHEN s.r_estimate < 0.5 THEN NULL
                 ELSE (ARRAY[1, 2, 3, 5, 8, 13])[1 + floor(s.r_estimate * 1e3)::int % 6] END
              AS estimate_hours,
            CASE WHEN s.status_idx = 3
                 THEN least($10::timestamptz, date_trunc('milliseconds', s.created_at + interval '1 hour' + s.r_done * interval '20 days'))
            END AS completed_at,
            CASE WHEN s.is_deleted
                 THEN least($10::timestamptz, s.created_at + interval '2 days') END AS deleted_at,
            CASE WHEN pp.parent_number IS NOT NULL THEN pg_temp.id7(
                   date_trunc('milliseconds', s.base_at + pp.parent_number * s.step), s.project_id || ':' || pp.parent_number)
            END AS parent_id,
            coalesce(($11::jsonb ->> s.statuses[s.status_idx + 1]::text)::bigint, 0) +
              65536 * row_number() OVER (PARTITION BY s.project_id, s.status_idx ORDER BY s.number)
              AS position,
            greatest(least($10::timestamptz, s.created_at + interval '1 hour'),
                     CASE WHEN s.status_idx = 3 THEN least($10::timestamptz,
                       date_trunc('milliseconds', s.created_at + interval '1 hour' + s.r_done * interval '20 days')) END,
                     CASE WHEN s.is_deleted THEN least($10::timestamptz,
                       s.created_at + interval '2 days') END) AS updated_at,
            s.label_count, floor(s.r_labels * 1e4)::int % 10 AS label_start,
            s.comment_count, s.labels, s.doers, s.requester, s.r_done, s.r_comments
     FROM shaped AS s
     LEFT JOIN LATERAL (
       SELECT CASE WHEN s.parent_pick % 97 = 13 THEN s.parent_pick - 1 ELSE s.parent_pick END
         AS parent_number
     ) AS pp ON true`,
    [
      chunk.projectIds,
      chunk.from,
      chunk.to,
      verbs,
      adjectives,
      nouns,
      areas,
      failures,
      openers,
      now,
      JSON.stringify(lastPositions),
    ],
  );
  const tasks = await db.query(`
    INSERT INTO tasks (organization_id, id, project_id, number, title, description, type_id,
                       status_id, priority, assignee_id, reporter_id, parent_id, due_at,
                       estimate_hours, actual_hours, position, version, created_at, updated_at,
                       completed_at, deleted_at)
    SELECT organization_id, id, project_id, number, title, description, type_id, status_id,
           priority, assignee_id, reporter_id, parent_id, due_at, estimate_hours,
           CASE WHEN completed_at IS NOT NULL AND estimate_hours IS NOT NULL
                THEN round((estimate_hours * (0.5 + r_done))::numeric, 1) END,
           position, 2 + (deleted_at IS NOT NULL)::int,
           created_at, updated_at, completed_at, deleted_at
    FROM seed_chunk ORDER BY project_id, number`);
  const labels = await db.query(`
    INSERT INTO task_labels (organization_id, task_id, label_id)
    SELECT c.organization_id, c.id, c.labels[1 + (c.label_start + j) % cardinality(c.labels)]
    FROM seed_chunk AS c, generate_series(0, c.label_count - 1) AS j`);
  const watchers = await db.query(`
    INSERT INTO task_watchers (organization_id, task_id, user_id, created_at)
    SELECT organization_id, id, reporter_id, created_at FROM seed_chunk
    UNION ALL
    SELECT organization_id, id, assignee_id, created_at FROM seed_chunk
    WHERE assignee_id IS NOT NULL AND assignee_id <> reporter_id`);
  const comments = await db.query(
    `INSERT INTO task_comments (organization_id, id, task_id, author_id, body, created_at, updated_at)
     SELECT c.organization_id, pg_temp.id7(at, c.id || ':comment:' || j), c.id,
            CASE WHEN j = 1 AND c.assignee_id IS NOT NULL THEN c.assignee_id ELSE c.reporter_id END,
            ($1::text[])[1 + (floor(c.r_comments * 1e5)::int + j) % cardinality($1::text[])] ||
            ' the ' || ($2::text[])[1 + (floor(c.r_comments * 1e7)::int + j) % cardinality($2::text[])] ||
            ' ' || ($3::text[])[1 + (floor(c.r_comments * 1e9)::int + j) % cardinality($3::text[])] ||
            ' after a ' || lower(($4::text[])[1 + (floor(c.r_done * 1e5)::int + j) % cardinality($4::text[])]) ||
            ' in ' || ($5::text[])[1 + (floor(c.r_done * 1e7)::int + j) % cardinality($5::text[])] || '.',
            at, at
     FROM seed_chunk AS c, generate_series(1, c.comment_count) AS j,
          LATERAL (SELECT least($6::timestamptz,
                     date_trunc('milliseconds', c.created_at + j * c.r_comments * interval '3 days'))
                   AS at) AS t`,
    [
      TEXT_POOLS.commentOpeners,
      TEXT_POOLS.adjectives,
      TEXT_POOLS.nouns,
      TEXT_POOLS.verbs,
      TEXT_POOLS.areas,
      now,
    ],
  );
  const priorities = `(ARRAY['low', 'medium', 'high', 'critical'])`;
  const history = await db.query(
    `
    INSERT INTO task_history (organization_id, id, task_id, actor_id, action, changes, at)
    SELECT organization_id, pg_temp.id7(created_at, id || ':created'), id, reporter_id, 'created',
           jsonb_strip_nulls(jsonb_build_object(
             'key', key || '-' || number, 'title', title, 'status_id', first_status_id,
             'priority', ${priorities}[priority], 'assignee_id', assignee_id)),
           created_at
    FROM seed_chunk
    UNION ALL
    SELECT organization_id, pg_temp.id7(at, id || ':changed'), id,
           coalesce(assignee_id, reporter_id),
           CASE WHEN status_idx > 0 THEN 'moved' ELSE 'updated' END,
           CASE WHEN status_idx > 0
             THEN jsonb_build_object('status_id',
                    jsonb_build_object('from', first_status_id, 'to', status_id))
             ELSE jsonb_build_object('priority', jsonb_build_object(
                    'from', CASE WHEN priority = 2 THEN 'low' ELSE 'medium' END,
                    'to', ${priorities}[priority]))
           END,
           at
    FROM seed_chunk,
         LATERAL (SELECT coalesce(completed_at, least($1::timestamptz, created_at + interval '1 hour'))
                  AS at) AS t
    UNION ALL
    SELECT organization_id, pg_temp.id7(deleted_at, id || ':deleted'), id, reporter_id, 'deleted',
           '{}'::jsonb, deleted_at
    FROM seed_chunk WHERE deleted_at IS NOT NULL`,
    [now],
  );

  const positions = await db.query<{ status_id: string; last: string }>(
    'SELECT status_id, max(position) AS last FROM seed_chunk GROUP BY status_id',
  );
  for (const row of positions.rows) lastPositions[row.status_id] = Number(row.last);
  await db.query('DROP TABLE seed_chunk');
  return {
    tasks: tasks.rowCount ?? 0,
    task_labels: labels.rowCount ?? 0,
    task_watchers: watchers.rowCount ?? 0,
    task_comments: comments.rowCount ?? 0,
    task_history: history.rowCount ?? 0,
  };
}

/** What the scenarios need: organizations, their projects, one member per role. */
async function summaryOf(db: pg.Client, p: Params, now: Date) {
  const { rows } = await db.query<{ organization: unknown }>(`
    SELECT jsonb_build_object(
      'id', o.id, 'slug', o.slug, 'big', o.big,
      'projects', (SELECT jsonb_agg(jsonb_build_object('id', sp.id, 'key', sp.key, 'tasks', sp.tasks)
                                    ORDER BY sp.n)
                   FROM seed_projects AS sp WHERE sp.organization_id = o.id),
      'labels', (SELECT jsonb_agg(jsonb_build_object('id', l.id, 'name', l.name) ORDER BY l.name)
                 FROM labels AS l WHERE l.organization_id = o.id),
      'members', (SELECT jsonb_object_agg(m.role, jsonb_build_object('id', m.user_id, 'email', m.email))
                  FROM (SELECT DISTINCT ON (role) role, user_id, email FROM seed_members AS sm
                        WHERE sm.organization_id = o.id ORDER BY role, idx) AS m)
    ) AS organization
    FROM seed_orgs AS o ORDER BY o.n`);
  const organizations = rows.map((r) => r.organization) as { big: boolean }[];
  return {
    params: p,
    password: SEED_PASSWORD,
    seeded_at: now.toISOString(),
    big: organizations.find((o) => o.big) ?? null,
    organizations: organizations.filter((o) => !o.big),
  };
}
