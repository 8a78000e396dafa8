// Labels through HTTP: create, list (A→Z, ?q= prefix, cursor pages), read, change and delete,
// the audit trail, validation with field names, and strangers (another organization's owner
// included) learning nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabelColor } from '../../../src/domain/labels/label-color.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

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

const labelsPath = (orgId = org.id) => `/api/v1/organizations/${orgId}/labels`;
const as = (token: string, headers: Record<string, string> = {}) => ({ token, headers });

interface LabelBody {
  id: string;
  name: string;
  color: string;
  description: string;
}

async function createLabel(
  fields: { name?: string; color?: string; description?: string } = {},
  by: SignedInUser = owner,
  orgId = org.id,
): Promise<LabelBody> {
  const reply = await api.post(
    labelsPath(orgId),
    { name: `Label ${uniqueTag()}`, ...fields },
    as(by.accessToken),
  );
  expect(reply.status).toBe(201);
  return reply.body.data;
}

/** A fresh organization, so lists hold only what the test puts in them. */
async function anotherOrganization() {
  const someone = await signIn(t, api);
  return { owner: someone, org: await createOrganization(api, someone) };
}

async function auditEntries(orgId: string, action: string, targetId: string) {
  const entries = await t.app.deps.uow.run(
    (tx) => tx.audit.list(orgId, { action }, { limit: 50 }),
    { organizationId: orgId },
  );
  return entries.filter((entry) => entry.targetId === targetId);
}

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.body).toMatchObject({ success: false, error: { code } });
}

const fieldsOf = (reply: Reply) =>
  (reply.body.error.details as { field: string }[]).map((detail) => detail.field);

describe('creating labels', () => {
  it('creates a label (201) and records label.created with the actor and request id', async () => {
    const requestId = `req-${uniqueTag()}`;
    const name = `Bug ${uniqueTag()}`;
    const reply = await api.post(
      labelsPath(),
      { name: `  ${name} `, color: '#E11D48', description: ' Broken ' },
      as(owner.accessToken, { 'x-request-id': requestId }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body.data).toEqual({
      id: expect.any(String),
      name,
      color: '#e11d48',
      description: 'Broken',
      created_by: owner.id,
      version: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(await auditEntries(org.id, 'label.created', reply.body.data.id)).toEqual([
      expect.objectContaining({
        actorId: owner.id,
        requestId,
        targetType: 'label',
        changes: { name, color: '#e11d48', description: 'Broken' },
      }),
    ]);
  });

  it('picks the color from the name when none is given', async () => {
    const name = `Feature ${uniqueTag()}`;
    const label = await createLabel({ name });
    expect(label).toMatchObject({ color: defaultLabelColor(name), description: '' });
  });

  it('answers 409 for a name taken in the organization, whatever its case', async () => {
    const label = await createLabel();
    const taken = await api.post(
      labelsPath(),
      { name: label.name.toUpperCase() },
      as(owner.accessToken),
    );
    expectError(taken, 409, 'CONFLICT');
  });

  it.each([
    ['no name', {}, ['name']],
    ['a blank name', { name: '   ' }, ['name']],
    ['a name over 50 characters', { name: 'x'.repeat(51) }, ['name']],
    ['a name that is not a string', { name: 42 }, ['name']],
    ['a color that is not #rrggbb', { name: 'Ok', color: 'red' }, ['color']],
    ['a short color', { name: 'Ok', color: '#fff' }, ['color']],
    [
      'a description over 200 characters',
      { name: 'Ok', description: 'd'.repeat(201) },
      ['description'],
    ],
    [
      'several bad fields',
      { name: '', color: '#12345g', description: 'd'.repeat(201) },
      ['name', 'color', 'description'],
    ],
  ])('answers 422 naming the fields for %s', async (_label, body, fields) => {
    const reply = await api.post(labelsPath(), body, as(owner.accessToken));
    expectError(reply, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(reply)).toEqual(fields);
  });
});

describe('listing and reading labels', () => {
  it('lists A→Z ignoring case, in cursor pages', async () => {
    const { owner: owner2, org: org2 } = await anotherOrganization();
    for (const name of ['delta', 'Bravo', 'alpha', 'Charlie', 'echo']) {
      await createLabel({ name }, owner2, org2.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
      const reply = await api.get(`${labelsPath(org2.id)}${query}`, as(owner2.accessToken));
      expect(reply.status).toBe(200);
      seen.push(...reply.body.data.map((label: LabelBody) => label.name));
      const pagination = reply.body.meta.pagination;
      expect(pagination.limit).toBe(2);
      expect(pagination.has_more).toBe(pagination.next_cursor !== null);
      cursor = pagination.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen).toEqual(['alpha', 'Bravo', 'Charlie', 'delta', 'echo']);
    expect(pages).toBe(3);
  });

  it('filters with ?q= by a case-insensitive name prefix', async () => {
    const { owner: owner2, org: org2 } = await anotherOrganization();
    for (const name of ['Bug', 'bugfix', 'Debug', '50%', '50 off']) {
      await createLabel({ name }, owner2, org2.id);
    }
    const search = async (q: string) => {
      const reply = await api.get(
        `${labelsPath(org2.id)}?q=${encodeURIComponent(q)}`,
        as(owner2.accessToken),
      );
      expect(reply.status).toBe(200);
      return reply.body.data.map((label: LabelBody) => label.name);
    };
    expect(await search('BUG')).toEqual(['Bug', 'bugfix']);
    expect(await search('50%')).toEqual(['50%']);
    expect(await search('zzz')).toEqual([]);
  });

  it('answers 422 on cursor for a cursor it did not make, and on limit out of range', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('["a","b"]').toString('base64url')]) {
      const reply = await api.get(`${labelsPath()}?cursor=${cursor}`, as(owner.accessToken));
      expectError(reply, 422, 'VALIDATION_ERROR');
      expect(fieldsOf(reply)).toEqual(['cursor']);
    }
    const reply = await api.get(`${labelsPath()}?limit=0`, as(owner.accessToken));
    expectError(reply, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(reply)).toEqual(['limit']);
  });

  it('reads one label; an unknown id or one that is not an id answers 404', async () => {
    const label = await createLabel();
    const read = await api.get(`${labelsPath()}/${label.id}`, as(owner.accessToken));
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject(label);
    for (const id of [crypto.randomUUID(), 'not-an-id']) {
      expectError(await api.get(`${labelsPath()}/${id}`, as(owner.accessToken)), 404, 'NOT_FOUND');
    }
  });
});

describe('changing and deleting labels', () => {
  it('renames and recolors, and records label.updated with what changed', async () => {
    const label = await createLabel({ color: '#000000' });
    const name = `Renamed ${uniqueTag()}`;
    const reply = await api.patch(
      `${labelsPath()}/${label.id}`,
      { name, color: '#ABCDEF' },
      as(owner.accessToken),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ id: label.id, name, color: '#abcdef' });
    expect(await auditEntries(org.id, 'label.updated', label.id)).toEqual([
      expect.objectContaining({
        actorId: owner.id,
        changes: {
          name: { from: label.name, to: name },
          color: { from: '#000000', to: '#abcdef' },
        },
      }),
    ]);
  });

  it('answers 409 to a rename onto another label’s name and changes nothing', async () => {
    const first = await createLabel();
    const second = await createLabel();
    const clash = await api.patch(
      `${labelsPath()}/${second.id}`,
      { name: first.name.toLowerCase() },
      as(owner.accessToken),
    );
    expectError(clash, 409, 'CONFLICT');
    const read = await api.get(`${labelsPath()}/${second.id}`, as(owner.accessToken));
    expect(read.body.data.name).toBe(second.name);
  });

  it.each([
    ['an empty body', {}, ['body']],
    ['an unknown field', { title: 'x' }, ['title']],
    ['a bad color', { color: '#zzzzzz' }, ['color']],
    ['a blank name', { name: ' ' }, ['name']],
    ['a long description', { description: 'd'.repeat(201) }, ['description']],
  ])('answers 422 to a PATCH with %s', async (_label, body, fields) => {
    const label = await createLabel();
    const reply = await api.patch(`${labelsPath()}/${label.id}`, body, as(owner.accessToken));
    expectError(reply, 422, 'VALIDATION_ERROR');
    expect(fieldsOf(reply)).toEqual(fields);
  });

  it('deletes a label (204), records label.deleted; then it is 404 and its name is free', async () => {
    const label = await createLabel();
    const deleted = await api.delete(`${labelsPath()}/${label.id}`, as(owner.accessToken));
    expect(deleted.status).toBe(204);
    expectError(
      await api.get(`${labelsPath()}/${label.id}`, as(owner.accessToken)),
      404,
      'NOT_FOUND',
    );
    expectError(
      await api.delete(`${labelsPath()}/${label.id}`, as(owner.accessToken)),
      404,
      'NOT_FOUND',
    );
    expect(await auditEntries(org.id, 'label.deleted', label.id)).toEqual([
      expect.objectContaining({
        actorId: owner.id,
        changes: { name: label.name, color: label.color, description: '', tasks: 0 },
      }),
    ]);
    await createLabel({ name: label.name });
  });
});

describe('tenant isolation and permissions', () => {
  /** Every labels route, aimed at `labelId` under `base`. */
  const everyRoute = (base: string, labelId: string, token?: string) => {
    const options = token === undefined ? {} : as(token);
    return {
      reads: [() => api.get(base, options), () => api.get(`${base}/${labelId}`, options)],
      writes: [
        () => api.post(base, { name: `Mine ${uniqueTag()}` }, options),
        () => api.patch(`${base}/${labelId}`, { name: `Hijacked ${uniqueTag()}` }, options),
        () => api.delete(`${base}/${labelId}`, options),
      ],
    };
  };
  const all = (routes: ReturnType<typeof everyRoute>) => [...routes.reads, ...routes.writes];

  async function expectUnchanged(label: LabelBody) {
    const read = await api.get(`${labelsPath()}/${label.id}`, as(owner.accessToken));
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject(label);
  }

  it('answers 404 and no data to a member of another organization on every labels route', async () => {
    const label = await createLabel();
    const stranger = await signIn(t, api);
    await createOrganization(api, stranger);
    for (const call of all(everyRoute(labelsPath(), label.id, stranger.accessToken))) {
      const reply = await call();
      expectError(reply, 404, 'NOT_FOUND');
      expect(JSON.stringify(reply.body)).not.toContain(label.id);
      expect(JSON.stringify(reply.body)).not.toContain(label.name);
    }
    await expectUnchanged(label);
  });

  it('answers 404 to the owner of organization B using a label id of organization A under B', async () => {
    const label = await createLabel();
    const { owner: ownerB, org: orgB } = await anotherOrganization();
    const base = labelsPath(orgB.id);
    for (const reply of [
      await api.get(`${base}/${label.id}`, as(ownerB.accessToken)),
      await api.patch(`${base}/${label.id}`, { name: 'Hijacked' }, as(ownerB.accessToken)),
      await api.delete(`${base}/${label.id}`, as(ownerB.accessToken)),
    ]) {
      expectError(reply, 404, 'NOT_FOUND');
      expect(JSON.stringify(reply.body)).not.toContain(label.name);
    }
    const listB = await api.get(base, as(ownerB.accessToken));
    expect(listB.body.data).toEqual([]);
    // The same name is free in B: names are unique per organization only.
    await createLabel({ name: label.name }, ownerB, orgB.id);
    await expectUnchanged(label);
  });

  it.each(['viewer', 'member'])(
    'lets a %s read labels but answers 403 to every write, before reading the body',
    async (role) => {
      const label = await createLabel();
      const user = await memberWithRole(t, api, org.id, role);
      const routes = everyRoute(labelsPath(), label.id, user.accessToken);
      for (const call of routes.reads) expect((await call()).status).toBe(200);
      for (const call of routes.writes) expectError(await call(), 403, 'FORBIDDEN');
      // Even an invalid body is refused for the permission, not the body.
      const invalid = await api.post(labelsPath(), { name: '' }, as(user.accessToken));
      expectError(invalid, 403, 'FORBIDDEN');
      await expectUnchanged(label);
    },
  );

  it('lets a requester read labels (everyone who reads projects does)', async () => {
    const label = await createLabel();
    const requester = await memberWithRole(t, api, org.id, 'requester');
    const read = await api.get(`${labelsPath()}/${label.id}`, as(requester.accessToken));
    expect(read.status).toBe(200);
  });

  it('lets a manager create, change and delete labels', async () => {
    const manager = await memberWithRole(t, api, org.id, 'manager');
    const label = await createLabel({}, manager);
    const changed = await api.patch(
      `${labelsPath()}/${label.id}`,
      { description: 'Managed' },
      as(manager.accessToken),
    );
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ description: 'Managed', created_by: manager.id });
    expect((await api.delete(`${labelsPath()}/${label.id}`, as(manager.accessToken))).status).toBe(
      204,
    );
    expect(await auditEntries(org.id, 'label.deleted', label.id)).toEqual([
      expect.objectContaining({ actorId: manager.id }),
    ]);
  });

  it('takes an API key with label:manage, and records the key as creator and actor', async () => {
    const minted = await api.post(
      `/api/v1/organizations/${org.id}/api-keys`,
      { name: 'Labeler', role: 'manager' },
      as(owner.accessToken),
    );
    expect(minted.status).toBe(201);
    const { id: keyId, key } = minted.body.data as { id: string; key: string };
    const reply = await api.post(labelsPath(), { name: `Keyed ${uniqueTag()}` }, as(key));
    expect(reply.status).toBe(201);
    expect(reply.body.data.created_by).toBe(keyId);
    expect(await auditEntries(org.id, 'label.created', reply.body.data.id)).toEqual([
      expect.objectContaining({ actorType: 'apikey', actorId: keyId }),
    ]);
  });

  it('answers 401 without a token on every labels route', async () => {
    const label = await createLabel();
    for (const call of all(everyRoute(labelsPath(), label.id))) {
      expectError(await call(), 401, 'UNAUTHENTICATED');
    }
    await expectUnchanged(label);
  });
});
