// The Kysely repositories against this file's own database: PGlite by default, PostgreSQL when
// TEST_DATABASE_URL (or DATABASE_URL) is set. What the use cases rely on, checked at the SQL edge.
// The repositories' own SQL, run as the tables' owner; row-level security has its own test (rls.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/postgres/database.js';
import {
  postgresRepositories,
  postgresUnitOfWork,
} from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { Repositories } from '../../../src/application/shared/unit-of-work.js';
import type { OneTimeTokenPurpose } from '../../../src/domain/identity/one-time-token.js';
import type { Session } from '../../../src/domain/identity/session.js';
import type { User } from '../../../src/domain/identity/user.js';
import type { Organization } from '../../../src/domain/organizations/organization.js';
import { ConflictError, PreconditionFailedError } from '../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { testDatabaseUrl, uniqueTag } from '../../support/env.js';

const ENGINE = testDatabaseUrl ? 'PostgreSQL' : 'PGlite';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const HOUR_MS = 60 * 60 * 1000;
const newId = () => uuidV7Ids.next();

let database: TestDatabase;
let db: Db;
let repos: Repositories;

beforeAll(async () => {
  database = await createTestDatabase({ asOwner: true });
  db = database.handle.db;
  repos = postgresRepositories(db);
});
afterAll(async () => {
  await database.close();
});

async function aUser(fields: { email?: string } = {}): Promise<User> {
  return repos.users.create({
    id: newId(),
    email: fields.email ?? `person-${uniqueTag()}@example.com`,
    name: 'Someone',
    timezone: 'UTC',
    passwordHash: 'hash',
    now: NOW,
  });
}

async function anOrganization(fields: { slug?: string } = {}): Promise<Organization> {
  return repos.organizations.create({
    id: newId(),
    name: 'Acme',
    slug: fields.slug ?? `org-${uniqueTag()}`,
    timezone: 'UTC',
    now: NOW,
  });
}

async function aSession(
  user: User,
  fields: { createdAt?: Date; expiresAt?: Date } = {},
): Promise<Session> {
  return repos.sessions.create({
    id: newId(),
    userId: user.id,
    deviceId: null,
    userAgent: null,
    ip: null,
    now: fields.createdAt ?? NOW,
    expiresAt: fields.expiresAt ?? at(HOUR_MS),
  });
}

async function aRefreshToken(session: Session): Promise<string> {
  const id = newId();
  await repos.refreshTokens.create({
    id,
    sessionId: session.id,
    tokenHash: `hash-${uniqueTag()}`,
    now: NOW,
  });
  return id;
}

async function aOneTimeToken(user: User, purpose: OneTimeTokenPurpose) {
  const tokenHash = `hash-${uniqueTag()}`;
  await repos.oneTimeTokens.create({
    id: newId(),
    userId: user.id,
    purpose,
    tokenHash,
    now: NOW,
    expiresAt: at(HOUR_MS),
  });
  return { purpose, tokenHash };
}

describe(`repositories on ${ENGINE}`, () => {
  describe('users', () => {
    it('finds a created user by id and by email, and its password hash', async () => {
      const user = await aUser();
      expect(user).toMatchObject({ version: 1, emailVerifiedAt: null, createdAt: NOW });
      expect(await repos.users.findById(user.id)).toEqual(user);
      expect(await repos.users.findByEmail(user.email)).toEqual(user);
      expect(await repos.users.findCredentials(user.email)).toEqual({ user, passwordHash: 'hash' });
      expect(await repos.users.passwordHashOf(user.id)).toBe('hash');
    });

    it('answers ConflictError for an email already taken', async () => {
      const { email } = await aUser();
      await expect(aUser({ email })).rejects.toBeInstanceOf(ConflictError);
    });

    it('applies changes and bumps the version', async () => {
      const user = await aUser();
      const updated = await repos.users.update(
        user.id,
        { name: 'Renamed', emailVerifiedAt: at(1000) },
        at(2000),
      );
      expect(updated).toMatchObject({
        name: 'Renamed',
        emailVerifiedAt: at(1000),
        version: 2,
        updatedAt: at(2000),
      });
    });
  });

  describe('organizations', () => {
    it('answers ConflictError for a slug used by a live organization', async () => {
      const { slug } = await anOrganization();
      await expect(anOrganization({ slug })).rejects.toBeInstanceOf(ConflictError);
    });

    it('lets a new organization take the slug of a soft-deleted one', async () => {
      const gone = await anOrganization();
      expect(await repos.organizations.softDelete(gone.id, at(1000))).toBe(true);
      const taker = await anOrganization({ slug: gone.slug });
      expect(await repos.organizations.find(gone.slug)).toEqual(taker);
      expect(await repos.organizations.find(gone.id)).toBeUndefined();
    });

    it('answers ConflictError when an update moves to a slug a live organization holds', async () => {
      const holder = await anOrganization();
      const mover = await anOrganization();
      await expect(
        repos.organizations.update(mover.id, { slug: holder.slug }, at(1000)),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    it('finds an organization by id or by slug', async () => {
      const organization = await anOrganization();
      expect(await repos.organizations.find(organization.id)).toEqual(organization);
      expect(await repos.organizations.find(organization.slug)).toEqual(organization);
      expect(await repos.organizations.find(newId())).toBeUndefined();
      expect(await repos.organizations.find('no-such-slug')).toBeUndefined();
    });

    it('updates when expectedVersion matches, bumping the version', async () => {
      const organization = await anOrganization();
      const updated = await repos.organizations.update(
        organization.id,
        { name: 'Acme Europe', timezone: 'Europe/Berlin' },
        at(1000),
        1,
      );
      expect(updated).toMatchObject({
        name: 'Acme Europe',
        timezone: 'Europe/Berlin',
        slug: organization.slug,
        version: 2,
        updatedAt: at(1000),
        createdAt: NOW,
      });
    });

    it('answers PreconditionFailedError for a stale expectedVersion and changes nothing', async () => {
      const organization = await anOrganization();
      await repos.organizations.update(organization.id, { name: 'First' }, at(1000), 1);
      await expect(
        repos.organizations.update(organization.id, { name: 'Second' }, at(2000), 1),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await repos.organizations.find(organization.id)).toMatchObject({
        name: 'First',
        version: 2,
      });
    });

    it('updates without expectedVersion whatever the version is', async () => {
      const organization = await anOrganization();
      await repos.organizations.update(organization.id, { name: 'First' }, at(1000));
      expect(
        await repos.organizations.update(organization.id, { name: 'Second' }, at(2000)),
      ).toMatchObject({ name: 'Second', version: 3 });
    });

    it.each([
      ['without expectedVersion', undefined],
      ['with expectedVersion', 1],
    ])('answers undefined when updating a row that does not exist (%s)', async (_l, version) => {
      expect(await repos.organizations.update(newId(), { name: 'X' }, NOW, version)).toBe(
        undefined,
      );
    });

    it('answers undefined when updating a soft-deleted organization', async () => {
      const organization = await anOrganization();
      await repos.organizations.softDelete(organization.id, at(1000));
      expect(await repos.organizations.update(organization.id, { name: 'X' }, at(2000), 2)).toBe(
        undefined,
      );
    });

    it('soft-deletes once; a stale expectedVersion throws and a second delete answers false', async () => {
      const organization = await anOrganization();
      await expect(
        repos.organizations.softDelete(organization.id, at(1000), 7),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await repos.organizations.softDelete(organization.id, at(1000), 1)).toBe(true);
      expect(await repos.organizations.softDelete(organization.id, at(2000))).toBe(false);
    });

    it('lists a user’s live organizations with the role, ordered by id and paged after an id', async () => {
      const user = await aUser();
      const orgs = [await anOrganization(), await anOrganization(), await anOrganization()];
      const roles = ['owner', 'viewer', 'admin'] as const;
      for (const [i, organization] of orgs.entries()) {
        await repos.memberships.add({
          id: newId(),
          organizationId: organization.id,
          userId: user.id,
          role: roles[i]!,
          now: NOW,
        });
      }
      await repos.organizations.softDelete(orgs[1]!.id, at(1000));

      // The listing reads the user of the unit of work's scope (app_user_memberships()).
      const asUser = <T>(work: (tx: typeof repos) => Promise<T>) =>
        postgresUnitOfWork(db).run(work, { userId: user.id });
      const all = await asUser((tx) => tx.organizations.listForUser(user.id, { limit: 10 }));
      expect(all.map((r) => [r.organization.id, r.role])).toEqual([
        [orgs[0]!.id, 'owner'],
        [orgs[2]!.id, 'admin'],
      ]);
      const after = await asUser((tx) =>
        tx.organizations.listForUser(user.id, { limit: 10, after: orgs[0]!.id }),
      );
      expect(after.map((r) => r.organization.id)).toEqual([orgs[2]!.id]);
    });
  });

  describe('memberships', () => {
    it('finds a membership by organization and user, and refuses a second one for the pair', async () => {
      const user = await aUser();
      const organization = await anOrganization();
      const add = () =>
        repos.memberships.add({
          id: newId(),
          organizationId: organization.id,
          userId: user.id,
          role: 'member',
          now: NOW,
        });
      const membership = await add();
      expect(await repos.memberships.find(organization.id, user.id)).toEqual(membership);
      await expect(add()).rejects.toBeInstanceOf(ConflictError);
      expect(await repos.memberships.find(organization.id, (await aUser()).id)).toBeUndefined();
    });
  });

  describe('sessions', () => {
    it('lists only active sessions: not revoked, not expired, oldest first', async () => {
      const user = await aUser();
      const later = await aSession(user, { createdAt: at(-1000) });
      const earlier = await aSession(user, { createdAt: at(-2000) });
      const revoked = await aSession(user);
      await aSession(user, { expiresAt: at(-1) });
      await aSession(user, { expiresAt: NOW });
      await repos.sessions.revoke(user.id, [revoked.id], NOW, 'logout');

      const active = await repos.sessions.listActive(user.id, NOW);
      expect(active.map((s) => s.id)).toEqual([earlier.id, later.id]);
    });

    it('revokes only the given user’s sessions and returns the ids it revoked', async () => {
      const owner = await aUser();
      const stranger = await aUser();
      const mine = await aSession(owner);
      const theirs = await aSession(stranger);

      expect(await repos.sessions.revoke(owner.id, [mine.id, theirs.id], NOW, 'revoked')).toEqual([
        mine.id,
      ]);
      expect(await repos.sessions.findById(mine.id)).toMatchObject({ revokedAt: NOW });
      expect(await repos.sessions.findById(theirs.id)).toMatchObject({ revokedAt: null });
      expect(await repos.sessions.revoke(owner.id, [mine.id], at(1), 'again')).toEqual([]);
      expect(await repos.sessions.revoke(owner.id, [], NOW, 'nothing')).toEqual([]);
    });

    it('revokes all of a user’s sessions except the one spared', async () => {
      const user = await aUser();
      const stranger = await aUser();
      const [kept, a, b] = [await aSession(user), await aSession(user), await aSession(user)];
      const theirs = await aSession(stranger);

      const revoked = await repos.sessions.revokeAll(user.id, NOW, 'password_changed', kept.id);
      expect(revoked.sort()).toEqual([a.id, b.id].sort());
      expect((await repos.sessions.listActive(user.id, NOW)).map((s) => s.id)).toEqual([kept.id]);
      expect((await repos.sessions.listActive(stranger.id, NOW)).map((s) => s.id)).toEqual([
        theirs.id,
      ]);
    });

    it('tells which of some sessions are still open, whoever holds them, in one read', async () => {
      const [user, other] = [await aUser(), await aUser()];
      const open = [await aSession(user), await aSession(other)];
      const revoked = await aSession(user);
      const expired = await aSession(other, { expiresAt: NOW });
      await repos.sessions.revoke(user.id, [revoked.id], NOW, 'logout');
      const asked = [...open, revoked, expired].map((s) => s.id).concat(crypto.randomUUID());
      expect((await repos.sessions.activeAmong(asked, NOW)).sort()).toEqual(
        open.map((s) => s.id).sort(),
      );
      expect(await repos.sessions.activeAmong([], NOW)).toEqual([]);
    });

    it('touch moves last use and expiry', async () => {
      const user = await aUser();
      const session = await aSession(user);
      await repos.sessions.touch(session.id, at(5000), at(2 * HOUR_MS));
      expect(await repos.sessions.findById(session.id)).toMatchObject({
        lastUsedAt: at(5000),
        expiresAt: at(2 * HOUR_MS),
      });
    });
  });

  describe('refresh tokens', () => {
    it('marks a token used once: true the first time, false after', async () => {
      const session = await aSession(await aUser());
      const id = await aRefreshToken(session);
      expect(await repos.refreshTokens.markUsed(id, NOW)).toBe(true);
      expect(await repos.refreshTokens.markUsed(id, at(1))).toBe(false);
    });

    it('lets exactly one of 5 concurrent markUsed calls win', async () => {
      const session = await aSession(await aUser());
      const id = await aRefreshToken(session);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => repos.refreshTokens.markUsed(id, NOW)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lets exactly one of 5 concurrent transactions spend the token', async () => {
      const session = await aSession(await aUser());
      const id = await aRefreshToken(session);
      const uow = postgresUnitOfWork(db);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => uow.run((tx) => tx.refreshTokens.markUsed(id, NOW))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('finds a token by its hash, with when it was used', async () => {
      const session = await aSession(await aUser());
      const tokenHash = `hash-${uniqueTag()}`;
      const id = newId();
      await repos.refreshTokens.create({ id, sessionId: session.id, tokenHash, now: NOW });
      expect(await repos.refreshTokens.findByHash(tokenHash)).toEqual({
        id,
        sessionId: session.id,
        usedAt: null,
      });
      await repos.refreshTokens.markUsed(id, at(1000));
      expect(await repos.refreshTokens.findByHash(tokenHash)).toMatchObject({ usedAt: at(1000) });
      expect(await repos.refreshTokens.findByHash('unknown')).toBeUndefined();
    });
  });

  describe('one-time tokens', () => {
    it('finds a token only under its own purpose', async () => {
      const user = await aUser();
      const { tokenHash } = await aOneTimeToken(user, 'verify_email');
      expect(await repos.oneTimeTokens.findByHash('verify_email', tokenHash)).toMatchObject({
        userId: user.id,
        purpose: 'verify_email',
        expiresAt: at(HOUR_MS),
        usedAt: null,
      });
      expect(await repos.oneTimeTokens.findByHash('reset_password', tokenHash)).toBeUndefined();
    });

    it('invalidateAll ends the user’s unused tokens of that purpose, and nothing else', async () => {
      const user = await aUser();
      const stranger = await aUser();
      const ended = [
        await aOneTimeToken(user, 'verify_email'),
        await aOneTimeToken(user, 'verify_email'),
      ];
      const kept = [
        await aOneTimeToken(user, 'reset_password'),
        await aOneTimeToken(stranger, 'verify_email'),
      ];

      await repos.oneTimeTokens.invalidateAll(user.id, 'verify_email', at(1000));

      for (const { purpose, tokenHash } of ended) {
        expect(await repos.oneTimeTokens.findByHash(purpose, tokenHash)).toMatchObject({
          usedAt: at(1000),
        });
      }
      for (const { purpose, tokenHash } of kept) {
        expect(await repos.oneTimeTokens.findByHash(purpose, tokenHash)).toMatchObject({
          usedAt: null,
        });
      }
    });

    it('marks a token used once', async () => {
      const user = await aUser();
      const { tokenHash } = await aOneTimeToken(user, 'reset_password');
      const token = await repos.oneTimeTokens.findByHash('reset_password', tokenHash);
      expect(await repos.oneTimeTokens.markUsed(token!.id, NOW)).toBe(true);
      expect(await repos.oneTimeTokens.markUsed(token!.id, NOW)).toBe(false);
    });
  });

  describe('postgresUnitOfWork', () => {
    it('commits every write of a run that returns', async () => {
      const user = await aUser();
      const slug = `org-${uniqueTag()}`;
      const organization = await postgresUnitOfWork(db).run(async (tx) => {
        const created = await tx.organizations.create({
          id: newId(),
          name: 'Acme',
          slug,
          timezone: 'UTC',
          now: NOW,
        });
        await tx.memberships.add({
          id: newId(),
          organizationId: created.id,
          userId: user.id,
          role: 'owner',
          now: NOW,
        });
        return created;
      });
      expect(await repos.organizations.find(slug)).toEqual(organization);
      expect(await repos.memberships.find(organization.id, user.id)).toMatchObject({
        role: 'owner',
      });
    });

    it('leaves no rows behind when the run throws', async () => {
      const user = await aUser();
      const slug = `org-${uniqueTag()}`;
      const organizationId = newId();
      const failure = new Error('something went wrong after the writes');

      await expect(
        postgresUnitOfWork(db).run(async (tx) => {
          await tx.organizations.create({
            id: organizationId,
            name: 'Acme',
            slug,
            timezone: 'UTC',
            now: NOW,
          });
          await tx.memberships.add({
            id: newId(),
            organizationId,
            userId: user.id,
            role: 'owner',
            now: NOW,
          });
          throw failure;
        }),
      ).rejects.toBe(failure);

      expect(await repos.organizations.find(organizationId)).toBeUndefined();
      expect(await repos.organizations.find(slug)).toBeUndefined();
      expect(await repos.memberships.find(organizationId, user.id)).toBeUndefined();
      // The slug is free again: nothing of the failed run holds it.
      await expect(anOrganization({ slug })).resolves.toMatchObject({ slug });
    });

    it('rolls back when a write inside the run fails, keeping what committed before', async () => {
      const { email } = await aUser();
      const fresh = `person-${uniqueTag()}@example.com`;
      await expect(
        postgresUnitOfWork(db).run(async (tx) => {
          await tx.users.create({
            id: newId(),
            email: fresh,
            name: 'New',
            timezone: 'UTC',
            passwordHash: 'hash',
            now: NOW,
          });
          await tx.users.create({
            id: newId(),
            email,
            name: 'Duplicate',
            timezone: 'UTC',
            passwordHash: 'hash',
            now: NOW,
          });
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await repos.users.findByEmail(fresh)).toBeUndefined();
      expect(await repos.users.findByEmail(email)).toBeDefined();
    });
  });
});
