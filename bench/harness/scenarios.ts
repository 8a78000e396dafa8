// The HTTP scenarios of the benchmark (issue 5), each a request plan over a fixture: the
// organization, project, people and tasks the seed made. Every scenario acts as one member (role
// `member`) of the organization, except login, which signs in people of the other organizations.
import type { RequestPlan } from './load-spec.js';

export const API = '/api/v1';

/** What the scenarios act on; made from bench/.seed.json (PostgreSQL) or by bench/harness/embedded.ts. */
export interface Fixture {
  readonly organization: { readonly id: string; readonly slug: string };
  /** The big project: lists, reads, moves. */
  readonly project: { readonly id: string; readonly key: string; readonly tasks: number };
  /** Where creates go (another project of the organization, so the big one stays as seeded). */
  readonly createProject: { readonly id: string; readonly key: string };
  readonly member: { readonly id: string; readonly email: string };
  readonly password: string;
  readonly labelId: string;
  /** How deep the deep page starts, and its cursor (the row before it, sort -created_at). */
  readonly deep: { readonly row: number; readonly cursor: string };
  /** Keys of tasks of the big project, read in turn by scenario 2. */
  readonly taskKeys: readonly string[];
  /** Tasks the member may move (assigned to it), and the two columns they alternate between. */
  readonly moveTasks: readonly string[];
  readonly moveStatuses: readonly [string, string];
  /** People of other organizations, signed in by the login scenario. */
  readonly loginEmails: readonly string[];
  readonly searchQuery: string;
}

/** Marks what the benchmark creates (task titles, idempotency keys) so it can be removed. */
export const MARKER = 'benchrun';

export interface Scenario {
  readonly id: string;
  readonly name: string;
  plan(token: string): RequestPlan;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function scenarios(f: Fixture, runId: string): Scenario[] {
  const org = `${API}/organizations/${f.organization.slug}`;
  const list = `${org}/projects/${f.project.key}/tasks?limit=50`;
  const listPlan = (token: string): RequestPlan => ({
    kind: 'fixed',
    method: 'GET',
    path: list,
    headers: bearer(token),
  });
  const readPlan = (token: string): RequestPlan => ({
    kind: 'paths',
    paths: f.taskKeys.map((key) => `${org}/tasks/${key}`),
    headers: bearer(token),
  });
  const createPlan = (token: string): RequestPlan => ({
    kind: 'create',
    path: `${org}/projects/${f.createProject.key}/tasks`,
    headers: bearer(token),
    marker: `${MARKER}-${runId}`,
    body: { priority: 'medium' },
  });
  const movePlan = (token: string): RequestPlan => ({
    kind: 'move',
    pathTemplate: `${org}/tasks/{task}/move`,
    headers: bearer(token),
    tasks: f.moveTasks,
    statuses: f.moveStatuses,
  });
  const searchPlan = (token: string): RequestPlan => ({
    kind: 'fixed',
    method: 'GET',
    path: `${org}/search?q=${encodeURIComponent(f.searchQuery)}&limit=50`,
    headers: bearer(token),
  });
  const filterPlan = (token: string): RequestPlan => ({
    kind: 'fixed',
    method: 'GET',
    path: `${list}&label=${f.labelId}&assignee_id=${f.member.id}`,
    headers: bearer(token),
  });
  return [
    { id: '1', name: 'list project tasks, first page', plan: listPlan },
    {
      id: '1d',
      name: `list project tasks, ${f.deep.row.toLocaleString('en')} rows deep`,
      plan: (token) => ({
        kind: 'fixed',
        method: 'GET',
        path: `${list}&cursor=${f.deep.cursor}`,
        headers: bearer(token),
      }),
    },
    { id: '2', name: 'read one task by key', plan: readPlan },
    { id: '3', name: 'create a task (Idempotency-Key)', plan: createPlan },
    { id: '4', name: 'move a task (kanban)', plan: movePlan },
    { id: '5', name: `search "${f.searchQuery}"`, plan: searchPlan },
    { id: '6', name: 'list with label + assignee filter', plan: filterPlan },
    {
      id: '7',
      name: 'login (argon2id)',
      plan: () => ({
        kind: 'login',
        path: `${API}/auth/login`,
        emails: f.loginEmails,
        password: f.password,
      }),
    },
    {
      id: '8',
      name: 'mixed 80% read / 20% write',
      // Reads as a board user makes them; writes half creates, half moves.
      plan: (token) => ({
        kind: 'mix',
        parts: [
          { name: 'list', weight: 35, plan: listPlan(token) },
          { name: 'read', weight: 30, plan: readPlan(token) },
          { name: 'filter', weight: 10, plan: filterPlan(token) },
          { name: 'search', weight: 5, plan: searchPlan(token) },
          { name: 'create', weight: 10, plan: createPlan(token) },
          { name: 'move', weight: 10, plan: movePlan(token) },
        ],
      }),
    },
  ];
}
