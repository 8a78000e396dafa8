// EXPLAIN (ANALYZE, BUFFERS) of the task list shapes over the seeded database (bench/seed.ts):
// the SQL is the application's own — the repositories run against a Kysely that records what it
// sends — and it runs the way the application runs it: as teamflow_app (SET ROLE), inside a
// transaction scoped by set_config('app.organization_id', …, true), so row-level security applies.
// Each query runs once to warm the cache, then is explained. Plans go to
// bench/results/explain-<time>.txt; a summary (index used, sort, time) to stdout.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/teamflow_bench npm run bench:explain
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from '../src/adapters/postgres/database.js';
import { postgresTaskRepository } from '../src/adapters/postgres/tasks/repository.js';
import { postgresTaskSearch } from '../src/adapters/postgres/task-search.js';
import type { TaskListQuery } from '../src/application/tasks/ports.js';
import type { TaskSearchQuery } from '../src/application/tasks/search-ports.js';

const APP_ROLE = 'teamflow_app';
/** What listTasks asks the repository for on a page of 50: one more, to know if there is more. */
const PAGE = 51;
/** How deep the keyset page lies (at most half the big project). */
const DEEP = 500_000;

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'bench/explain.ts reads the database bench/seed.ts filled: set DATABASE_URL, e.g.\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/teamflow_bench npm run bench:explain',
  );
  process.exit(1);
}

interface SeededOrganization {
  id: string;
  slug: string;
  projects: { id: string; key: string; tasks: number }[];
  labels: { id: string; name: string }[];
  members: Record<string, { id: string; email: string }>;
}

type Shape =
  | { name: string; organization: SeededOrganization; list: TaskListQuery }
  | { name: string; organization: SeededOrganization; search: TaskSearchQuery };

const owner = new pg.Client({ connectionString: databaseUrl });
await owner.connect();

/** The application's view of the database: teamflow_app, recording every query it sends. */
const sent: CompiledQuery[] = [];
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
const app: Db = new Kysely<Database>({
  dialect: new PostgresDialect({
    pool,
    onCreateConnection: async (connection) => {
      await connection.executeQuery(CompiledQuery.raw(`SET ROLE ${APP_ROLE}`));
    },
  }),
  log: (event) => {
    if (event.level === 'query') sent.push(event.query);
  },
});

try {
  const seeded = await owner.query<{
    summary: { big: SeededOrganization | null; organizations: SeededOrganization[] };
  }>('SELECT summary FROM bench_seed');
  const summary = seeded.rows[0]?.summary;
  if (!summary?.big) throw new Error('No seed with a big organization: run npm run bench:seed');
  const shapes = await shapesOf(summary.big, summary.organizations[0]!);

  const server = await owner.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const counts = await owner.query<{ n: string }>('SELECT count(*) AS n FROM tasks');
  const header =
    `EXPLAIN (ANALYZE, BUFFERS) of the task list shapes — ${new Date().toISOString()}\n` +
    `PostgreSQL ${server.rows[0]!.v}; ${Number(counts.rows[0]!.n).toLocaleString('en')} tasks; ` +
    `big organization ${summary.big.slug}, project ${summary.big.projects[0]!.key} ` +
    `(${summary.big.projects[0]!.tasks.toLocaleString('en')} tasks)\n` +
    `As ${APP_ROLE} in a transaction with set_config('app.organization_id', …, true); each query ` +
    `ran once before being explained (warm cache).\n`;
  const sections: string[] = [];
  const rows: Record<string, string | number>[] = [];
  for (const shape of shapes) {
    const { query, plan } = await explain(shape);
    if ('search' in shape) {
      plan.push(
        '-- inside app_task_search(), as its owner, planned as the function plans it (generic):',
        ...(await explainSearchFunction(shape.organization.id, shape.search.q)),
      );
    }
    const lines = plan.join('\n');
    sections.push(
      `\n=== ${shape.name} ===\n-- ${query.sql.replace(/\s+/g, ' ')}\n-- parameters: ` +
        `${JSON.stringify(query.parameters)}\n${lines}\n`,
    );
    rows.push({ shape: shape.name, ...digest(lines) });
  }
  const table = formatTable(rows);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(import.meta.dirname, 'results', `explain-${stamp}.txt`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${header}\n${table}\n${sections.join('')}`);
  console.log(`${header}\n${table}\nPlans: ${path.relative(process.cwd(), file)}`);
} finally {
  await app.destroy();
  await owner.end();
}

async function shapesOf(big: SeededOrganization, small: SeededOrganization): Promise<Shape[]> {
  const project = big.projects[0]!;
  const depth = Math.min(DEEP, Math.floor(project.tasks / 2));
  const member = big.members.member!.id;
  const requester = big.members.requester!.id;
  const label = big.labels.find((l) => l.name === 'backend')!.id;
  const { rows: statuses } = await owner.query<{ id: string; name: string }>(
    'SELECT id, name FROM project_statuses WHERE organization_id = $1 AND project_id = $2',
    [big.id, project.id],
  );
  const inProgress = statuses.find((s) => s.name === 'In Progress')!.id;
  // The task `depth` rows down the project newest first: where a client that followed the cursors
  // that far would stand.
  const { rows: deep } = await owner.query<{ created_at: Date; id: string }>(
    `SELECT created_at, id FROM tasks
     WHERE organization_id = $1 AND project_id = $2 AND deleted_at IS NULL
     ORDER BY created_at DESC, id DESC OFFSET $3 LIMIT 1`,
    [big.id, project.id, depth - 1],
  );
  const { rows: code } = await owner.query<{ code: string }>(
    `SELECT substring(description FROM 'E[0-9]{5}') AS code FROM tasks
     WHERE organization_id = $1 AND description <> '' LIMIT 1`,
    [big.id],
  );
  const list = (filter: TaskListQuery['filter'], sort: TaskListQuery['sort'] = '-created_at') => ({
    filter,
    sort,
    limit: PAGE,
  });
  const search = (q: string, extra: Partial<TaskSearchQuery> = {}): TaskSearchQuery => ({
    q,
    limit: PAGE,
    ...extra,
  });
  return [
    {
      name: 'project, first page, -created_at',
      organization: big,
      list: list({ projectId: project.id }),
    },
    {
      name: `project, row ${depth.toLocaleString('en')} deep by keyset, -created_at`,
      organization: big,
      list: {
        ...list({ projectId: project.id }),
        after: { sort: '-created_at', value: deep[0]!.created_at.toISOString(), id: deep[0]!.id },
      },
    },
    {
      name: 'kanban column (status_id, sort=position)',
      organization: big,
      list: list({ projectId: project.id, statusId: inProgress }, 'position'),
    },
    { name: 'cross-project assignee_id=me', organization: big, list: list({ assigneeId: member }) },
    {
      name: 'project, label + assignee',
      organization: big,
      list: list({ projectId: project.id, labelId: label, assigneeId: member }),
    },
    {
      name: 'project, sort=due_at',
      organization: big,
      list: list({ projectId: project.id }, 'due_at'),
    },
    {
      name: 'project, sort=priority',
      organization: big,
      list: list({ projectId: project.id }, 'priority'),
    },
    {
      name: 'requester view (reporter_id), cross-project',
      organization: big,
      list: list({ reporterId: requester }),
    },
    {
      name: 'small org: project first page',
      organization: small,
      list: list({ projectId: small.projects[0]!.id }),
    },
    { name: 'search "login" (common word)', organization: big, search: search('login') },
    {
      name: `search "${code[0]!.code}" (rare: an error code)`,
      organization: big,
      search: search(code[0]!.code),
    },
    {
      name: 'search "login timeout" as requester',
      organization: big,
      search: search('login timeout', { reporterId: requester }),
    },
    { name: 'small org: search "login"', organization: small, search: search('login') },
    {
      name: 'list with q=login in the project (filter, not ranked)',
      organization: big,
      list: list({ projectId: project.id, q: 'login' }),
    },
    {
      name: `list with q=${code[0]!.code} in the project (rare word)`,
      organization: big,
      list: list({ projectId: project.id, q: code[0]!.code }),
    },
  ];
}

/** Runs the shape through the real repository, then explains the SQL it sent. */
async function explain(shape: Shape): Promise<{ query: CompiledQuery; plan: string[] }> {
  return app.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${shape.organization.id}, true),
                     set_config('app.user_id', '', true)`.execute(trx);
    sent.length = 0;
    if ('list' in shape) {
      await postgresTaskRepository(trx).listItems(shape.organization.id, shape.list);
    } else {
      await postgresTaskSearch(trx).search(shape.organization.id, shape.search);
    }
    const query = sent.at(-1)!;
    const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, [...query.parameters]),
    );
    return { query, plan: result.rows.map((row) => row['QUERY PLAN']) };
  });
}

/**
 * The plan of app_task_search's own query (migration 0007), which EXPLAIN of the caller shows only
 * as a Function Scan: its body from the catalog, prepared with a generic plan — a SQL function
 * plans its statements without the argument values — and run for the organization.
 */
async function explainSearchFunction(organizationId: string, q: string): Promise<string[]> {
  const { rows } = await owner.query<{ body: string }>(
    "SELECT prosrc AS body FROM pg_proc WHERE proname = 'app_task_search'",
  );
  const body = rows[0]!.body.replaceAll('search_query', '$1');
  await owner.query('BEGIN');
  try {
    await owner.query("SELECT set_config('app.organization_id', $1, true)", [organizationId]);
    await owner.query('SET LOCAL plan_cache_mode = force_generic_plan');
    await owner.query(`PREPARE app_task_search_body (tsquery) AS ${body}`);
    const plan = await owner.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) EXECUTE app_task_search_body (
         websearch_to_tsquery('english', ${owner.escapeLiteral(q)}))`,
    );
    await owner.query('DEALLOCATE app_task_search_body');
    return plan.rows.map((row) => row['QUERY PLAN']);
  } finally {
    await owner.query('ROLLBACK');
  }
}

/** The indexes a plan reads, whether it sorts or scans a table whole, and its time. */
function digest(plan: string) {
  const indexes = [
    ...new Set(
      [
        ...plan.matchAll(
          /(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g,
        ),
      ].map(
        (m) =>
          `${m[2]}${m[1] === 'Index Only Scan' ? ' (only)' : m[1] === 'Bitmap Index Scan' ? ' (bitmap)' : ''}`,
      ),
    ),
  ];
  const seqScans = [...new Set([...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!))];
  const sorts = [...plan.matchAll(/Sort Method: ([\w-]+ ?\w*)/g)].map((m) => m[1]!.trim());
  const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
  const buffers = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(plan);
  return {
    indexes: indexes.join(', ') || '—',
    'seq scans': seqScans.join(', ') || '—',
    sort: sorts.join(', ') || '—',
    buffers: buffers ? `${buffers[1]} hit${buffers[2] ? ` ${buffers[2]} read` : ''}` : '—',
    ms: time ? Number(time) : '?',
  };
}

function formatTable(rows: Record<string, string | number>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  return [
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map((r) => line(columns.map((c) => String(r[c])))),
  ].join('\n');
}
