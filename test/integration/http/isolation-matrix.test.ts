// The isolation matrix: every route in organization scope, read from the router's route specs
// (a route added later is covered without editing this file), called by
//   - the owner of another organization → 404 NOT_FOUND, and nothing of A in the reply;
//   - a viewer of the organization, on every write → 403 FORBIDDEN;
//   - nobody (no token) → 401 UNAUTHENTICATED.
// Every failure is collected, so one run names every leaking route. A write every member makes
// for themselves (SELF_SERVICE) has no role too weak for it: the viewer reaches its validation.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouteGroups } from '../../../src/adapters/http/app.js';
import type { RouteSpec } from '../../../src/adapters/http/route.js';
import { signIn, type SignedInUser } from '../../support/actors.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { client, type Client, type Reply } from '../../support/client.js';
import { uniqueTag } from '../../support/env.js';
import {
  createOrganization,
  memberWithRole,
  type TestOrganization,
} from '../../support/tenancy.js';

interface MatrixRoute {
  readonly method: RouteSpec['method'];
  /** The template as mounted, e.g. /api/v1/organizations/:org/teams/:id */
  readonly template: string;
}

/** Ids of things that exist in organization A, by the path segment that names their collection. */
interface Fixtures {
  readonly teamId: string;
  readonly roleId: string;
  readonly invitationId: string;
  readonly apiKeyId: string;
  readonly projectId: string;
  readonly taskTypeId: string;
  readonly labelId: string;
  readonly taskId: string;
  readonly commentId: string;
  readonly relationId: string;
  readonly webhookId: string;
  readonly deliveryId: string;
  /** A plain member of A who is not the caller (so a viewer's DELETE is not "leaving"). */
  readonly memberId: string;
}

let t: TestApp;
let api: Client;
let ownerA: SignedInUser;
let viewerA: SignedInUser;
let ownerB: SignedInUser;
let orgA: TestOrganization;
let fixtures: Fixtures;

/**
 * Writes every member may make for themselves, whatever their role: a viewer's empty body is
 * refused by validation (422), not by permission.
 */
const SELF_SERVICE = new Set(['PUT /api/v1/organizations/:org/notification-preferences']);

/** The routes that declare organization scope (route.ts refuses one whose path disagrees). */
function organizationRoutes(): MatrixRoute[] {
  return apiRouteGroups(t.app.deps).flatMap((group) =>
    group.routes
      .filter((spec) => spec.scope === 'organization')
      .map((spec) => ({ method: spec.method, template: `${group.prefix}${spec.path}` })),
  );
}

/** The id standing in for `:param`, chosen by the collection segment before it. */
function idFor(param: string, collection: string | undefined): string {
  if (param === 'user_id' || collection === 'members') return fixtures.memberId;
  const byCollection: Record<string, string> = {
    teams: fixtures.teamId,
    roles: fixtures.roleId,
    invitations: fixtures.invitationId,
    'api-keys': fixtures.apiKeyId,
    projects: fixtures.projectId,
    'task-types': fixtures.taskTypeId,
    labels: fixtures.labelId,
    tasks: fixtures.taskId,
    comments: fixtures.commentId,
    relations: fixtures.relationId,
    webhooks: fixtures.webhookId,
    deliveries: fixtures.deliveryId,
  };
  // No fixture of this kind yet: a random id still has to be refused the same way.
  return (collection !== undefined && byCollection[collection]) || crypto.randomUUID();
}

function pathOf(template: string, organizationId: string): string {
  const segments = template.split('/');
  return segments
    .map((segment, index) => {
      if (!segment.startsWith(':')) return segment;
      const param = segment.slice(1);
      return param === 'org' ? organizationId : idFor(param, segments[index - 1]);
    })
    .join('/');
}

/**
 * The body of a write whose permission depends on what the body names. Watching a task oneself
 * needs only read access (a viewer may); putting someone else on its watchers is the write.
 */
function bodyFor(route: MatrixRoute): Record<string, unknown> {
  if (route.template.endsWith('/tasks/:task/watchers')) return { user_id: fixtures.memberId };
  return {};
}

function call(route: MatrixRoute, path: string, token: string | undefined): Promise<Reply> {
  const options = { token };
  switch (route.method) {
    case 'get':
      return api.get(path, options);
    case 'delete':
      return api.delete(path, options);
    // The permission check runs before the body is read: an empty body must not matter.
    case 'post':
      return api.post(path, bodyFor(route), options);
    case 'patch':
      return api.patch(path, {}, options);
    case 'put':
      return api.put(path, {}, options);
  }
}

/** Runs `work` in one transaction scoped to the organization (row-level security). */
function inOrganization(
  organizationId: string,
  work: (trx: typeof t.database.handle.db) => Promise<unknown>,
) {
  return t.database.handle.db.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${organizationId}, true)`.execute(trx);
    await work(trx);
  });
}

/** A team (with members), a custom role, a pending invitation and an API key in organization A. */
async function createFixtures(organizationId: string, createdBy: string, memberIds: string[]) {
  const now = new Date();
  const ids = {
    teamId: crypto.randomUUID(),
    roleId: crypto.randomUUID(),
    invitationId: crypto.randomUUID(),
    apiKeyId: crypto.randomUUID(),
    projectId: crypto.randomUUID(),
    taskTypeId: crypto.randomUUID(),
    labelId: crypto.randomUUID(),
    taskId: crypto.randomUUID(),
    commentId: crypto.randomUUID(),
    relationId: crypto.randomUUID(),
    webhookId: crypto.randomUUID(),
    deliveryId: crypto.randomUUID(),
  };
  const blockedTaskId = crypto.randomUUID();
  const statusId = crypto.randomUUID();
  const tag = uniqueTag();
  await inOrganization(organizationId, async (trx) => {
    await trx
      .insertInto('teams')
      .values({
        organization_id: organizationId,
        id: ids.teamId,
        name: `Team ${tag}`,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const userId of memberIds) {
      await trx
        .insertInto('team_members')
        .values({
          organization_id: organizationId,
          id: crypto.randomUUID(),
          team_id: ids.teamId,
          user_id: userId,
          created_at: now,
        })
        .execute();
    }
    await trx
      .insertInto('roles')
      .values({
        organization_id: organizationId,
        id: ids.roleId,
        name: `Role ${tag}`,
        description: 'Reads tasks',
        permissions: ['organization:read', 'task:read:any'],
        created_at: now,
        updated_at: now,
      })
      .execute();
    const tokenHash = `matrix-${tag}`;
    await trx
      .insertInto('invitations')
      .values({
        organization_id: organizationId,
        id: ids.invitationId,
        email: `invitee-${tag}@example.com`,
        role: 'member',
        token_hash: tokenHash,
        invited_by: createdBy,
        created_at: now,
        expires_at: new Date(now.getTime() + 7 * 86_400_000),
        accepted_at: null,
        accepted_by: null,
        revoked_at: null,
      })
      .execute();
    await trx
      .insertInto('invitation_tokens')
      .values({
        token_hash: tokenHash,
        organization_id: organizationId,
        invitation_id: ids.invitationId,
      })
      .execute();
    const prefix = `mx${tag}`;
    await trx
      .insertInto('api_keys')
      .values({
        organization_id: organizationId,
        id: ids.apiKeyId,
        name: 'Matrix key',
        prefix,
        secret_hash: 'not-a-real-hash',
        role: 'viewer',
        created_by: createdBy,
        created_at: now,
        expires_at: null,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    await trx
      .insertInto('api_key_prefixes')
      .values({ prefix, organization_id: organizationId, key_id: ids.apiKeyId })
      .execute();
    await trx
      .insertInto('projects')
      .values({
        organization_id: organizationId,
        id: ids.projectId,
        name: 'Matrix project',
        key: 'MX',
        created_by: createdBy,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('task_types')
      .values({
        organization_id: organizationId,
        id: ids.taskTypeId,
        project_id: ids.projectId,
        name: 'Bug',
        created_at: now,
      })
      .execute();
    await trx
      .insertInto('labels')
      .values({
        organization_id: organizationId,
        id: ids.labelId,
        name: `Label ${tag}`,
        color: '#2563eb',
        created_by: createdBy,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('project_statuses')
      .values({
        organization_id: organizationId,
        id: statusId,
        project_id: ids.projectId,
        name: 'To Do',
        category: 'todo',
        position: 0,
      })
      .execute();
    await trx
      .insertInto('tasks')
      .values({
        organization_id: organizationId,
        id: ids.taskId,
        project_id: ids.projectId,
        number: 1,
        title: 'Matrix task',
        status_id: statusId,
        reporter_id: createdBy,
        position: 65536,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('task_comments')
      .values({
        organization_id: organizationId,
        id: ids.commentId,
        task_id: ids.taskId,
        author_id: createdBy,
        body: 'Matrix comment',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('tasks')
      .values({
        organization_id: organizationId,
        id: blockedTaskId,
        project_id: ids.projectId,
        number: 2,
        title: 'Matrix blocked task',
        status_id: statusId,
        reporter_id: createdBy,
        position: 131072,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('task_relations')
      .values({
        organization_id: organizationId,
        id: ids.relationId,
        source_task_id: ids.taskId,
        target_task_id: blockedTaskId,
        type: 'blocks',
        created_by: createdBy,
        created_at: now,
      })
      .execute();
    await trx
      .insertInto('webhook_endpoints')
      .values({
        organization_id: organizationId,
        id: ids.webhookId,
        url: 'https://hooks.example.com/matrix',
        events: ['*'],
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        previous_secret: null,
        previous_secret_expires_at: null,
        failing_since: null,
        disabled_at: null,
        created_by: createdBy,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('webhook_deliveries')
      .values({
        organization_id: organizationId,
        id: ids.deliveryId,
        endpoint_id: ids.webhookId,
        event_id: null,
        event_type: 'webhook.ping',
        body: '{}',
        // Never due: the matrix is about the routes, not about sending.
        next_attempt_at: null,
        claim: null,
        locked_until: null,
        last_status_code: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  return ids;
}

beforeAll(async () => {
  t = await startTestApp();
  api = client(t.baseUrl);
  ownerA = await signIn(t, api);
  orgA = await createOrganization(api, ownerA);
  viewerA = await memberWithRole(t, api, orgA.id, 'viewer');
  const member = await memberWithRole(t, api, orgA.id, 'member');
  ownerB = await signIn(t, api);
  await createOrganization(api, ownerB);
  fixtures = {
    ...(await createFixtures(orgA.id, ownerA.id, [viewerA.id, member.id])),
    memberId: member.id,
  };
});
afterAll(async () => {
  await t.close();
});

describe('the isolation matrix', () => {
  it('covers every organization route the router holds, the organization itself included', () => {
    const covered = organizationRoutes().map((r) => `${r.method.toUpperCase()} ${r.template}`);
    expect(covered).toEqual(
      expect.arrayContaining([
        'GET /api/v1/organizations/:org',
        'PATCH /api/v1/organizations/:org',
        'DELETE /api/v1/organizations/:org',
      ]),
    );
    expect(new Set(covered).size).toBe(covered.length);
  });

  it('answers 404 to another organization’s owner, 403 to a viewer’s writes, 401 without a token', async () => {
    const routes = organizationRoutes();
    const secrets = [
      orgA.id,
      orgA.slug,
      ownerA.id,
      viewerA.id,
      fixtures.memberId,
      fixtures.teamId,
      fixtures.roleId,
      fixtures.invitationId,
      fixtures.apiKeyId,
      fixtures.projectId,
      fixtures.taskTypeId,
      fixtures.labelId,
      fixtures.taskId,
      fixtures.commentId,
      fixtures.relationId,
      fixtures.webhookId,
      fixtures.deliveryId,
    ];
    const failures: string[] = [];
    let calls = 0;
    const expectReply = (
      label: string,
      reply: Reply,
      status: number,
      code: string,
      mustNotContain: readonly string[] = [],
    ) => {
      calls += 1;
      const problems: string[] = [];
      if (reply.status !== status) problems.push(`status ${reply.status}, expected ${status}`);
      const body = reply.body as { success?: unknown; error?: { code?: unknown } } | string;
      if (typeof body !== 'object' || body.success !== false || body.error?.code !== code) {
        problems.push(`body ${JSON.stringify(body).slice(0, 200)}, expected the ${code} envelope`);
      }
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const leaked = mustNotContain.filter((secret) => text.includes(secret));
      if (leaked.length > 0) problems.push(`reply names ${leaked.join(', ')}`);
      if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}`);
    };

    // Reads and refusals first; the viewer's writes (which would change A if one leaked) last.
    for (const route of routes) {
      const path = pathOf(route.template, orgA.id);
      const label = `${route.method.toUpperCase()} ${route.template}`;
      expectReply(
        `${label} [no token]`,
        await call(route, path, undefined),
        401,
        'UNAUTHENTICATED',
      );
      expectReply(
        `${label} [owner of another organization]`,
        await call(route, path, ownerB.accessToken),
        404,
        'NOT_FOUND',
        secrets,
      );
    }
    const writes = routes.filter((route) => route.method !== 'get');
    for (const route of writes) {
      const path = pathOf(route.template, orgA.id);
      const label = `${route.method.toUpperCase()} ${route.template}`;
      const [status, code] = SELF_SERVICE.has(label)
        ? [422, 'VALIDATION_ERROR']
        : [403, 'FORBIDDEN'];
      expectReply(`${label} [viewer]`, await call(route, path, viewerA.accessToken), status, code);
    }

    console.log(
      `isolation matrix: ${routes.length} routes × 3 callers (viewer on the ${writes.length} writes only) = ${calls} calls, ${failures.length} failures`,
    );
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBe(routes.length * 2 + writes.length);
    expect(failures).toEqual([]);
  });

  it('still lets organization A’s own people in (the matrix is not refusing everyone)', async () => {
    const reply = await api.get(`/api/v1/organizations/${orgA.id}`, { token: viewerA.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body.data.id).toBe(orgA.id);
    const stillThere = await api.get(`/api/v1/organizations/${orgA.id}`, {
      token: ownerA.accessToken,
    });
    expect(stillThere.body.data).toMatchObject({ id: orgA.id, role: 'owner' });
  });
});
