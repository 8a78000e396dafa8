// Organizations as their members see them: create, list, read, change, delete; non-members see
// nothing, and every write leaves an audit entry in the same transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { AuditEntry } from '../../../../src/application/access/ports.js';
import {
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { createRole } from '../../../../src/application/access/create-role.js';
import { createOrganization } from '../../../../src/application/organizations/create-organization.js';
import { deleteOrganization } from '../../../../src/application/organizations/delete-organization.js';
import { getOrganization } from '../../../../src/application/organizations/get-organization.js';
import { listMyOrganizations } from '../../../../src/application/organizations/list-my-organizations.js';
import { updateOrganization } from '../../../../src/application/organizations/update-organization.js';
import type { BuiltInRole } from '../../../../src/domain/access/permissions.js';
import type { ApiKeyPrincipal, UserPrincipal } from '../../../../src/domain/identity/principal.js';
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

/** What `actor` may do in the organization named by id or slug (as every org route resolves it). */
const accessAs = (
  actor: UserPrincipal | ApiKeyPrincipal,
  ref: string,
): Promise<OrganizationAccess> => resolveAccess(deps, actor, ref);

/** Someone holding `role` in the organization, added through a unit of work scoped to it. */
async function aMemberOf(organization: Organization, role: BuiltInRole): Promise<UserPrincipal> {
  const member = await aUser(deps);
  await deps.uow.run(
    (tx) =>
      tx.memberships.add({
        id: deps.ids.next(),
        organizationId: organization.id,
        userId: member.userId,
        role,
        now: deps.clock.now(),
      }),
    { organizationId: organization.id },
  );
  return member;
}

/** The organization's audit log, newest first. */
function auditOf(organization: Organization): Promise<AuditEntry[]> {
  return deps.uow.run((tx) => tx.audit.list(organization.id, {}, { limit: 100 }), {
    organizationId: organization.id,
  });
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
    const membership = await deps.uow.run(
      (tx) => tx.memberships.find(created.organization.id, owner.userId),
      { organizationId: created.organization.id },
    );
    expect(membership).toMatchObject({ role: 'owner', userId: owner.userId });
    const access = await accessAs(owner, created.organization.id);
    expect(access.grant).toMatchObject({ actorId: owner.userId, role: 'owner' });
    expect(access.grant.permissions.has('organization:delete')).toBe(true);
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

  it('refuses an API key with ForbiddenError', async () => {
    const organization = await anOrganization(await aUser(deps));
    const key: ApiKeyPrincipal = {
      kind: 'apikey',
      keyId: deps.ids.next(),
      organizationId: organization.id,
      role: 'owner',
    };
    await expect(
      createOrganization(deps, key, { name: 'Acme', slug: newSlug() }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('reuses the slug of a deleted organization', async () => {
    const owner = await aUser(deps);
    const slug = newSlug();
    const first = await anOrganization(owner, { slug });
    await deleteOrganization(deps, await accessAs(owner, first.id));

    const second = await anOrganization(owner, { slug });
    expect(second.id).not.toBe(first.id);
    expect(getOrganization(await accessAs(owner, slug))).toMatchObject({
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
    await deleteOrganization(deps, await accessAs(me, gone.id));
    const page = await listMyOrganizations(deps, me, { limit: 10 });
    expect(page.items.map((i) => i.organization.id)).toEqual([kept.id]);
  });

  it('answers an empty page to someone in no organization', async () => {
    expect(await listMyOrganizations(deps, await aUser(deps), { limit: 10 })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('answers an API key with its own organization and role only', async () => {
    const organization = await anOrganization(await aUser(deps));
    await anOrganization(await aUser(deps));
    const key: ApiKeyPrincipal = {
      kind: 'apikey',
      keyId: deps.ids.next(),
      organizationId: organization.id,
      role: 'viewer',
    };
    expect(await listMyOrganizations(deps, key, { limit: 10 })).toEqual({
      items: [{ organization, role: 'viewer' }],
      nextCursor: null,
    });
  });
});

describe('getOrganization', () => {
  it('finds the organization by id or by slug, with the caller’s role', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const expected = { organization, role: 'owner' };
    expect(getOrganization(await accessAs(owner, organization.id))).toEqual(expected);
    expect(getOrganization(await accessAs(owner, organization.slug))).toEqual(expected);
  });

  it('lets a plain member read it', async () => {
    const organization = await anOrganization(await aUser(deps));
    const member = await aMemberOf(organization, 'member');
    expect(getOrganization(await accessAs(member, organization.id))).toEqual({
      organization,
      role: 'member',
    });
  });

  it('answers NotFoundError to an organization that does not exist', async () => {
    await expect(accessAs(await aUser(deps), 'no-such-org')).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessAs(await aUser(deps), deps.ids.next())).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('who may do what', () => {
  it('answers NotFoundError to a non-member, by id and by slug, exactly as for no organization', async () => {
    const organization = await anOrganization(await aUser(deps));
    const stranger = await aUser(deps);
    await anOrganization(stranger); // a member elsewhere
    for (const ref of [organization.id, organization.slug]) {
      await expect(accessAs(stranger, ref)).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('answers NotFoundError to an API key of another organization', async () => {
    const organization = await anOrganization(await aUser(deps));
    const elsewhere = await anOrganization(await aUser(deps));
    const key: ApiKeyPrincipal = {
      kind: 'apikey',
      keyId: deps.ids.next(),
      organizationId: elsewhere.id,
      role: 'owner',
    };
    await expect(accessAs(key, organization.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await accessAs(key, elsewhere.id)).grant).toMatchObject({
      actorId: key.keyId,
      role: 'owner',
    });
  });

  const writes = {
    update: (access: OrganizationAccess) =>
      updateOrganization(deps, access, { name: 'Taken over' }),
    delete: (access: OrganizationAccess) => deleteOrganization(deps, access),
  };

  it.each(Object.keys(writes) as (keyof typeof writes)[])(
    'answers ForbiddenError to a plain member who tries to %s it, changes nothing, records nothing',
    async (action) => {
      const owner = await aUser(deps);
      const organization = await anOrganization(owner);
      const member = await aMemberOf(organization, 'member');
      const access = await accessAs(member, organization.id);

      expect(getOrganization(access).organization).toEqual(organization);
      await expect(writes[action](access)).rejects.toBeInstanceOf(ForbiddenError);
      expect(getOrganization(await accessAs(owner, organization.id)).organization).toEqual(
        organization,
      );
      expect((await auditOf(organization)).map((e) => e.action)).toEqual(['organization.created']);
    },
  );

  it('answers ForbiddenError to an admin who tries to delete it (owners only)', async () => {
    const organization = await anOrganization(await aUser(deps));
    const admin = await aMemberOf(organization, 'admin');
    const access = await accessAs(admin, organization.id);
    await expect(updateOrganization(deps, access, { name: 'Admins may' })).resolves.toMatchObject({
      role: 'admin',
    });
    await expect(deleteOrganization(deps, access)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('updateOrganization', () => {
  it('changes name, slug and time zone and bumps the version', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    deps.clock.advance(1000);
    const slug = newSlug();
    const updated = await updateOrganization(deps, await accessAs(owner, organization.id), {
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
    expect(getOrganization(await accessAs(owner, slug))).toEqual(updated);
  });

  it('answers PreconditionFailedError for a stale expectedVersion and keeps the newer data', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    await updateOrganization(deps, await accessAs(owner, organization.id), {
      name: 'First',
      expectedVersion: 1,
    });

    await expect(
      updateOrganization(deps, await accessAs(owner, organization.id), {
        name: 'Second',
        expectedVersion: 1,
      }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(getOrganization(await accessAs(owner, organization.id)).organization).toMatchObject({
      name: 'First',
      version: 2,
    });
    expect((await auditOf(organization)).map((e) => e.action)).toEqual([
      'organization.updated',
      'organization.created',
    ]);
  });

  it('answers ConflictError when the new slug belongs to another organization', async () => {
    const owner = await aUser(deps);
    const taken = await anOrganization(owner);
    const organization = await anOrganization(owner);
    await expect(
      updateOrganization(deps, await accessAs(owner, organization.id), { slug: taken.slug }),
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
    await expect(
      updateOrganization(deps, await accessAs(owner, organization.id), input),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('deleteOrganization', () => {
  it('makes the organization answer NotFoundError to everyone, its owner included', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const member = await aMemberOf(organization, 'member');
    const ownerAccess = await accessAs(owner, organization.id);
    await accessAs(member, organization.id); // a grant now cached for the member

    await deleteOrganization(deps, ownerAccess);

    for (const actor of [owner, member]) {
      for (const ref of [organization.id, organization.slug]) {
        await expect(accessAs(actor, ref)).rejects.toBeInstanceOf(NotFoundError);
      }
    }
    // An access resolved before the delete cannot delete it again.
    await expect(deleteOrganization(deps, ownerAccess)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers PreconditionFailedError for a stale expectedVersion and deletes nothing', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    await updateOrganization(deps, await accessAs(owner, organization.id), { name: 'Renamed' });
    await expect(
      deleteOrganization(deps, await accessAs(owner, organization.id), 1),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(getOrganization(await accessAs(owner, organization.id)).organization).toMatchObject({
      name: 'Renamed',
      deletedAt: null,
    });
  });
});

describe('the audit trail', () => {
  it('records every write with its actor, target, changes and request, newest first', async () => {
    const request = { ip: '203.0.113.7', userAgent: 'unit-test/1.0', requestId: 'req-123' };
    const owner: UserPrincipal = { ...(await aUser(deps)), request };
    const organization = await anOrganization(owner);
    const admin = await aMemberOf(organization, 'admin');

    deps.clock.advance(1000);
    await updateOrganization(deps, await accessAs(owner, organization.id), {
      name: 'Acme Europe',
      timezone: 'Europe/Berlin',
    });
    deps.clock.advance(1000);
    await updateOrganization(deps, await accessAs(admin, organization.id), { name: 'Acme EU' });
    deps.clock.advance(1000);
    await deleteOrganization(deps, await accessAs(owner, organization.id));

    const entries = await auditOf(organization);
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ['organization.deleted', owner.userId],
      ['organization.updated', admin.userId],
      ['organization.updated', owner.userId],
      ['organization.created', owner.userId],
    ]);
    const [deleted, byAdmin, byOwner, created] = entries;
    expect(created).toMatchObject({
      organizationId: organization.id,
      actorType: 'user',
      targetType: 'organization',
      targetId: organization.id,
      changes: { name: 'Acme', slug: organization.slug, timezone: 'UTC' },
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
    });
    expect(byOwner).toMatchObject({
      targetId: organization.id,
      changes: {
        name: { from: 'Acme', to: 'Acme Europe' },
        timezone: { from: 'UTC', to: 'Europe/Berlin' },
      },
      requestId: request.requestId,
    });
    expect(byAdmin).toMatchObject({
      changes: { name: { from: 'Acme Europe', to: 'Acme EU' } },
      ip: null,
      requestId: null,
    });
    expect(deleted).toMatchObject({ targetType: 'organization', targetId: organization.id });
    expect(entries.map((e) => e.createdAt.getTime())).toEqual(
      [...entries.map((e) => e.createdAt.getTime())].sort((a, b) => b - a),
    );
  });
});

describe('the write window', () => {
  const officeHours = {
    start: '09:00',
    end: '17:00',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    roles: ['member'],
  };

  it('starts without one, is set with exempt priorities defaulting to critical, and is read back', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    expect(organization.writeWindow).toBeNull();

    const updated = await updateOrganization(deps, await accessAs(owner, organization.id), {
      writeWindow: { ...officeHours, roles: [' member ', 'viewer'] },
      expectedVersion: 1,
    });
    const expected = {
      ...officeHours,
      roles: ['member', 'viewer'],
      exemptPriorities: ['critical'],
    };
    expect(updated.organization).toMatchObject({ writeWindow: expected, version: 2 });
    expect(getOrganization(await accessAs(owner, organization.slug)).organization).toMatchObject({
      writeWindow: expected,
      version: 2,
    });
  });

  it('keeps explicit exempt priorities, an empty list included, and changes nothing else', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const night = { start: '22:00', end: '06:00', days: ['fri'], roles: ['member'] };
    await updateOrganization(deps, await accessAs(owner, organization.id), {
      writeWindow: { ...night, exemptPriorities: ['high', 'critical'] },
    });
    expect(
      getOrganization(await accessAs(owner, organization.id)).organization.writeWindow,
    ).toEqual({ ...night, exemptPriorities: ['high', 'critical'] });

    const after = await updateOrganization(deps, await accessAs(owner, organization.id), {
      writeWindow: { ...night, exemptPriorities: [] },
    });
    expect(after.organization).toMatchObject({
      name: organization.name,
      slug: organization.slug,
      timezone: organization.timezone,
      writeWindow: { ...night, exemptPriorities: [] },
    });
  });

  it('is removed by null, and other settings are left alone by setting and removing it', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const settings = () =>
      database.handle.db.transaction().execute(async (trx) => {
        await sql`select set_config('app.organization_id', ${organization.id}, true)`.execute(trx);
        const row = await trx
          .selectFrom('organizations')
          .select('settings')
          .where('id', '=', organization.id)
          .executeTakeFirstOrThrow();
        return row.settings;
      });
    await database.handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.organization_id', ${organization.id}, true)`.execute(trx);
      await sql`update organizations set settings = '{"reminders": {"hour": 8}}'::jsonb
                where id = ${organization.id}`.execute(trx);
    });

    await updateOrganization(deps, await accessAs(owner, organization.id), {
      writeWindow: officeHours,
    });
    expect(await settings()).toEqual({
      reminders: { hour: 8 },
      write_window: { ...officeHours, exempt_priorities: ['critical'] },
    });

    const cleared = await updateOrganization(deps, await accessAs(owner, organization.id), {
      writeWindow: null,
    });
    expect(cleared.organization).toMatchObject({ writeWindow: null, version: 3 });
    expect(getOrganization(await accessAs(owner, organization.id)).organization.writeWindow).toBe(
      null,
    );
    expect(await settings()).toEqual({ reminders: { hour: 8 } });
  });

  it('audits the window as it was and as it became, in the API’s field names', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    await updateOrganization(deps, await accessAs(owner, organization.id), {
      writeWindow: officeHours,
    });
    await updateOrganization(deps, await accessAs(owner, organization.id), { writeWindow: null });
    const shown = { ...officeHours, exempt_priorities: ['critical'] };
    const entries = await auditOf(organization);
    expect(entries.map((e) => [e.action, e.changes])).toEqual([
      ['organization.updated', { write_window: { from: shown, to: null } }],
      ['organization.updated', { write_window: { from: null, to: shown } }],
      ['organization.created', { name: 'Acme', slug: organization.slug, timezone: 'UTC' }],
    ]);
  });

  it('takes the id of a custom role of the organization, not its name nor another organization’s role', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const access = await accessAs(owner, organization.id);
    const contractor = await createRole(deps, access, {
      name: 'Contractor',
      permissions: ['organization:read', 'task:create'],
    });
    const elsewhereOwner = await aUser(deps);
    const elsewhere = await anOrganization(elsewhereOwner);
    const foreign = await createRole(deps, await accessAs(elsewhereOwner, elsewhere.id), {
      name: 'Foreign',
      permissions: ['organization:read'],
    });

    const updated = await updateOrganization(deps, access, {
      writeWindow: { ...officeHours, roles: ['member', contractor.id] },
    });
    expect(updated.organization.writeWindow?.roles).toEqual(['member', contractor.id]);
    for (const role of ['Contractor', foreign.id, 'wizard']) {
      const attempt = updateOrganization(deps, await accessAs(owner, organization.id), {
        writeWindow: { ...officeHours, roles: [role] },
      });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ details: [{ field: 'write_window.roles' }] });
    }
    expect(
      getOrganization(await accessAs(owner, organization.id)).organization.writeWindow?.roles,
    ).toEqual(['member', contractor.id]);
  });

  it.each([
    ['a start past 23:59', { start: '24:00' }, 'write_window.start'],
    ['an end without minutes', { end: '17' }, 'write_window.end'],
    ['no days', { days: [] }, 'write_window.days'],
    ['an unknown day', { days: ['mon', 'someday'] }, 'write_window.days'],
    ['a repeated day', { days: ['mon', 'mon'] }, 'write_window.days'],
    ['no roles', { roles: [] }, 'write_window.roles'],
    ['a blank role', { roles: ['  '] }, 'write_window.roles'],
    ['a repeated role', { roles: ['member', 'member'] }, 'write_window.roles'],
    ['an unknown priority', { exemptPriorities: ['urgent'] }, 'write_window.exempt_priorities'],
    [
      'a repeated priority',
      { exemptPriorities: ['high', 'high'] },
      'write_window.exempt_priorities',
    ],
  ])(
    'refuses %s with a ValidationError naming the field, changing nothing',
    async (_l, f, field) => {
      const owner = await aUser(deps);
      const organization = await anOrganization(owner);
      const attempt = updateOrganization(deps, await accessAs(owner, organization.id), {
        writeWindow: { ...officeHours, ...f },
      });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ details: [{ field }] });
      expect(getOrganization(await accessAs(owner, organization.id)).organization).toMatchObject({
        writeWindow: null,
        version: 1,
      });
    },
  );

  it('answers ForbiddenError to a manager, who may not change the organization', async () => {
    const owner = await aUser(deps);
    const organization = await anOrganization(owner);
    const manager = await aMemberOf(organization, 'manager');
    await expect(
      updateOrganization(deps, await accessAs(manager, organization.id), {
        writeWindow: officeHours,
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(getOrganization(await accessAs(owner, organization.id)).organization.writeWindow).toBe(
      null,
    );
  });
});
