// Creating, changing, deleting an organization's webhook endpoints and rotating their secrets.
// The signing secret is shown once, at creation and at each rotation; after a rotation the
// previous one keeps signing for an overlap window, so receivers can switch without a gap.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound, PreconditionFailedError, ValidationError } from '../../domain/shared/errors.js';
import {
  validatedWebhookFields,
  type WebhookEndpoint,
  type WebhookFields,
} from '../../domain/webhooks/webhook.js';
import { changesBetween, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { SecretTokens } from '../identity/ports.js';

type ManageDeps = Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets' | 'webhooks'>;

export interface CreatedWebhook {
  readonly endpoint: WebhookEndpoint;
  /** `whsec_…`: returned this once. */
  readonly secret: string;
}

/**
 * A Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (the signers decode plain
 * base64, so the token's base64url is turned back into it).
 */
export function newWebhookSecret(secrets: Pick<SecretTokens, 'generate'>): string {
  const base64 = secrets.generate().replace(/-/g, '+').replace(/_/g, '/');
  return `whsec_${base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')}`;
}

/** The URL's rules, then where it points (refused: private networks, unless allowed). */
async function checkedUrl(deps: Pick<Deps, 'webhooks'>, url: string | undefined): Promise<void> {
  if (url === undefined) return;
  const problem = await deps.webhooks.urlGuard.check(url);
  if (problem !== undefined) throw ValidationError.field('url', problem);
}

export async function createWebhook(
  deps: ManageDeps,
  access: OrganizationAccess,
  input: WebhookFields & { readonly url: string; readonly events: readonly string[] },
): Promise<CreatedWebhook> {
  authorize(access.grant, 'webhook:manage');
  const fields = validatedWebhookFields(input);
  await checkedUrl(deps, fields.url);
  const organizationId = access.organization.id;
  const secret = newWebhookSecret(deps.secrets);
  const endpoint = await inOrganization(deps, access, async (tx) => {
    const created = await tx.webhooks.create({
      id: deps.ids.next(),
      organizationId,
      url: fields.url!,
      description: fields.description ?? '',
      events: fields.events!,
      active: fields.active ?? true,
      secret,
      createdBy: actorIdOf(access.principal),
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: created.id,
      changes: { url: created.url, events: created.events, active: created.active },
    });
    return created;
  });
  return { endpoint, secret };
}

export async function updateWebhook(
  deps: ManageDeps,
  access: OrganizationAccess,
  id: string,
  input: WebhookFields & { readonly expectedVersion?: number | undefined },
): Promise<WebhookEndpoint> {
  authorize(access.grant, 'webhook:manage');
  const fields = validatedWebhookFields(input);
  if (Object.keys(fields).length === 0) throw ValidationError.field('body', 'Nothing to change');
  await checkedUrl(deps, fields.url);
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before =
      (await tx.webhooks.find(organizationId, id, { lock: true })) ?? notFound('webhook');
    const after = { ...before, ...fields };
    const diff = changesBetween(before, after, ['url', 'description', 'active']);
    if (fields.events !== undefined && fields.events.join() !== before.events.join()) {
      diff.events = { from: before.events, to: fields.events };
    }
    const expected = input.expectedVersion;
    if (Object.keys(diff).length === 0) {
      if (expected !== undefined && before.version !== expected) {
        throw new PreconditionFailedError();
      }
      return before;
    }
    const updated =
      (await tx.webhooks.update(organizationId, id, fields, deps.clock.now(), expected)) ??
      notFound('webhook');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'webhook.updated',
      targetType: 'webhook',
      targetId: id,
      changes: diff,
    });
    return updated;
  });
}

/** Deletes the endpoint and its delivery log; what was still to send is dropped. */
export async function deleteWebhook(
  deps: ManageDeps,
  access: OrganizationAccess,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'webhook:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const found = (await tx.webhooks.find(organizationId, id)) ?? notFound('webhook');
    if (!(await tx.webhooks.delete(organizationId, id, expectedVersion))) notFound('webhook');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'webhook.deleted',
      targetType: 'webhook',
      targetId: id,
      changes: { url: found.url },
    });
  });
}

/** A new secret (shown once); the current one keeps signing for the overlap window. */
export async function rotateWebhookSecret(
  deps: ManageDeps,
  access: OrganizationAccess,
  id: string,
): Promise<CreatedWebhook> {
  authorize(access.grant, 'webhook:manage');
  const organizationId = access.organization.id;
  const secret = newWebhookSecret(deps.secrets);
  const now = deps.clock.now();
  const previousUntil = new Date(now.getTime() + deps.webhooks.secretOverlapMs);
  const endpoint = await inOrganization(deps, access, async (tx) => {
    const rotated =
      (await tx.webhooks.rotateSecret(organizationId, id, secret, previousUntil, now)) ??
      notFound('webhook');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'webhook.secret_rotated',
      targetType: 'webhook',
      targetId: id,
      changes: { previous_secret_expires_at: previousUntil.toISOString() },
    });
    return rotated;
  });
  return { endpoint, secret };
}
