// The fixture of the PostgreSQL run, from the seed (bench/seed.ts writes bench/.seed.json) and a
// few reads as the database owner: the deep page's cursor, tasks the member may move, columns.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { Fixture } from './scenarios.js';

export const SEED_FILE = path.join(import.meta.dirname, '..', '.seed.json');
/** How deep the deep page lies (issue 5), at most half the big project. */
export const DEEP_ROW = 500_000;
const READ_KEYS = 1_000;
const MOVE_TASKS = 200;

interface SeededOrganization {
  id: string;
  slug: string;
  projects: { id: string; key: string; tasks: number }[];
  labels: { id: string; name: string }[];
  members: Record<string, { id: string; email: string }>;
}

export interface SeedSummary {
  params: Record<string, number>;
  password: string;
  big: SeededOrganization | null;
  organizations: SeededOrganization[];
}

export async function readSeedSummary(): Promise<SeedSummary> {
  return JSON.parse(await readFile(SEED_FILE, 'utf8')) as SeedSummary;
}

/** The cursor of `-created_at` pages that starts right after `row` (1-based) of the project. */
export async function deepCursor(
  query: (text: string, values: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>,
  organizationId: string,
  projectId: string,
  row: number,
): Promise<string> {
  const { rows } = await query(
    `SELECT created_at, id FROM tasks
     WHERE organization_id = $1 AND project_id = $2 AND deleted_at IS NULL
     ORDER BY created_at DESC, id DESC OFFSET $3 LIMIT 1`,
    [organizationId, projectId, row - 1],
  );
  const at = rows[0];
  if (!at) throw new Error(`the project has fewer than ${row} tasks`);
  // As src/adapters/http/tasks/presenters.ts encodeTaskCursor writes it.
  const value = new Date(at.created_at as string | Date).toISOString();
  return Buffer.from(JSON.stringify(['-created_at', value, at.id]), 'utf8').toString('base64url');
}

/** `count` task keys of the project spread over its numbers (the same ones every run). */
export function spreadKeys(projectKey: string, tasks: number, count: number): string[] {
  let state = 42;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from(
    { length: Math.min(count, tasks) },
    () => `${projectKey}-${1 + Math.floor(next() * tasks)}`,
  );
}

export async function postgresFixture(
  owner: pg.Client,
  seed: SeedSummary,
  searchQuery: string,
): Promise<Fixture> {
  const big = seed.big;
  if (!big) throw new Error('The seed has no big organization: run npm run bench:seed');
  const project = big.projects[0]!;
  const createProject = big.projects[1] ?? project;
  const member = big.members.member!;
  const label = big.labels.find((l) => l.name === 'backend') ?? big.labels[0]!;
  const row = Math.min(DEEP_ROW, Math.floor(project.tasks / 2));
  const query = (text: string, values: unknown[]) => owner.query(text, values);
  const { rows: statuses } = await owner.query<{ id: string; name: string }>(
    'SELECT id, name FROM project_statuses WHERE organization_id = $1 AND project_id = $2 ORDER BY position',
    [big.id, project.id],
  );
  const { rows: movable } = await owner.query<{ id: string }>(
    `SELECT id FROM tasks WHERE organization_id = $1 AND project_id = $2 AND assignee_id = $3
     AND deleted_at IS NULL ORDER BY id LIMIT $4`,
    [big.id, project.id, member.id, MOVE_TASKS],
  );
  if (movable.length === 0) throw new Error('No task of the big project is assigned to the member');
  // Spread over the project, less the (seeded) deleted ones, which answer 404.
  const spread = spreadKeys(project.key, project.tasks, READ_KEYS);
  const { rows: live } = await owner.query<{ number: number }>(
    `SELECT number FROM tasks WHERE organization_id = $1 AND project_id = $2 AND deleted_at IS NULL
     AND number = ANY($3::int[])`,
    [big.id, project.id, spread.map((key) => Number(key.slice(project.key.length + 1)))],
  );
  const liveNumbers = new Set(live.map((r) => r.number));
  const taskKeys = spread.filter((key) =>
    liveNumbers.has(Number(key.slice(project.key.length + 1))),
  );
  return {
    organization: { id: big.id, slug: big.slug },
    project,
    createProject,
    member,
    password: seed.password,
    labelId: label.id,
    deep: { row, cursor: await deepCursor(query, big.id, project.id, row) },
    taskKeys,
    moveTasks: movable.map((t) => t.id),
    moveStatuses: [statuses[0]!.id, statuses[1]!.id],
    loginEmails: seed.organizations.flatMap((o) => Object.values(o.members).map((m) => m.email)),
    searchQuery,
  };
}
