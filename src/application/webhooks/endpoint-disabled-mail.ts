// Telling an organization's owners and admins that the worker disabled one of its webhook
// endpoints. One small function, so that the mail can move onto a jobs queue later unchanged for
// its callers. A mail that fails is logged by the caller: the endpoint stays disabled either way.
import type { Mailer } from '../identity/ports.js';
import type { UnitOfWork } from '../shared/unit-of-work.js';
import type { ClaimedDelivery } from './ports.js';

export async function mailEndpointDisabled(
  deps: { readonly uow: UnitOfWork; readonly mailer: Mailer },
  delivery: Pick<ClaimedDelivery, 'organizationId' | 'endpointId' | 'url'>,
  disableAfterDays: number,
): Promise<void> {
  const recipients = await deps.uow.run((tx) => tx.webhooks.adminEmails(delivery.organizationId), {
    organizationId: delivery.organizationId,
  });
  const text =
    `The webhook endpoint ${delivery.url} (id ${delivery.endpointId}) has failed every delivery ` +
    `for ${disableAfterDays} days and was disabled. Deliveries wait, and are sent again once ` +
    `you set it active (PATCH /organizations/${delivery.organizationId}/webhooks/` +
    `${delivery.endpointId} with {"active": true}).`;
  for (const to of recipients) {
    await deps.mailer.send({ to, subject: 'A webhook endpoint was disabled', text });
  }
}
