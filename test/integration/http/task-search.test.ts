// GET /organizations/{org}/search through HTTP: ranked full-text over titles, descriptions and
// comments, the task fields plus rank, a plain-text snippet and its match ranges, keyset pages
// through next_cursor, what a requester sees, and the 403 / 404 / 422 answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

let t: TestApp;
let api: Client;
let owner: SignedInUser;
let viewer: SignedInUser;
let requester: SignedInUser;
let org: TestOrganization;
let ownerB: SignedInUser;
let orgB: TestOrganization;
let projectId: string;

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = (orgId: string = org.id) => `/api/v1/organizations/${orgId}`;
const searchPath = (query: Record<string, string>, orgId: string = org.id) =>
  `${orgPath(orgId)}/search?${new URLSearchParams(query).toString()}`;

async function aProject(by: SignedInUser = owner, orgId = org.id): Promise<string> {
  const key = `S${String.fromCharCode(...[0, 0, 0].map(() => 65 + Math.floor(Math.random() * 26)))}`;
  const reply = await api.post(`${orgPath(orgId)}/projects`, { name: 'Search', key }, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data.id;
}

async function aTask(
  fields: Record<string, unknown>,
  by: SignedInUser = owner,
  project = projectId,
  orgId = org.id,
) {
  const reply = await api.post(`${orgPath(orgId)}/projects/${project}/tasks`, fields, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.data;
}

async function aComment(taskId: string, body: string, by: SignedInUser = owner) {
  const reply = await api.post(`${orgPath()}/tasks/${taskId}/comments`, { body }, as(by));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

const keysOf = (reply: { body: any }) => reply.body.data.map((hit: any) => hit.key);

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  org = await createOrganization(api, owner);
  viewer = await memberWithRole(t, api, org.id, 'viewer');
  requester = await memberWithRole(t, api, org.id, 'requester');
  ownerB = await signIn(t, api);
  orgB = await createOrganization(api, ownerB);
  projectId = await aProject();
});
afterAll(async () => {
  await t.close();
});

describe('GET /organizations/{org}/search', () => {
  it('ranks title over description over comment, with the task fields, rank and snippet', async () => {
    const inComment = await aTask({ title: 'Tidy the backlog' });
    await aComment(inComment.id, 'Blocked by the xylophone rollout');
    const inDescription = await aTask({
      title: 'Music module',
      description: 'Needs a xylophone sound',
    });
    const inTitle = await aTask({ title: 'Xylophone & drums', priority: 'high' });

    const reply = await api.get(searchPath({ q: '  xylophone ' }), as(viewer));

    expect(reply.status).toBe(200);
    expect(keysOf(reply)).toEqual([inTitle.key, inDescription.key, inComment.key]);
    const [first, second, third] = reply.body.data;
    expect(first).toEqual({
      ...inTitle,
      rank: expect.any(Number),
      snippet: 'Xylophone & drums',
      highlights: [{ start: 0, end: 9 }],
    });
    expect(first.rank).toBeGreaterThan(second.rank);
    expect(second.rank).toBeGreaterThan(third.rank);
    expect(second.snippet).toBe('Music module\nNeeds a xylophone sound');
    expect(second.highlights).toEqual([{ start: 21, end: 30 }]);
    expect(third.snippet).toBe('Tidy the backlog');
    expect(third.highlights).toEqual([]);
    expect(reply.body.meta.pagination).toEqual({ limit: 50, next_cursor: null, has_more: false });
  });

  it('answers the snippet as plain text, every character as stored, the matches as ranges', async () => {
    const title = `Bandoneon <b>bold</b> & "quoted" 'single' crème brûlée 日本 🎵 a<b 1 < 2 &amp;`;
    const description = 'Tune the <script>bandoneons</script>\n\n  before Friday';
    const task = await aTask({ title, description });

    // The second query names the same word twice (one stem), which ts_headline answers in
    // pieces; the snippet is the same text.
    for (const q of ['bandoneon', 'bandoneon bandoneons']) {
      const reply = await api.get(searchPath({ q }), as(owner));

      expect(reply.status).toBe(200);
      const hit = reply.body.data.find((item: any) => item.id === task.id);
      expect(hit.title).toBe(title);
      expect(hit.snippet).toBe(`${title}\n${description}`.trim());
      const matched = hit.highlights.map((range: { start: number; end: number }) =>
        hit.snippet.slice(range.start, range.end),
      );
      expect(matched).toEqual(['Bandoneon', 'bandoneons']);
    }
  });

  it('pages through next_cursor without repeating or skipping a task, ties included', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await aTask({ title: `Kazoo tuning ${i}` }));
    for (let i = 0; i < 2; i++) {
      created.push(await aTask({ title: `Brass ${i}`, description: 'kazoo too' }));
    }

    const whole = await api.get(searchPath({ q: 'kazoo' }), as(owner));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { q: 'kazoo', limit: '2' };
      if (cursor) query.cursor = cursor;
      const page = await api.get(searchPath(query), as(owner));
      expect(page.status).toBe(200);
      seen.push(...keysOf(page));
      cursor = page.body.meta.pagination.next_cursor;
      expect(page.body.meta.pagination.has_more).toBe(cursor !== null);
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(4);
    expect(seen).toEqual(keysOf(whole));
    expect(new Set(seen)).toEqual(new Set(created.map((task) => task.key)));
  });

  it('shows a requester only the tasks it requested', async () => {
    const mine = await aTask({ title: 'Ocarina repair' }, requester);
    const assigned = await aTask({ title: 'Ocarina case', assignee_id: requester.id });
    await aComment(assigned.id, 'ocarina ocarina');

    const asRequester = await api.get(searchPath({ q: 'ocarina' }), as(requester));
    const asOwner = await api.get(searchPath({ q: 'ocarina' }), as(owner));

    expect(keysOf(asRequester)).toEqual([mine.key]);
    expect(new Set(keysOf(asOwner))).toEqual(new Set([mine.key, assigned.key]));
  });

  it('keeps to project_id, and answers 404 for a project that does not exist', async () => {
    const otherProject = await aProject();
    await aTask({ title: 'Theremin wiring' });
    const there = await aTask({ title: 'Theremin wiring' }, owner, otherProject);

    const reply = await api.get(searchPath({ q: 'theremin', project_id: otherProject }), as(owner));
    const unknown = await api.get(
      searchPath({ q: 'theremin', project_id: crypto.randomUUID() }),
      as(owner),
    );

    expect(keysOf(reply)).toEqual([there.key]);
    expect(unknown.status).toBe(404);
  });

  it('answers 404 to a member of another organization and never shows its tasks', async () => {
    const projectB = await aProject(ownerB, orgB.id);
    await aTask({ title: 'Bagpipe drones' }, ownerB, projectB, orgB.id);

    const stranger = await api.get(searchPath({ q: 'bagpipe' }), as(ownerB));
    const intoB = await api.get(searchPath({ q: 'bagpipe' }, orgB.id), as(owner));
    const ownOrganization = await api.get(searchPath({ q: 'bagpipe' }), as(owner));

    expect([stranger.status, intoB.status]).toEqual([404, 404]);
    expect(stranger.body.error.code).toBe('NOT_FOUND');
    expect(keysOf(ownOrganization)).toEqual([]);
    expect(keysOf(await api.get(searchPath({ q: 'bagpipe' }, orgB.id), as(ownerB)))).toHaveLength(
      1,
    );
  });

  it('answers 403 to a role without task:read', async () => {
    const role = await api.post(
      `${orgPath()}/roles`,
      { name: 'Reads projects only', permissions: ['organization:read', 'project:read'] },
      as(owner),
    );
    expect(role.status).toBe(201);
    const projectsOnly = await memberWithRole(t, api, org.id, role.body.data.id);

    const reply = await api.get(searchPath({ q: 'anything' }), as(projectsOnly));

    expect(reply.status).toBe(403);
  });

  it('answers 422 for a missing, blank or too long q, a bad cursor, limit or project_id', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'q'],
      [{ q: '   ' }, 'q'],
      [{ q: 'x'.repeat(201) }, 'q'],
      [{ q: 'kazoo', cursor: 'not-a-cursor' }, 'cursor'],
      [{ q: 'kazoo', cursor: Buffer.from('["high","x"]').toString('base64url') }, 'cursor'],
      [{ q: 'kazoo', limit: '0' }, 'limit'],
      [{ q: 'kazoo', limit: '201' }, 'limit'],
      // A project id or key (an unknown one is a 404); an empty one is no reference.
      [{ q: 'kazoo', project_id: '' }, 'project_id'],
    ];
    for (const [query, field] of cases) {
      const reply = await api.get(searchPath(query), as(owner));
      expect(reply.status, JSON.stringify(query)).toBe(422);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
      expect(reply.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });
});
