// Builders for HTTP tests through the real server (test/support/app.ts): projects and tasks made
// the way a client makes them, each answer checked on the way. The people and organizations come
// from test/support/actors.ts and test/support/tenancy.ts, re-exported here.
//
//   let api: Client; let owner: SignedInUser; let org: TestOrganization;   // set in beforeAll
//   const { aProject, aTask } = httpBuilders(() => ({ api, owner, org }));
import { expect } from 'vitest';
import type { SignedInUser } from '../actors.js';
import type { Client } from '../client.js';
import { uniqueTag } from '../env.js';
import type { TestOrganization } from '../tenancy.js';
import { aKey } from './keys.js';

export { signIn, type SignedInUser } from '../actors.js';
export { createOrganization, memberWithRole, type TestOrganization } from '../tenancy.js';
export { aKey };

export interface StatusFixture {
  readonly id: string;
  readonly name: string;
  readonly category: string;
}

export interface ProjectFixture {
  readonly id: string;
  readonly key: string;
  /** Its workflow, in order. */
  readonly statuses: StatusFixture[];
}

/** Who a file's builders act as by default, read when a builder is called. */
export interface HttpScope {
  readonly api: Client;
  readonly owner: SignedInUser;
  readonly org: TestOrganization;
}

export interface HttpBuilderDefaults {
  /** The name of every project (`Release`). */
  readonly projectName?: string;
  /** The title of a task the test gives none (`Task <tag>`). */
  readonly taskTitle?: () => string;
}

/**
 * The project and task builders of one test file. `Task` is the shape the file reads a task
 * answer as.
 */
export function httpBuilders<Task = any>(
  scope: () => HttpScope,
  defaults: HttpBuilderDefaults = {},
) {
  const orgPath = (orgId: string) => `/api/v1/organizations/${orgId}`;
  const as = (user: SignedInUser) => ({ token: user.accessToken });

  /** A project (fresh key) of `orgId`, made by `by`, with its statuses. */
  async function aProject(
    by: SignedInUser = scope().owner,
    orgId: string = scope().org.id,
  ): Promise<ProjectFixture> {
    const { api } = scope();
    const created = await api.post(
      `${orgPath(orgId)}/projects`,
      { name: defaults.projectName ?? 'Release', key: aKey() },
      as(by),
    );
    expect(created.status).toBe(201);
    const statuses = await api.get(
      `${orgPath(orgId)}/projects/${created.body.data.id}/statuses`,
      as(by),
    );
    expect(statuses.status).toBe(200);
    return { id: created.body.data.id, key: created.body.data.key, statuses: statuses.body.data };
  }

  /** A task in `project` with `fields`, made by `by`; the answer's data. */
  async function aTask(
    project: { readonly id: string },
    fields: Record<string, unknown> = {},
    by: SignedInUser = scope().owner,
    orgId: string = scope().org.id,
  ): Promise<Task> {
    const reply = await scope().api.post(
      `${orgPath(orgId)}/projects/${project.id}/tasks`,
      { title: defaults.taskTitle?.() ?? `Task ${uniqueTag()}`, ...fields },
      as(by),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body.data as Task;
  }

  return { aProject, aTask };
}
