// Idempotency-Key on the real application: every POST under /organizations/:org honours it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import { createOrganization, type TestOrganization } from '../../support/tenancy.js';

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

const teams = () => `/api/v1/organizations/${org.id}/teams`;
const withKey = (key: string) => ({
  token: owner.accessToken,
  headers: { 'Idempotency-Key': key },
});

describe('Idempotency-Key on the application', () => {
  it('creates exactly one team for 20 concurrent identical POSTs', async () => {
    const key = `k-${uniqueTag()}`;
    const name = `Team ${uniqueTag()}`;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => api.post(teams(), { name }, withKey(key))),
    );
    const created = replies.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const reply of replies) expect([201, 409]).toContain(reply.status);
    expect(new Set(created.map((r) => r.body.data.id)).size).toBe(1);
    const list = await api.get(`${teams()}?limit=200`, { token: owner.accessToken });
    expect(list.body.data.filter((team: { name: string }) => team.name === name)).toHaveLength(1);
    const again = await api.post(teams(), { name }, withKey(key));
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body.data.id).toBe(created[0]!.body.data.id);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED to the key with another body', async () => {
    const key = `k-${uniqueTag()}`;
    expect((await api.post(teams(), { name: `A ${uniqueTag()}` }, withKey(key))).status).toBe(201);
    const reused = await api.post(teams(), { name: `B ${uniqueTag()}` }, withKey(key));
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('sends an invitation’s mail once, after its commit, and not again on a replay', async () => {
    const key = `k-${uniqueTag()}`;
    const email = `invitee-${uniqueTag()}@example.com`;
    const path = `/api/v1/organizations/${org.id}/invitations`;
    const first = await api.post(path, { email, role: 'member' }, withKey(key));
    expect(first.status).toBe(201);
    // The mail is a job of the request's transaction, which committed before the answer: the
    // worker sends it once, and the replay enqueues none.
    await t.mailSent();
    expect(t.mail.filter((m) => m.to === email)).toHaveLength(1);
    const again = await api.post(path, { email, role: 'member' }, withKey(key));
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body.data.id).toBe(first.body.data.id);
    await t.mailSent();
    expect(t.mail.filter((m) => m.to === email)).toHaveLength(1);
  });

  it('documents the header on organization POSTs', async () => {
    const doc = await api.get('/api/v1/openapi.json');
    const op = doc.body.paths['/api/v1/organizations/{org}/teams'].post;
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
  });
});
