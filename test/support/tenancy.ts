// Builders for organizations and their people in HTTP tests.
import { expect } from 'vitest';
import { signIn, type SignedInUser } from './actors.js';
import type { TestApp } from './app.js';
import type { Client } from './client.js';
import { uniqueTag } from './env.js';

export interface TestOrganization {
  readonly id: string;
  readonly slug: string;
}

export async function createOrganization(
  api: Client,
  owner: SignedInUser,
): Promise<TestOrganization> {
  const reply = await api.post(
    '/api/v1/organizations',
    { name: 'Test Org', slug: `org-${uniqueTag()}` },
    { token: owner.accessToken },
  );
  expect(reply.status).toBe(201);
  return { id: reply.body.data.id, slug: reply.body.data.slug };
}

/**
 * Puts a user in the organization with a role straight through the repository, inside a unit of
 * work scoped to that organization (row-level security refuses it otherwise).
 */
export async function addMember(
  t: TestApp,
  organizationId: string,
  userId: string,
  role: string,
): Promise<void> {
  await t.app.deps.uow.run(
    (tx) =>
      tx.memberships.add({
        id: crypto.randomUUID(),
        organizationId,
        userId,
        role,
        now: new Date(),
      }),
    { organizationId },
  );
}

/** A new signed-in user who is a member of the organization with the given role. */
export async function memberWithRole(
  t: TestApp,
  api: Client,
  organizationId: string,
  role: string,
): Promise<SignedInUser> {
  const user = await signIn(t, api);
  await addMember(t, organizationId, user.id, role);
  return user;
}
