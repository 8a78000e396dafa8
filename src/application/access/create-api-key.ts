// Minting an API key (the secret is shown once).
import { authorize } from '../../domain/access/authorize.js';
import { isBuiltInRole } from '../../domain/access/permissions.js';
import { assertMayAssignRole } from '../../domain/access/role-assignment.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { ValidationError } from '../../domain/shared/errors.js';
import type { SecretTokens } from '../identity/ports.js';
import type { Deps } from '../deps.js';
import { formatApiKey } from './api-key-auth.js';
import { recordAudit } from './audit.js';
import type { ApiKey } from './ports.js';
import { inOrganization, permissionsOfRole, type OrganizationAccess } from './resolve-access.js';
import { isUuid } from '../../domain/shared/id.js';

export const API_KEY_NAME_MAX_LENGTH = 100;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

const PREFIX_LENGTH = 12;

/**
 * A fresh public prefix: 12 lower-case base32 characters. Each base64url character of a random
 * token carries 6 uniform bits; keeping the low 5 keeps them uniform (no modulo bias).
 */
export function newKeyPrefix(secrets: Pick<SecretTokens, 'generate'>): string {
  const random = secrets.generate();
  let prefix = '';
  for (let i = 0; i < PREFIX_LENGTH; i++) {
    prefix += BASE32.charAt(BASE64URL.indexOf(random.charAt(i)) & 31);
  }
  return prefix;
}

export interface CreateApiKeyInput {
  readonly name: string;
  /** A built-in role name or the id of one of the organization's custom roles. */
  readonly role: string;
  readonly expiresAt?: Date | undefined;
}

export interface CreatedApiKey {
  readonly key: ApiKey;
  /** `tf_<prefix>_<secret>`: returned this once, never stored. */
  readonly token: string;
}

/**
 * Mints a key bound to a role. The caller must hold every permission of that role (and only an
 * owner mints owner keys), so nobody — person or key — can mint a key above their own rights.
 */
export async function createApiKey(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets'>,
  access: OrganizationAccess,
  input: CreateApiKeyInput,
): Promise<CreatedApiKey> {
  authorize(access.grant, 'apikey:manage');
  const name = input.name.trim();
  if (name.length === 0 || name.length > API_KEY_NAME_MAX_LENGTH) {
    throw ValidationError.field('name', `1–${API_KEY_NAME_MAX_LENGTH} characters`);
  }
  const now = deps.clock.now();
  if (input.expiresAt !== undefined && input.expiresAt <= now) {
    throw ValidationError.field('expires_at', 'Must be in the future');
  }
  const organizationId = access.organization.id;
  const prefix = newKeyPrefix(deps.secrets);
  const secret = deps.secrets.generate();

  const key = await inOrganization(deps, access, async (tx) => {
    // A custom role id is a UUID; checking the shape first keeps a stray name out of a uuid query.
    const permissions =
      isBuiltInRole(input.role) || isUuid(input.role)
        ? await permissionsOfRole(tx, organizationId, input.role)
        : undefined;
    if (permissions === undefined) {
      throw ValidationError.field(
        'role',
        'Not a built-in role or a custom role of this organization',
      );
    }
    // A key acts with exactly its role's permissions, so minting one is handing out that role.
    assertMayAssignRole(access.grant, null, { role: input.role, permissions });
    const created = await tx.apiKeys.create({
      id: deps.ids.next(),
      organizationId,
      name,
      prefix,
      secretHash: deps.secrets.hash(secret),
      role: input.role,
      createdBy: actorIdOf(access.principal),
      now,
      expiresAt: input.expiresAt ?? null,
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'apikey.created',
      targetType: 'api_key',
      targetId: created.id,
      changes: {
        name,
        prefix,
        role: input.role,
        expires_at: created.expiresAt?.toISOString() ?? null,
      },
    });
    return created;
  });
  return { key, token: formatApiKey(prefix, secret) };
}
