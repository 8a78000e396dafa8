// Versions and ETags on the resources that had none: a label (GET, PATCH, DELETE), a member (GET,
// role change), the caller's profile (GET and PATCH /users/me) and a project's task type (rename).
// Each answers its version as the ETag, on the read and on the successful write. A write without
// If-Match goes through as before; with the current tag (or `*`) it goes through and the tag moves
// on; a stale or malformed tag is a 412 in the envelope and changes nothing, a change to what the
// resource already is included. Of two writers sending the same tag at once, exactly one wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { aKey } from '../../support/builders/keys.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import { createOrganization, memberWithRole } from '../../support/tenancy.js';

let t: TestApp;
let api: Client;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
});
afterAll(async () => {
  await t.close();
});

const orgPath = (orgId: string) => `/api/v1/organizations/${orgId}`;

/** One resource of a kind: where it is, who may change it, and changes that each differ. */
interface Subject {
  readonly path: string;
  readonly token: string;
  /** A body that changes the resource from what the previous call's body made it. */
  next(): Record<string, unknown>;
  /** A body that leaves the resource as it is now. */
  same(current: Record<string, unknown>): Record<string, unknown>;
  /** The field the bodies change, as the answer shows it. */
  readonly field: string;
}

async function anOrganization() {
  const owner = await signIn(t, api);
  return { owner, org: await createOrganization(api, owner) };
}

const kinds: Record<string, () => Promise<Subject>> = {
  async label() {
    const { owner, org } = await anOrganization();
    const created = await api.post(
      `${orgPath(org.id)}/labels`,
      { name: `Label ${uniqueTag()}` },
      { token: owner.accessToken },
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    return {
      path: `${orgPath(org.id)}/labels/${created.body.data.id}`,
      token: owner.accessToken,
      next: () => ({ description: `About ${uniqueTag()}` }),
      same: (current) => ({ description: current.description }),
      field: 'description',
    };
  },
  async member() {
    const { owner, org } = await anOrganization();
    const member = await memberWithRole(t, api, org.id, 'member');
    const roles = ['manager', 'viewer', 'member'];
    let turn = 0;
    return {
      path: `${orgPath(org.id)}/members/${member.id}`,
      token: owner.accessToken,
      next: () => ({ role: roles[turn++ % roles.length] }),
      same: (current) => ({ role: current.role }),
      field: 'role',
    };
  },
  async profile() {
    const user = await signIn(t, api);
    return {
      path: '/api/v1/users/me',
      token: user.accessToken,
      next: () => ({ name: `Name ${uniqueTag()}` }),
      same: (current) => ({ name: current.name }),
      field: 'name',
    };
  },
  async 'task type'() {
    const { owner, org } = await anOrganization();
    const project = await api.post(
      `${orgPath(org.id)}/projects`,
      { name: 'Release', key: aKey() },
      { token: owner.accessToken },
    );
    expect(project.status).toBe(201);
    const created = await api.post(
      `${orgPath(org.id)}/projects/${project.body.data.id}/task-types`,
      { name: `Type ${uniqueTag()}` },
      { token: owner.accessToken },
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    return {
      path: `${orgPath(org.id)}/projects/${project.body.data.id}/task-types/${created.body.data.id}`,
      token: owner.accessToken,
      next: () => ({ name: `Type ${uniqueTag()}` }),
      same: (current) => ({ name: current.name }),
      field: 'name',
    };
  },
};

/** The resource as it is now: a GET where there is one, else the collection's entry. */
async function current(kind: string, subject: Subject): Promise<Reply> {
  if (kind !== 'task type') {
    const reply = await api.get(subject.path, { token: subject.token });
    expect(reply.status).toBe(200);
    return reply;
  }
  const collection = subject.path.slice(0, subject.path.lastIndexOf('/'));
  const id = subject.path.slice(subject.path.lastIndexOf('/') + 1);
  const list = await api.get(collection, { token: subject.token });
  expect(list.status).toBe(200);
  const type = list.body.data.find((entry: { id: string }) => entry.id === id);
  return { ...list, headers: new Headers({ etag: `"${type.version}"` }), body: { data: type } };
}

function patch(subject: Subject, body: Record<string, unknown>, ifMatch?: string) {
  return api.patch(subject.path, body, {
    token: subject.token,
    headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
  });
}

function expectPreconditionFailed(reply: Reply) {
  expect(reply.status).toBe(412);
  expect(reply.body).toMatchObject({ success: false, error: { code: 'PRECONDITION_FAILED' } });
  expect(reply.headers.get('etag')).toBeNull();
}

/** The answer carries the version it shows as its ETag. */
function versionOf(reply: Reply): number {
  const version = reply.body.data.version as number;
  expect(Number.isInteger(version)).toBe(true);
  expect(reply.headers.get('etag')).toBe(`"${version}"`);
  return version;
}

describe.each(Object.keys(kinds))('a %s', (kind) => {
  const make = () => kinds[kind]!();

  it('answers its version as the ETag, and a write without If-Match goes through as before', async () => {
    const subject = await make();
    const before = versionOf(await current(kind, subject));
    const body = subject.next();
    const written = await patch(subject, body);
    expect(written.status).toBe(200);
    expect(written.body.data).toMatchObject(body);
    expect(versionOf(written)).toBe(before + 1);
    expect(versionOf(await current(kind, subject))).toBe(before + 1);
  });

  it('writes with the current tag (strong, weak or *) and moves the tag on', async () => {
    const subject = await make();
    const read = await current(kind, subject);
    const tag = read.headers.get('etag')!;
    const first = await patch(subject, subject.next(), tag);
    expect(first.status).toBe(200);
    expect(versionOf(first)).toBe(versionOf(read) + 1);

    const weak = await patch(subject, subject.next(), `W/${first.headers.get('etag')}`);
    expect(weak.status).toBe(200);
    const any = await patch(subject, subject.next(), '*');
    expect(any.status).toBe(200);
    expect(versionOf(any)).toBe(versionOf(read) + 3);
  });

  it('answers 412 to a stale or malformed tag and changes nothing, a no-op change included', async () => {
    const subject = await make();
    const read = await current(kind, subject);
    const stale = read.headers.get('etag')!;
    expect((await patch(subject, subject.next(), stale)).status).toBe(200);
    const now = await current(kind, subject);

    for (const tag of [stale, '"999999"', 'bogus', '"v1"', '1', `${stale}, "x"`, '""']) {
      expectPreconditionFailed(await patch(subject, subject.next(), tag));
    }
    expectPreconditionFailed(await patch(subject, subject.same(now.body.data), stale));

    const after = await current(kind, subject);
    expect(after.body.data).toEqual(now.body.data);
    expect(after.headers.get('etag')).toBe(now.headers.get('etag'));
  });

  it('lets exactly one of two writers with the same tag win; the other gets 412', async () => {
    const subject = await make();
    const read = await current(kind, subject);
    const tag = read.headers.get('etag')!;
    const bodies = [subject.next(), subject.next()];
    const replies = await Promise.all(bodies.map((body) => patch(subject, body, tag)));
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 412]);
    const winner = replies.find((reply) => reply.status === 200)!;
    const loser = replies.find((reply) => reply.status === 412)!;
    expectPreconditionFailed(loser);
    expect(versionOf(winner)).toBe(versionOf(read) + 1);
    const after = await current(kind, subject);
    expect(after.body.data[subject.field]).toBe(winner.body.data[subject.field]);
    expect(versionOf(after)).toBe(versionOf(read) + 1);
  });
});

describe('deleting a label with If-Match', () => {
  it('answers 412 to a stale or malformed tag and keeps the label; the current tag deletes it', async () => {
    const subject = await kinds.label!();
    const as = (tag: string) => ({ token: subject.token, headers: { 'if-match': tag } });
    expect((await patch(subject, subject.next())).status).toBe(200);
    for (const tag of ['"1"', 'bogus', '"3"']) {
      expectPreconditionFailed(await api.delete(subject.path, as(tag)));
    }
    expect((await api.get(subject.path, { token: subject.token })).status).toBe(200);
    expect((await api.delete(subject.path, as('"2"'))).status).toBe(204);
    expect((await api.get(subject.path, { token: subject.token })).status).toBe(404);
  });

  it('lets exactly one of a delete and a change with the same tag win', async () => {
    const subject = await kinds.label!();
    const as = { token: subject.token, headers: { 'if-match': '"1"' } };
    const [deleted, changed] = await Promise.all([
      api.delete(subject.path, as),
      api.patch(subject.path, subject.next(), as),
    ]);
    const after = await api.get(subject.path, { token: subject.token });
    if (deleted.status === 204) {
      // The change came second and found no label.
      expect(changed.status).toBe(404);
      expect(after.status).toBe(404);
    } else {
      expectPreconditionFailed(deleted);
      expect(changed.status).toBe(200);
      expect(after.body.data.version).toBe(2);
    }
  });

  it('deletes without If-Match as before', async () => {
    const subject = await kinds.label!();
    expect((await api.delete(subject.path, { token: subject.token })).status).toBe(204);
  });
});

describe('reading one member', () => {
  it('answers the member with the ETag; a viewer may read, a stranger gets 404', async () => {
    const { owner, org } = await anOrganization();
    const viewer = await memberWithRole(t, api, org.id, 'viewer');
    const path = `${orgPath(org.id)}/members/${owner.id}`;
    const reply = await api.get(path, { token: viewer.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({
      user_id: owner.id,
      email: owner.email,
      name: 'Test User',
      role: 'owner',
      version: 1,
      joined_at: expect.any(String),
    });
    expect(reply.headers.get('etag')).toBe('"1"');
    const stranger: SignedInUser = await signIn(t, api);
    expect((await api.get(path, { token: stranger.accessToken })).status).toBe(404);
    const nobody = `${orgPath(org.id)}/members/${stranger.id}`;
    expect((await api.get(nobody, { token: owner.accessToken })).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('declares the 412 on every route that honours If-Match here', async () => {
    const document = (await api.get('/api/v1/openapi.json')).body;
    const operations = Object.values(document.paths as Record<string, Record<string, any>>)
      .flatMap((item) => Object.values(item))
      .filter((operation) => typeof operation?.operationId === 'string');
    const byId = new Map(operations.map((operation) => [operation.operationId, operation]));
    const honouring = [
      'updateLabel',
      'deleteLabel',
      'changeMemberRole',
      'updateMe',
      'renameTaskType',
    ];
    for (const id of honouring) {
      expect(Object.keys(byId.get(id)?.responses ?? {}), id).toContain('412');
    }
  });
});
