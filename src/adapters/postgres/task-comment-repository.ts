// Task comments (filled in by the comments feature).
import type { TaskCommentRepository } from '../../application/tasks/comments-ports.js';
import type { Db } from './database.js';

export function postgresTaskCommentRepository(_db: Db): TaskCommentRepository {
  return {};
}
