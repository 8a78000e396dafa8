// Organizations as their members see them: create, list, read, change, delete; non-members see nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  listMyOrganizations,
  updateOrganization,
} from '../../../../src/application/organizations/organizations.js';
import type { UserPrincipal } from '../../../../src/domain/identity/principal.js';
import type { Role } from '../../../../src/domain/organizations/membership.js';
import type { Organization } from '../../../../src/domain/organizations/organization.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database.js';
import { uniqueTag } from '../../../support/env.js';
import { aUser } from '../actors.js';
import { buildDeps, type TestDeps } from '../deps.js';

let database: TestDatabase;
let deps: TestDeps;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = await buildDeps(database.handle.db);
});
afterAll(async () => {
  await database.close();
});

const newSlug = () => `org-${uniqueTag()}`;

async function anOrganization(owner: UserPrincipal, fields: { slug?: string } = {}) {
  const { organization } = await createOrganization(deps, owner, {
    name: 'Acme',
    slug: fields.slug ?? newSlug(),
  });
  return organization;
}

/** Someone holding `role` in the organization, added straight through the repository. */
async function aMemberOf(organization: Organization, role: Role): Promise<UserPrincipal> {
  const member = await aUser(deps);
  await deps.repos.memberships.add({
    id: deps.ids.next(),
    organizationId: organization.id,
    userId: member.userId,
    role,
    now: deps.clock.now(),
  });
  return member;
}

describe('createOrganization', () => {
  it('creates the organization at version 1 and makes the caller its owner', async () => {
    const owner = await aUser(deps);
    const slug = newSlug();
    const created = await createOrganization(deps, owner, {
      name: '  Acme Corp ',
      slug,
      timezone: 'Europe/Amsterdam',
    });

    expect(created).toMatchObject({
      role: 'owner',
      organization: {
        name: 'Acme Corp',
        slug,
        timezone: 'Europe/Amsterdam',
        version: 1,
        createdAt: deps.clock.now(),
        deletedAt: null,
      },
    });
    expect(await deps.repos.memberships.find(created.organization.id, owner.userId)).toMatchObject({
      role: 'owner',
      userId: owner.userId,
    });
  });

  it('defaults the time zone to UTC', async () => {
    const organization = await anOrganization(await aUser(deps));
    expect(organization.timezone).toBe('UTC');
  });

  it('answers ConflictError for a slug already in use', async () => {
    const slug = newSlug();
    await anOrganization(await aUser(deps), { slug });
    await expect(anOrganization(await aUser(deps), { slug })).rejects.toBeInstanceOf(ConflictError);
  });

  it.each([
    ['an invalid slug', { name: 'Acme', slug: 'Acme' }, 'slug'],
    ['a blank name', { name: '   ', slug: 'fine-slug' }, 'name'],
    [
      'an unknown time zone',
      { name: 'Acme', slug: 'fine-slug', timezone: 'Mars/Olympus' },
      'timezone',
    ],
  ])('refuses %s with a ValidationError', async (_label, input, field) => {
    const attempt = createOrganization(deps, await aUser(deps), input);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ field }] });
  });

  it('reuses the slug of a deleted organization', async () => {
    const owner = await aUser(deps);
    const slug = newSlug();
    const first = await anOrganization(owner, { slug });
    await deleteOrganization(deps, owner, first.id);

    const second = await anOrganization(owner, { slug });
    expect(second.id).not.toBe(first.id);
    await expect(getOrganization(deps, owner, slug)).resolves.toMatchObject({
      organization: { id: second.id },
    });
  });
});

describe('listMyOrganizations', () => {
  it('pages through the caller’s organizations with limit, after and nextCursor', async () => {
    const me = await aUser(deps);
    const mine = [await anOrganization(me), await anOrganization(me), await anOrganization(me)];
    await anOrganization(await aUser(deps)); // someone else's

    const first = await listMyOrganizations(deps, me, { limit: 2 });
    expect(first.items.map((i) => i.organization.id)).toEqual([mine[0]!.id, mine[1]!.id]);
    expect(first.items.map((i) => i.role)).toEqual(['owner', 'owner']);
    expect(first.nextCursor).toBe(mine[1]!.id);

    const second = await listMyOrganizations(deps, me, { limit: 2, after: first.nextCursor! });
    expect(second.items.map((i) => i.organization.id)).toEqual([mine[2]!.id]);
    expect(second.nextCursor).toBeNull();
  });

  it('answers no cursor when the page holds exactly what is left', async () => {
    const me = await aUser(deps);
    await anOrganization(me);
    await anOrganization(me);
    const page = await listMyOrganizations(deps, me, { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it('lists organizations joined with another role, with that role', async () => {
    const organization = await anOrganization(await aUser(deps));
    const viewer = await aMemberOf(organization, 'viewer');
    const page = await listMyOrganizations(deps, viewer, { limit: 10 });
    expect(page.items).toEqual([{ organization, role: 'viewer' }]);
  });

  it('leaves out deleted organizations', async () => {
    const me = await aUser(deps);
    const kept = await anOrganization(me);
    const gone = await anOrganization(me);
    await deleteOrganization(deps, me, gone.id);
    const page = await listMyOrganizations(deps, me, { limit: 10 });
    expect(page.items.map((i) => i.organization.id)).toEqual([kept.id]);
  });

  it('answers an empty page to someone in no organization', async () => {
    expect(await listMyOrganizations(deps, await aUser(deps), { limit: 10 })).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});

describe('getOrganization', () => {
  it('finds the organization by id or by slug, with the caller’s role', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const expected = { organization, role: 'owner' };
    expect(await getOrganization(deps, owner, organization.id)).toEqual(expected);
    expect(await getOrganization(deps, owner, organization.slug)).toEqual(expected);
  });

  it('lets a plain member read it', async () => {
    const organization = await anOrganization(await aUser(deps));
    const member = await aMemberOf(organization, 'member');
    expect(await getOrganization(deps, member, organization.id)).toEqual({
      organization,
      role: 'member',
    });
  });

  it('answers NotFoundError to an organization that does not exist', async () => {
    await expect(getOrganization(deps, await aUser(deps), 'no-such-org')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('who may do what', () => {
  const actions = {
    get: (actor: UserPrincipal, org: Organization) => getOrganization(deps, actor, org.id),
    update: (actor: UserPrincipal, org: Organization) =>
      updateOrganization(deps, actor, org.id, { name: 'Taken over' }),
    delete: (actor: UserPrincipal, org: Organization) => deleteOrganization(deps, actor, org.id),
  };

  it.each(Object.keys(actions) as (keyof typeof actions)[])(
    'answers NotFoundError to a non-member who tries to %s it',
    async (action) => {
      const organization = await anOrganization(await aUser(deps));
      await expect(actions[action](await aUser(deps), organization)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    },
  );

  it.each(['update', 'delete'] as const)(
    'answers ForbiddenError to a plain member who tries to %s it, and changes nothing',
    async (action) => {
      const owner = await aUser(deps);
      const organization = await anOrganization(owner);
      const member = await aMemberOf(organization, 'member');
      await expect(actions[action](member, organization)).rejects.toBeInstanceOf(ForbiddenError);
      expect((await getOrganization(deps, owner, organization.id)).organization).toEqual(
        organization,
      );
    },
  );
});

describe('updateOrganization', () => {
  it('changes name, slug and time zone and bumps the version', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    deps.clock.advance(1000);
    const slug = newSlug();
    const updated = await updateOrganization(deps, owner, organization.id, {
      name: ' Acme Europe ',
      slug,
      timezone: 'Europe/Berlin',
      expectedVersion: 1,
    });
    expect(updated).toMatchObject({
      role: 'owner',
      organization: {
        id: organization.id,
        name: 'Acme Europe',
        slug,
        timezone: 'Europe/Berlin',
        version: 2,
        updatedAt: deps.clock.now(),
      },
    });
    await expect(getOrganization(deps, owner, slug)).resolves.toEqual(updated);
  });

  it('answers PreconditionFailedError for a stale expectedVersion and keeps the newer data', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    await updateOrganization(deps, owner, organization.id, { name: 'First', expectedVersion: 1 });

    await expect(
      updateOrganization(deps, owner, organization.id, { name: 'Second', expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await getOrganization(deps, owner, organization.id)).organization).toMatchObject({
      name: 'First',
      version: 2,
    });
  });

  it('answers ConflictError when the new slug belongs to another organization', async () => {
    const owner = await aUser(deps);
    const taken = await anOrganization(owner);
    const organization = await anOrganization(owner);
    await expect(
      updateOrganization(deps, owner, organization.id, { slug: taken.slug }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it.each([
    ['nothing to change', {}],
    ['an invalid slug', { slug: 'ac--me' }],
    ['a blank name', { name: ' ' }],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }],
  ])('refuses %s with a ValidationError', async (_label, input) => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    await expect(updateOrganization(deps, owner, organization.id, input)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('deleteOrganization', () => {
  it('makes the organization answer NotFoundError to everyone, its owner included', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const member = await aMemberOf(organization, 'member');

    await deleteOrganization(deps, owner, organization.id);

    for (const actor of [owner, member]) {
      await expect(getOrganization(deps, actor, organization.id)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
    await expect(deleteOrganization(deps, owner, organization.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('answers PreconditionFailedError for a stale expectedVersion and deletes nothing', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    await updateOrganization(deps, owner, organization.id, { name: 'Renamed' });
    await expect(deleteOrganization(deps, owner, organization.id, 1)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(getOrganization(deps, owner, organization.id)).resolves.toBeDefined();
  });
});
