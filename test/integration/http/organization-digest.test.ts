// The organization setting `digest` through HTTP: set, read back, audited, cleared; every bad
// value a 422 naming its field; a member's 403 and a stranger's 404 change nothing.
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
let stranger: SignedInUser;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  owner = await signIn(t, api);
  stranger = await signIn(t, api);
});
afterAll(async () => {
  await t.close();
});

const patch = (org: TestOrganization, body: unknown, token = owner.accessToken) =>
  api.patch(`/api/v1/organizations/${org.id}`, body, { token });
const read = async (org: TestOrganization) =>
  (await api.get(`/api/v1/organizations/${org.id}`, { token: owner.accessToken })).body.data;

const daily = { enabled: true, recipients: { roles: ['owner', 'admin'] } };

describe('the digest setting', () => {
  it('is null until set; set with 18:00 on the organization’s clock by default; cleared by null', async () => {
    const org = await createOrganization(api, owner);
    expect((await read(org)).digest).toBeNull();

    const set = await patch(org, { digest: daily });
    expect(set.status).toBe(200);
    const shown = {
      enabled: true,
      local_time: '18:00',
      timezone: null,
      recipients: { roles: ['owner', 'admin'], members: [] },
    };
    expect(set.body.data).toMatchObject({ digest: shown, version: 2 });
    expect((await read(org)).digest).toEqual(shown);

    const cleared = await patch(org, { digest: null });
    expect(cleared.body.data).toMatchObject({ digest: null, version: 3 });
  });

  it('takes a time, a zone (spelled as the runtime does) and members, and is audited', async () => {
    const org = await createOrganization(api, owner);
    const admin = await memberWithRole(t, api, org.id, 'admin');
    const digest = {
      enabled: true,
      local_time: '07:30',
      timezone: 'america/new_york',
      recipients: { members: [admin.id] },
    };
    const set = await patch(org, { digest });
    expect(set.status).toBe(200);
    const shown = {
      ...digest,
      timezone: 'America/New_York',
      recipients: { roles: [], members: [admin.id] },
    };
    expect(set.body.data.digest).toEqual(shown);
    const log = await api.get(
      `/api/v1/organizations/${org.id}/audit-log?action=organization.updated`,
      { token: owner.accessToken },
    );
    expect(log.body.data).toEqual([
      expect.objectContaining({ changes: { digest: { from: null, to: shown } } }),
    ]);
  });

  it.each([
    ['a time 24:00', { local_time: '24:00' }, 'digest.local_time'],
    ['a time 6pm', { local_time: '6pm' }, 'digest.local_time'],
    ['an unknown zone', { timezone: 'Mars/Olympus' }, 'digest.timezone'],
    ['no recipients', { recipients: {} }, 'digest.recipients'],
    ['an unknown role', { recipients: { roles: ['wizard'] } }, 'digest.recipients.roles'],
    [
      'a member id that is no id',
      { recipients: { members: ['ada'] } },
      'digest.recipients.members',
    ],
    [
      'someone who is no member',
      { recipients: { members: ['019aee1c-0000-7000-8000-000000000000'] } },
      'digest.recipients.members',
    ],
    ['no enabled', { enabled: undefined }, 'digest.enabled'],
    ['an unknown field', { hour: 18 }, 'digest.hour'],
  ])('answers 422 for %s, naming the field, and changes nothing', async (_label, fields, field) => {
    const org = await createOrganization(api, owner);
    const reply = await patch(org, { digest: { ...daily, ...fields } });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
    expect(await read(org)).toMatchObject({ digest: null, version: 1 });
  });

  it('answers 403 to a member and 404 to another organization’s owner, changing nothing', async () => {
    const org = await createOrganization(api, owner);
    const member = await memberWithRole(t, api, org.id, 'member');
    expect((await patch(org, { digest: daily }, member.accessToken)).status).toBe(403);
    expect((await patch(org, { digest: daily }, stranger.accessToken)).status).toBe(404);
    expect(await read(org)).toMatchObject({ digest: null, version: 1 });
  });
});
