// An event as every reader outside the process sees it: the events feed's items and the `data`
// of a realtime `event` message are this same object.
import type { DomainEvent } from '../../domain/events/event.js';

export function presentEvent(event: DomainEvent) {
  return {
    id: event.id,
    type: event.type,
    organization_id: event.organizationId,
    project_id: event.projectId,
    subject: event.subject,
    actor: event.actor,
    data: event.change,
    request_id: event.requestId,
    occurred_at: event.occurredAt.toISOString(),
  };
}
