// A comment on a task: who wrote it, what it says, and who may change it. Authors edit and delete
// their own; `comment:update:any` / `comment:delete:any` (managers and up) change anyone's.
import { can, type Grant } from '../access/authorize.js';
import { ForbiddenError, ValidationError } from '../shared/errors.js';

export interface TaskComment {
  readonly id: string;
  readonly organizationId: string;
  readonly taskId: string;
  /** The user or API key that wrote it. */
  readonly authorId: string;
  readonly body: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const COMMENT_BODY_MAX_LENGTH = 20_000;

/** Lengths count characters (code points), as the database's char_length does. */
const lengthOf = (text: string) => [...text].length;

/** The body, trimmed; 1–20000 characters. */
export function commentBody(raw: string, field = 'body'): string {
  const body = raw.trim();
  if (body.length === 0) throw ValidationError.field(field, 'Must not be empty');
  if (lengthOf(body) > COMMENT_BODY_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${COMMENT_BODY_MAX_LENGTH} characters`);
  }
  return body;
}

export type CommentChange = 'update' | 'delete';

/**
 * Every comment write takes `comment:create` (whoever may not comment changes no comment, not even
 * one written before a demotion); changing someone else's also takes `comment:<change>:any`.
 * ForbiddenError otherwise.
 */
export function assertMayChangeComment(
  grant: Grant,
  comment: Pick<TaskComment, 'authorId'>,
  change: CommentChange,
): void {
  if (!can(grant, 'comment:create')) throw new ForbiddenError('Missing permission comment:create');
  if (comment.authorId === grant.actorId || can(grant, `comment:${change}`)) return;
  throw new ForbiddenError(`Only the author, or comment:${change}:any, may ${change} this comment`);
}
