// A project's `progress` through HTTP: its live tasks counted per status category, with the
// share done, on every read of the project (one, the list, a change, a restore) and following the
// workflow when statuses change category or drop. Tasks are written with plain SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import { insertTasks } from '../../support/task-rows.js';
import { createOrganization, type TestOrganization } from '../../support/tenancy.js';
import { aKey } from '../../support/builders/keys.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let org: TestOrganization;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
});
afterAll(async () => {
  await t.close();
});

const auth = () => ({ token: owner.accessToken });
const projectsPath = () => `/api/v1/organizations/${org.id}/projects`;

interface Status {
  id: string;
  name: string;
  category: string;
}

async function aProject(): Promise<{ id: string; key: string; statuses: Status[] }> {
  const reply = await api.post(
    projectsPath(),
    { name: `Board ${uniqueTag()}`, key: aKey() },
    auth(),
  );
  expect(reply.status).toBe(201);
  const { id, key } = reply.body.data;
  const statuses = await api.get(`${projectsPath()}/${id}/statuses`, auth());
  return { id, key, statuses: statuses.body.data };
}

/** Tasks of the project, `count` in each named status (deleted ones when `deleted`). */
function tasks(
  project: { id: string; statuses: Status[] },
  counts: Record<string, number>,
  deleted = false,
) {
  const rows = Object.entries(counts).flatMap(([name, count]) => {
    const status = project.statuses.find((s) => s.name === name)!;
    return Array.from({ length: count }, () => ({
      projectId: project.id,
      statusId: status.id,
      deletedAt: deleted ? new Date('2026-01-07T00:00:00Z') : null,
    }));
  });
  return insertTasks(t.database.handle.db, org.id, rows);
}

const progress = (todo: number, inProgress: number, done: number, percentDone: number) => ({
  todo,
  in_progress: inProgress,
  done,
  total: todo + inProgress + done,
  percent_done: percentDone,
});

describe('project progress', () => {
  it('counts live tasks per category with percent_done rounded down, on a read by id or key and in the list', async () => {
    const project = await aProject();
    const empty = await aProject();
    await tasks(project, { 'To Do': 2, 'In Progress': 1, 'In Review': 2, Done: 1 });
    await tasks(project, { Done: 3, 'To Do': 1 }, true);
    const expected = progress(2, 3, 1, 16);

    for (const ref of [project.id, project.key]) {
      const read = await api.get(`${projectsPath()}/${ref}`, auth());
      expect(read.status).toBe(200);
      expect(read.body.data.progress).toEqual(expected);
    }
    const list = await api.get(`${projectsPath()}?limit=200`, auth());
    const byId = new Map(
      list.body.data.map((p: { id: string; progress: unknown }) => [p.id, p.progress]),
    );
    expect(byId.get(project.id)).toEqual(expected);
    expect(byId.get(empty.id)).toEqual(progress(0, 0, 0, 0));
  });

  it('answers the progress on a change and on a restore too', async () => {
    const project = await aProject();
    await tasks(project, { Done: 3, 'To Do': 1 });
    const expected = progress(1, 0, 3, 75);
    const patched = await api.patch(`${projectsPath()}/${project.id}`, { name: 'Renamed' }, auth());
    expect(patched.body.data.progress).toEqual(expected);
    expect((await api.delete(`${projectsPath()}/${project.id}`, auth())).status).toBe(204);
    const restored = await api.post(`${projectsPath()}/${project.id}/restore`, {}, auth());
    expect(restored.status).toBe(200);
    expect(restored.body.data.progress).toEqual(expected);
  });

  it('follows the workflow: a status turned done counts as done, tasks moved by move_to count where they land', async () => {
    const project = await aProject();
    const [todo, , review, done] = project.statuses;
    await tasks(project, { 'To Do': 1, 'In Progress': 2, 'In Review': 1 });

    const reply = await api.put(
      `${projectsPath()}/${project.id}/statuses?move_to=${todo!.id}`,
      [todo, { ...review, category: 'done' }, done],
      auth(),
    );
    expect(reply.status).toBe(200);
    const read = await api.get(`${projectsPath()}/${project.id}`, auth());
    expect(read.body.data.progress).toEqual(progress(3, 0, 1, 25));
  });
});
