// The public status lookup: what a task's tracking code shows to anyone, without an account, and
// how a member revokes a code by drawing a new one.
import { ConflictError, NotFoundError, RateLimitedError } from '../../domain/shared/errors.js';
import { normalizeTrackingCode } from '../../domain/tasks/tracking-code.js';
import type { Task } from '../../domain/tasks/task.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { PublicTaskStatus } from './ports.js';
import { recordHistory } from './history.js';
import { writableTask } from './write-access.js';

/** One answer for every code that shows nothing: unknown, revoked, private, deleted, malformed. */
const NO_SUCH_CODE = 'tracking code';

/**
 * The public status of the task `rawCode` names. Every lookup counts against the client address's
 * limit first (429 over it), found or not: guessing costs the same as looking up. A code that shows
 * nothing answers one NotFoundError, from one statement, whatever the reason.
 */
export async function lookUpPublicStatus(
  deps: Pick<Deps, 'repos' | 'publicStatusLimit'>,
  input: { readonly code: string; readonly ip: string | undefined },
): Promise<PublicTaskStatus> {
  const decision = await deps.publicStatusLimit.consume(input.ip ?? 'unknown');
  if (!decision.allowed) {
    throw new RateLimitedError(decision.resetSeconds, 'Too many lookups; try again later');
  }
  // A malformed code still runs the statement (with a code no row can hold): the same work, and so
  // about the same time, as any other code that shows nothing.
  const code = normalizeTrackingCode(input.code) ?? '';
  return (await deps.repos.tasks.publicStatus(code)) ?? throwNoSuchCode();
}

function throwNoSuchCode(): never {
  throw new NotFoundError(NO_SUCH_CODE);
}

/**
 * Revokes the task's tracking code by drawing a new one (task:update on the task, If-Match
 * honoured). Only while its project has public_lookup: a private project's task shows no code.
 */
export async function regenerateTrackingCode(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  taskRef: string,
  expectedVersion?: number,
): Promise<Task> {
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before = await writableTask(deps, tx, access, taskRef, 'task:update', expectedVersion);
    if (before.trackingCode === null) {
      throw new ConflictError('The task has no tracking code: its project has no public lookup');
    }
    const after = await tx.tasks.regenerateTrackingCode(
      organizationId,
      before.id,
      deps.clock.now(),
    );
    const changes = { tracking_code: { from: before.trackingCode, to: after.trackingCode } };
    await recordHistory(deps, tx, access, after, 'updated', changes);
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'task.updated',
      targetType: 'task',
      targetId: after.id,
      about: aboutTask(after),
      changes,
    });
    return after;
  });
}
