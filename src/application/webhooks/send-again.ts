// Asking for a delivery now: a delivery sent again (redeliver) and a test ping. Both are due at
// once and go out through the worker like any other (signed, retried, logged); the worker is
// nudged when the request commits. Both are audited (webhook.redelivered, webhook.pinged), with
// the delivery's id.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { WebhookDelivery } from './ports.js';

/**
 * Sends the delivery again with the same `webhook-id` and body, whatever its status: a fresh
 * round of retries starts now. Its attempts go on in the same log.
 */
export async function redeliver(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  endpointId: string,
  id: string,
): Promise<WebhookDelivery> {
  authorize(access.grant, 'webhook:manage');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const delivery =
      (await tx.webhooks.redeliver(organizationId, endpointId, id, deps.clock.now())) ??
      notFound('delivery');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'webhook.redelivered',
      targetType: 'webhook',
      targetId: endpointId,
      changes: { delivery_id: delivery.id, event_type: delivery.eventType },
    });
    return delivery;
  });
}

/** A `webhook.ping` event to the endpoint, to try it (active or not: it is sent once active). */
export async function pingWebhook(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  endpointId: string,
): Promise<WebhookDelivery> {
  authorize(access.grant, 'webhook:manage');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const endpoint = (await tx.webhooks.find(organizationId, endpointId)) ?? notFound('webhook');
    const delivery = await tx.webhooks.enqueuePing(endpoint, {
      id: deps.ids.next(),
      actor: { type: access.principal.kind, id: actorIdOf(access.principal) },
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'webhook.pinged',
      targetType: 'webhook',
      targetId: endpoint.id,
      changes: { delivery_id: delivery.id },
    });
    return delivery;
  });
}
