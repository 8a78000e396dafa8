// Reading an organization's webhook endpoints and their delivery logs (webhook:manage: an
// endpoint's URL and its receiver's answers are the organization's integrations' business).
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { WebhookEndpoint } from '../../domain/webhooks/webhook.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { pageOf } from '../shared/page.js';
import type { DeliveryCursor, WebhookDelivery } from './ports.js';

export async function listWebhooks(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<{ items: WebhookEndpoint[]; next: string | null }> {
  authorize(access.grant, 'webhook:manage');
  const rows = await inOrganization(deps, access, (tx) =>
    tx.webhooks.list(access.organization.id, { limit: page.limit + 1, after: page.after }),
  );
  return pageOf(rows, page.limit, (last) => last.id);
}

export async function getWebhook(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<WebhookEndpoint> {
  authorize(access.grant, 'webhook:manage');
  const found = await inOrganization(deps, access, (tx) =>
    tx.webhooks.find(access.organization.id, id),
  );
  return found ?? notFound('webhook');
}

/** The endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  endpointId: string,
  page: { readonly limit: number; readonly after?: DeliveryCursor | undefined },
): Promise<{ items: WebhookDelivery[]; next: DeliveryCursor | null }> {
  authorize(access.grant, 'webhook:manage');
  const organizationId = access.organization.id;
  const rows = await inOrganization(deps, access, async (tx) => {
    if (!(await tx.webhooks.find(organizationId, endpointId))) notFound('webhook');
    return tx.webhooks.deliveries(organizationId, endpointId, {
      limit: page.limit + 1,
      after: page.after,
    });
  });
  return pageOf(rows, page.limit, (last) => ({ createdAt: last.createdAt, id: last.id }));
}

export async function getDelivery(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  endpointId: string,
  id: string,
): Promise<WebhookDelivery> {
  authorize(access.grant, 'webhook:manage');
  const found = await inOrganization(deps, access, (tx) =>
    tx.webhooks.delivery(access.organization.id, endpointId, id),
  );
  return found ?? notFound('delivery');
}
