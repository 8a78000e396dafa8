// API keys as use cases: minting (secret shown once, stored hashed, never above the minter's
// rights), authenticating (strict, one answer for every failure, cached yet revocable at once),
// and revoking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyAuthCacheKey,
  authenticateApiKey,
  constantTimeEqual,
  parseApiKey,
} from '../../../../src/application/access/api-key-auth.js';
import {
  createApiKey,
  newKeyPrefix,
  type CreateApiKeyInput,
} from '../../../../src/application/access/create-api-key.js';
import { getApiKey } from '../../../../src/application/access/get-api-key.js';
import { listApiKeys } from '../../../../src/application/access/list-api-keys.js';
import { revokeApiKey } from '../../../../src/application/access/revoke-api-key.js';
import {
  grantCacheKey,
  resolveAccess,
  type OrganizationAccess,
} from '../../../../src/application/access/resolve-access.js';
import { createOrganization } from '../../../../src/application/organizations/create-organization.js';
import { ROLE_PERMISSIONS, type Permission } from '../../../../src/domain/access/permissions.js';
import type { Cache, CacheMark } from '../../../../src/application/shared/ports.js';
import type { ApiKeyPrincipal } from '../../../../src/domain/identity/principal.js';
import type { Organization } from '../../../../src/domain/organizations/organization.js';
import {
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../../../src/domain/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database.js';
import { uniqueTag } from '../../../support/env.js';
import { aUser, rejectionOf } from '../actors.js';
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

const KEY_SHAPE = /^tf_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/;

async function anOrganization(): Promise<{
  organization: Organization;
  owner: OrganizationAccess;
}> {
  const user = await aUser(deps);
  const { organization } = await createOrganization(deps, user, {
    name: 'Acme',
    slug: `org-${uniqueTag()}`,
  });
  return { organization, owner: await resolveAccess(deps, user, organization.id) };
}

/** The access of a new member holding `role`, added inside the organization's unit of work. */
async function aMember(organization: Organization, role: string): Promise<OrganizationAccess> {
  const user = await aUser(deps);
  await deps.uow.run(
    (tx) =>
      tx.memberships.add({
        id: deps.ids.next(),
        organizationId: organization.id,
        userId: user.userId,
        role,
        now: deps.clock.now(),
      }),
    { organizationId: organization.id },
  );
  return resolveAccess(deps, user, organization.id);
}

async function aCustomRole(organization: Organization, permissions: Permission[]) {
  return deps.uow.run(
    (tx) =>
      tx.roles.create({
        id: deps.ids.next(),
        organizationId: organization.id,
        name: `role-${uniqueTag()}`,
        description: '',
        permissions,
        now: deps.clock.now(),
      }),
    { organizationId: organization.id },
  );
}

const mint = (access: OrganizationAccess, input: Partial<CreateApiKeyInput> = {}) =>
  createApiKey(deps, access, { name: 'CI', role: 'member', ...input });

const auditOf = (organizationId: string, action: string) =>
  deps.uow.run((tx) => tx.audit.list(organizationId, { action }, { limit: 10 }), {
    organizationId,
  });

const storedSecretHash = async (organizationId: string, id: string) =>
  (await deps.uow.run((tx) => tx.apiKeys.findWithSecret(organizationId, id), { organizationId }))
    ?.secretHash;

/** A cache that never holds anything: every authentication goes to the database. */
const noCache: Cache = {
  get: () => Promise.resolve(undefined),
  mark: () => '0' as CacheMark,
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
  ping: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

describe('the key format', () => {
  it('makes 12-character lower-case base32 prefixes', () => {
    const prefixes = new Set(Array.from({ length: 200 }, () => newKeyPrefix(deps.secrets)));
    expect(prefixes.size).toBe(200);
    for (const prefix of prefixes) expect(prefix).toMatch(/^[a-z2-7]{12}$/);
  });

  it('parses strictly, and lets the secret itself contain underscores', () => {
    const secret = `${'a'.repeat(20)}_-${'B'.repeat(21)}`;
    expect(parseApiKey(`tf_abcdefgh2345_${secret}`)).toEqual({ prefix: 'abcdefgh2345', secret });
    for (const bad of [
      'tf_',
      `tf_ABCDEFGH2345_${secret}`,
      `tf_abcdefgh234_${secret}`,
      `tf_abcdefgh2345_${secret.slice(1)}`,
      `tf_abcdefgh2345_${secret}=`,
      `tf_abcdefgh2345_${secret} `,
      `xf_abcdefgh2345_${secret}`,
    ]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('compares digests by content and length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('createApiKey', () => {
  it('returns the whole key once and stores only the hash of its secret', async () => {
    const { organization, owner } = await anOrganization();
    const { key, token } = await mint(owner, { name: '  Deploys  ', role: 'viewer' });

    expect(token).toMatch(KEY_SHAPE);
    const parsed = parseApiKey(token)!;
    expect(key).toMatchObject({
      organizationId: organization.id,
      name: 'Deploys',
      prefix: parsed.prefix,
      role: 'viewer',
      createdBy: owner.grant.actorId,
      createdAt: deps.clock.now(),
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await storedSecretHash(organization.id, key.id)).toBe(deps.secrets.hash(parsed.secret));
    const listed = await listApiKeys(deps, owner, { limit: 50 });
    expect(JSON.stringify(listed)).not.toContain(parsed.secret);
    expect(await getApiKey(deps, owner, key.id)).toEqual(key);
  });

  it('records apikey.created in the audit log, without the secret', async () => {
    const { organization, owner } = await anOrganization();
    const { key, token } = await mint(owner, { name: 'Audited' });

    const [entry, ...others] = await auditOf(organization.id, 'apikey.created');
    expect(others).toHaveLength(0);
    expect(entry).toMatchObject({
      actorType: 'user',
      actorId: owner.grant.actorId,
      targetType: 'api_key',
      targetId: key.id,
      changes: { name: 'Audited', role: 'member', prefix: key.prefix, expires_at: null },
    });
    expect(JSON.stringify(entry)).not.toContain(parseApiKey(token)!.secret);
  });

  it('refuses an unknown role, a blank name and an expiry that is not in the future', async () => {
    const { owner } = await anOrganization();
    const fieldOf = async (input: Partial<CreateApiKeyInput>) => {
      const error = await rejectionOf(mint(owner, input));
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).details.map((d) => d.field);
    };
    expect(await fieldOf({ role: 'boss' })).toEqual(['role']);
    expect(await fieldOf({ role: deps.ids.next() })).toEqual(['role']);
    expect(await fieldOf({ name: '   ' })).toEqual(['name']);
    expect(await fieldOf({ name: 'x'.repeat(101) })).toEqual(['name']);
    expect(await fieldOf({ expiresAt: deps.clock.now() })).toEqual(['expires_at']);
    expect(await fieldOf({ expiresAt: new Date(deps.clock.now().getTime() - 1) })).toEqual([
      'expires_at',
    ]);
  });

  it('lets nobody mint a key above their own rights: an admin cannot mint an owner key', async () => {
    const { organization } = await anOrganization();
    const admin = await aMember(organization, 'admin');

    await expect(mint(admin, { role: 'owner' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(mint(admin, { role: 'admin' })).resolves.toMatchObject({
      key: { role: 'admin' },
    });
  });

  it('refuses callers without apikey:manage', async () => {
    const { organization } = await anOrganization();
    for (const role of ['manager', 'member', 'viewer', 'requester']) {
      const member = await aMember(organization, role);
      await expect(mint(member, { role: 'requester' })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listApiKeys(deps, member, { limit: 50 })).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it('lets a key holding apikey:manage mint keys, recorded as made by that key', async () => {
    const { organization, owner } = await anOrganization();
    const adminKey = await mint(owner, { role: 'admin' });
    const asKey = await authenticateApiKey(deps, adminKey.token);
    const keyAccess = await resolveAccess(deps, asKey, organization.id);

    const { key } = await mint(keyAccess, { role: 'member' });
    expect(key.createdBy).toBe(adminKey.key.id);
    const [entry] = await auditOf(organization.id, 'apikey.created');
    expect(entry).toMatchObject({ actorType: 'apikey', actorId: adminKey.key.id });
    await expect(mint(keyAccess, { role: 'owner' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('keys bound to custom roles', () => {
  it('binds a key to a custom role of the organization, and the key holds exactly its permissions', async () => {
    const { organization, owner } = await anOrganization();
    const permissions: Permission[] = ['project:read', 'task:read:any', 'organization:read'];
    const role = await aCustomRole(organization, permissions);

    const { token } = await mint(owner, { role: role.id });
    const access = await resolveAccess(
      deps,
      await authenticateApiKey(deps, token),
      organization.id,
    );
    expect(access.grant.role).toBe(role.id);
    expect([...access.grant.permissions].sort()).toEqual([...permissions].sort());
  });

  it('refuses another organization’s custom role as unknown', async () => {
    const { owner } = await anOrganization();
    const other = await anOrganization();
    const role = await aCustomRole(other.organization, ['organization:read']);

    const error = await rejectionOf(mint(owner, { role: role.id }));
    expect(error).toBeInstanceOf(ValidationError);
  });

  it('lets a key managing keys mint only roles within its own', async () => {
    const { organization, owner } = await anOrganization();
    const keyManager = await aCustomRole(organization, [
      'apikey:manage',
      'organization:read',
      'project:read',
    ]);
    const narrow = await aCustomRole(organization, ['organization:read', 'project:read']);
    const { token } = await mint(owner, { role: keyManager.id });
    const access = await resolveAccess(
      deps,
      await authenticateApiKey(deps, token),
      organization.id,
    );

    await expect(mint(access, { role: 'viewer' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(mint(access, { role: narrow.id })).resolves.toMatchObject({
      key: { role: narrow.id },
    });
  });

  it('keeps owner keys to owners, even for a custom role holding every permission', async () => {
    const { organization } = await anOrganization();
    const everything = await aCustomRole(organization, [...ROLE_PERMISSIONS.owner]);
    const nearlyOwner = await aMember(organization, everything.id);

    await expect(mint(nearlyOwner, { role: 'owner' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(mint(nearlyOwner, { role: everything.id })).resolves.toBeDefined();
  });
});

describe('listApiKeys', () => {
  it('pages through the organization’s keys only, oldest first', async () => {
    const { owner } = await anOrganization();
    const other = await anOrganization();
    await mint(other.owner);
    const minted = [await mint(owner), await mint(owner), await mint(owner)];

    const first = await listApiKeys(deps, owner, { limit: 2 });
    expect(first.items.map((k) => k.id)).toEqual(minted.slice(0, 2).map((m) => m.key.id));
    expect(first.nextCursor).toBe(minted[1]!.key.id);
    const second = await listApiKeys(deps, owner, { limit: 2, after: first.nextCursor! });
    expect(second.items.map((k) => k.id)).toEqual([minted[2]!.key.id]);
    expect(second.nextCursor).toBeNull();
  });
});

describe('authenticateApiKey', () => {
  it('turns a key into a service account of its organization with its role', async () => {
    const { organization, owner } = await anOrganization();
    const { key, token } = await mint(owner, { role: 'viewer' });

    expect(await authenticateApiKey(deps, token)).toEqual({
      kind: 'apikey',
      keyId: key.id,
      organizationId: organization.id,
      role: 'viewer',
    } satisfies ApiKeyPrincipal);
  });

  it('answers every bad key with the same error', async () => {
    const { owner } = await anOrganization();
    const { token } = await mint(owner);
    const { prefix, secret } = parseApiKey(token)!;
    const otherSecret = deps.secrets.generate();

    const bad = [
      'tf_',
      'tf_nonsense',
      `tf_${prefix}_${secret.slice(0, -1)}`,
      `tf_${prefix}_${otherSecret}`,
      `tf_${newKeyPrefix(deps.secrets)}_${secret}`,
      `tf_${prefix.toUpperCase()}_${secret}`,
    ];
    const messages = new Set<string>();
    for (const bearer of bad) {
      const error = await rejectionOf(authenticateApiKey(deps, bearer));
      expect(error).toBeInstanceOf(UnauthenticatedError);
      messages.add((error as Error).message);
    }
    expect([...messages]).toEqual(['Invalid API key']);
  });

  it('stops working once expired, even from cache', async () => {
    const { owner } = await anOrganization();
    const { token } = await mint(owner, {
      expiresAt: new Date(deps.clock.now().getTime() + 60_000),
    });
    await authenticateApiKey(deps, token); // now cached

    deps.clock.advance(60_000);
    await expect(authenticateApiKey(deps, token)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(authenticateApiKey({ ...deps, cache: noCache }, token)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('writes last_used_at on use, at most once a minute', async () => {
    const { organization, owner } = await anOrganization();
    const { key, token } = await mint(owner);
    const uncached = { ...deps, cache: noCache };
    const lastUsed = async () =>
      (await deps.uow.run((tx) => tx.apiKeys.find(organization.id, key.id), {
        organizationId: organization.id,
      }))!.lastUsedAt;

    const firstUse = deps.clock.now();
    await authenticateApiKey(uncached, token);
    expect(await lastUsed()).toEqual(firstUse);

    deps.clock.advance(59_000);
    await authenticateApiKey(uncached, token);
    expect(await lastUsed()).toEqual(firstUse);

    deps.clock.advance(1_000);
    await authenticateApiKey(uncached, token);
    expect(await lastUsed()).toEqual(deps.clock.now());
  });
});

describe('revokeApiKey', () => {
  it('ends the key on the very next request, though its lookup and grant were cached', async () => {
    const { organization, owner } = await anOrganization();
    const { key, token } = await mint(owner);
    const principal = await authenticateApiKey(deps, token);
    await resolveAccess(deps, principal, organization.id);
    const secretHash = (await storedSecretHash(organization.id, key.id))!;
    expect(await deps.cache.get(apiKeyAuthCacheKey(secretHash))).toBeDefined();
    expect(await deps.cache.get(grantCacheKey(organization.id, key.id))).toBeDefined();

    await revokeApiKey(deps, owner, key.id);

    await expect(authenticateApiKey(deps, token)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(await deps.cache.get(grantCacheKey(organization.id, key.id))).toBeUndefined();
    expect(await getApiKey(deps, owner, key.id)).toMatchObject({ revokedAt: deps.clock.now() });
  });

  it('records apikey.revoked, and answers 404 to a second revoke', async () => {
    const { organization, owner } = await anOrganization();
    const { key } = await mint(owner, { name: 'Short-lived' });

    await revokeApiKey(deps, owner, key.id);
    await expect(revokeApiKey(deps, owner, key.id)).rejects.toBeInstanceOf(NotFoundError);

    const entries = await auditOf(organization.id, 'apikey.revoked');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorId: owner.grant.actorId,
      targetType: 'api_key',
      targetId: key.id,
      changes: { name: 'Short-lived', prefix: key.prefix },
    });
  });

  it('cannot reach another organization’s key', async () => {
    const { owner } = await anOrganization();
    const other = await anOrganization();
    const { key, token } = await mint(other.owner);

    await expect(revokeApiKey(deps, owner, key.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getApiKey(deps, owner, key.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(authenticateApiKey(deps, token)).resolves.toMatchObject({ keyId: key.id });
  });
});
