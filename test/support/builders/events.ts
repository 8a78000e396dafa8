// A domain event as a write would raise it: a task created in some project, at `occurredAt`.
// Tests of the event log, the outbox, the bus and the worker vary what they look at.
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { DomainEvent } from '../../../src/domain/events/event.js';

export const EVENT_TIME = new Date('2026-03-01T12:00:00.000Z');

export function anEvent(organizationId: string, fields: Partial<DomainEvent> = {}): DomainEvent {
  return {
    id: uuidV7Ids.next(),
    type: 'task.created',
    organizationId,
    subject: { type: 'task', id: uuidV7Ids.next(), key: 'RE-1' },
    actor: { type: 'user', id: uuidV7Ids.next() },
    change: { title: { from: null, to: 'A title' } },
    occurredAt: EVENT_TIME,
    projectId: uuidV7Ids.next(),
    assigneeId: null,
    reporterId: uuidV7Ids.next(),
    requestId: 'req-1',
    ...fields,
  };
}
