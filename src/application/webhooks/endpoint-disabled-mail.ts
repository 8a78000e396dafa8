// Telling an organization's owners and admins that the worker disabled one of its webhook
// endpoints: a mail job each, enqueued in one transaction (sent by the job runner, with retries).
// A failure here is logged by the caller: the endpoint stays disabled either way.
import { enqueueEmail } from '../jobs/email.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import type { UnitOfWork } from '../shared/unit-of-work.js';
import type { ClaimedDelivery } from './ports.js';

export async function mailEndpointDisabled(
  deps: { readonly uow: UnitOfWork; readonly ids: IdGenerator; readonly clock: Clock },
  delivery: Pick<ClaimedDelivery, 'organizationId' | 'endpointId' | 'url'>,
  disableAfterDays: number,
): Promise<void> {
  const organizationId = delivery.organizationId;
  const text =
    `The webhook endpoint ${delivery.url} (id ${delivery.endpointId}) has failed every delivery ` +
    `for ${disableAfterDays} days and was disabled. Deliveries wait, and are sent again once ` +
    `you set it active (PATCH /organizations/${organizationId}/webhooks/` +
    `${delivery.endpointId} with {"active": true}).`;
  await deps.uow.run(
    async (tx) => {
      for (const to of await tx.webhooks.adminEmails(organizationId)) {
        await enqueueEmail(
          deps,
          tx,
          { to, subject: 'A webhook endpoint was disabled', text },
          organizationId,
        );
      }
    },
    { organizationId },
  );
}
