// Where an event about a task goes in the readers' order (src/adapters/postgres/event-log-repository.ts,
// migration 2026_12_05_0017), on PostgreSQL and PGlite: after every earlier event of the task, its
// comments' included, even one at a greater tx_id than the appending transaction's id; other
// events at their transaction's id. An earlier event at a greater tx_id is what a transaction
// with a later id leaves when it commits first (test/integration/http/event-task-order.test.ts
// makes one through the API, on PostgreSQL); here it is written directly, which one connection
// can do too. And the lookup is one probe of the migration's index.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskEventTxId } from '../../../src/adapters/postgres/event-log-repository.js';
import { postgresUnitOfWork } from '../../../src/adapters/postgres/unit-of-work.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import { isBefore, type EventPosition } from '../../../src/application/events/ports.js';
import type { UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { DomainEvent } from '../../../src/domain/events/event.js';
import { taskOfEvent } from '../../../src/domain/events/realtime.js';
import { anEvent } from '../../support/builders/events.js';
import { repositoryBuilders } from '../../support/builders/repositories.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const newId = () => uuidV7Ids.next();

let database: TestDatabase;
let uow: UnitOfWork;
const { anOrganization } = repositoryBuilders(() => uow, NOW);

beforeAll(async () => {
  database = await createTestDatabase();
  uow = postgresUnitOfWork(database.handle.db, {
    pipelined: database.handle.pipelined,
    scopedRead: database.handle.scopedRead,
  });
});
afterAll(async () => {
  await database?.close();
});

const aboutTask = (org: string, taskId: string, fields: Partial<DomainEvent> = {}) =>
  anEvent(org, {
    type: 'task.updated',
    subject: { type: 'task', id: taskId, key: 'RE-7' },
    ...fields,
  });

const aComment = (org: string, taskId: string) =>
  anEvent(org, {
    type: 'comment.created',
    subject: { type: 'comment', id: newId(), key: 'RE-7' },
    change: { task_id: taskId, task_key: 'RE-7' },
  });

/**
 * Writes `event` at a tx_id far above its transaction's id, as the greatest of its task's (where a
 * later transaction that committed first would have left it), and answers that tx_id.
 */
async function writeAboveEveryTransaction(event: DomainEvent): Promise<bigint> {
  return database.handle.db.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${event.organizationId}, true)`.execute(trx);
    const { rows } = await sql<{ tx_id: string }>`
      INSERT INTO events (organization_id, id, tx_id, type, subject_type, subject_id, subject_key,
        actor_type, actor_id, change, occurred_at, task_id)
      VALUES (${event.organizationId}, ${event.id},
        (pg_current_xact_id()::text::bigint + 1000000)::text::xid8, ${event.type},
        ${event.subject.type}, ${event.subject.id}, ${event.subject.key}, ${event.actor.type},
        ${event.actor.id}, ${JSON.stringify(event.change)}, ${event.occurredAt},
        ${taskOfEvent(event)})
      RETURNING tx_id::text
    `.execute(trx);
    return BigInt(rows[0]!.tx_id);
  });
}

const positionOf = async (event: DomainEvent): Promise<EventPosition> => {
  const org = event.organizationId;
  const position = await uow.read((tx) => tx.events.positionOf(org, event.id), {
    organizationId: org,
  });
  return position!;
};

describe('an event about a task', () => {
  it('comes after every earlier event of the task, its comments’ included, whatever its transaction’s id', async () => {
    const org = await anOrganization();
    const task = newId();
    const other = newId();
    const earlier = aComment(org, task);
    const greatest = await writeAboveEveryTransaction(earlier);
    // The task's own event and a comment's follow the comment; a relation event about the task
    // names another task in its change, which stays where its own transaction is, as does an
    // event about no task.
    const updated = aboutTask(org, task);
    const commented = aComment(org, task);
    const related = aboutTask(org, task, {
      type: 'relation.added',
      change: { relation_id: newId(), type: 'blocks', task_id: other },
    });
    const ofOther = aboutTask(org, other);
    const project = anEvent(org, {
      type: 'project.updated',
      subject: { type: 'project', id: newId(), key: 'RE' },
    });
    await uow.run(
      async (tx) => {
        for (const event of [updated, commented, related, ofOther, project]) {
          await tx.events.append(event);
        }
      },
      { organizationId: org },
    );
    const [first, ofTask, ofComment, ofRelation, ofOtherTask, ofProject] = await Promise.all(
      [earlier, updated, commented, related, ofOther, project].map(positionOf),
    );
    // The task's: at the greatest tx_id, after the earlier one, in the order they were appended.
    const taskOrder = [first!, ofTask!, ofComment!, ofRelation!];
    for (const position of taskOrder.slice(1)) expect(BigInt(position.txId)).toBe(greatest);
    for (let i = 1; i < taskOrder.length; i += 1) {
      expect(isBefore(taskOrder[i - 1]!, taskOrder[i]!)).toBe(true);
    }
    // The others: at the transaction's own id.
    expect(BigInt(ofOtherTask!.txId)).toBeLessThan(greatest);
    expect(ofProject!.txId).toBe(ofOtherTask!.txId);
  });

  it('finds the task’s latest event with one probe of the migration’s index', async () => {
    const org = await anOrganization();
    const plan = await database.handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.organization_id', ${org}, true)`.execute(trx);
      // Enough of the organization's events that reading them in order is not as cheap: events
      // of a thousand tasks, a few each.
      await sql`
        INSERT INTO events (organization_id, id, type, subject_type, subject_id, actor_type,
          actor_id, occurred_at, task_id)
        SELECT ${org}, gen_random_uuid(), 'task.updated', 'task', t.id::text, 'user',
          gen_random_uuid(), now(), t.id
        FROM generate_series(1, 5000) n, LATERAL (SELECT md5((n % 1000)::text)::uuid AS id) t
      `.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`
        EXPLAIN SELECT ${taskEventTxId(org, newId())}
      `.execute(trx);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    // The index, probed by organization and task (a scan of it, bitmap or in order, whichever the
    // planner's estimates of a table never analyzed prefer).
    expect(plan).toContain('events_task_idx');
    expect(plan).toMatch(/Index Cond: \(\(organization_id = .*\) AND \(task_id = /);
  });
});
