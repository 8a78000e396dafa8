// One rule for input a route does not declare, through HTTP: an unknown query parameter, on
// any route (one without a query schema too), and an unknown body field, on any body (create
// bodies too), answer 422 VALIDATION_ERROR naming each; the declared ones keep working; the
// email-link pages take any query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import {
  createOrganization,
  signIn,
  type SignedInUser,
  type TestOrganization,
} from '../../support/builders/http.js';

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

const as = (user: SignedInUser) => ({ token: user.accessToken });
const orgPath = () => `/api/v1/organizations/${org.id}`;

function expectRefused(reply: Reply, details: Array<{ field: string; message: string }>) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  expect(reply.body).toMatchObject({
    success: false,
    error: { code: 'VALIDATION_ERROR' },
    meta: { request_id: expect.any(String) },
  });
  expect(reply.body.error.details).toEqual(details);
}

const unknownParameter = (field: string) => ({ field, message: 'Unknown query parameter' });

describe('unknown query parameters', () => {
  it('are refused on a route that declares no query, each one named', async () => {
    expectRefused(await api.get(`${orgPath()}?expand=members&fields=id`, as(owner)), [
      unknownParameter('expand'),
      unknownParameter('fields'),
    ]);
    expectRefused(await api.get('/api/v1/users/me?verbose=1', as(owner)), [
      unknownParameter('verbose'),
    ]);
    expectRefused(await api.get('/health?probe=1'), [unknownParameter('probe')]);
  });

  it('are refused next to the declared ones, which keep working alone', async () => {
    const path = `${orgPath()}/projects`;
    expectRefused(await api.get(`${path}?limit=1&sort=name&sort_by=name`, as(owner)), [
      unknownParameter('sort_by'),
    ]);
    const declared = await api.get(`${path}?limit=1&sort=name&include_deleted=false`, as(owner));
    expect(declared.status).toBe(200);
    expect(declared.body.meta.pagination.limit).toBe(1);

    const whoami = await api.get(`/api/v1/auth/whoami?organization=${org.slug}`, as(owner));
    expect(whoami.status).toBe(200);
    expect(whoami.body.data.organization.id).toBe(org.id);
  });

  it('are refused on writes too, before anything changes', async () => {
    const reply = await api.post(
      `${orgPath()}/labels?dry_run=true`,
      { name: 'Never made' },
      as(owner),
    );
    expectRefused(reply, [unknownParameter('dry_run')]);
    const labels = await api.get(`${orgPath()}/labels?q=Never`, as(owner));
    expect(labels.body.data).toEqual([]);
  });

  it('are named even when their value is empty or repeated', async () => {
    expectRefused(await api.get(`${orgPath()}/members?flag&tag=a&tag=b`, as(owner)), [
      unknownParameter('flag'),
      unknownParameter('tag'),
    ]);
  });
});

describe('unknown body fields', () => {
  it('are refused on create bodies as on update bodies, each one named', async () => {
    expectRefused(
      await api.post(`${orgPath()}/labels`, { name: 'Bug', colour: '#ff0000' }, as(owner)),
      [{ field: 'colour', message: 'Unknown field' }],
    );
    expectRefused(
      await api.post(
        '/api/v1/organizations',
        { name: 'Acme', slug: 'acme-unknown-field', plan: 'pro', seats: 3 },
        as(owner),
      ),
      [
        { field: 'plan', message: 'Unknown field' },
        { field: 'seats', message: 'Unknown field' },
      ],
    );
  });

  it('are named by their path inside nested objects and arrays', async () => {
    const project = await api.post(
      `${orgPath()}/projects`,
      { name: 'Nest', key: 'NST' },
      as(owner),
    );
    expect(project.status).toBe(201);
    expectRefused(
      await api.put(
        `${orgPath()}/projects/${project.body.data.id}/statuses`,
        [
          { name: 'To do', category: 'todo' },
          { name: 'Done', category: 'done', colour: 'green' },
        ],
        as(owner),
      ),
      [{ field: '1.colour', message: 'Unknown field' }],
    );
    expectRefused(
      await api.patch(
        orgPath(),
        {
          write_window: {
            start: '09:00',
            end: '17:00',
            days: ['mon'],
            roles: ['member'],
            timezone: 'UTC',
          },
        },
        as(owner),
      ),
      [{ field: 'write_window.timezone', message: 'Unknown field' }],
    );
  });
});

describe('the email-link pages', () => {
  it('open with their token and whatever a mail service adds to the link', async () => {
    const reply = await api.get('/verify-email?token=abc&utm_source=mail&utm_campaign=x');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/html');
  });
});

describe('the OpenAPI document', () => {
  it('states the rule, and gives every operation a 422', async () => {
    const document = (await api.get('/api/v1/openapi.json')).body;
    expect(document.info.description).toContain('does not declare answers 422');
    for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        expect(operation.responses['422'], `${method} ${path}`).toBeDefined();
      }
    }
  });
});
