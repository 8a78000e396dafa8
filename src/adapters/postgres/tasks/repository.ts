// The PostgreSQL task repository, assembled from the files of this folder.
// Tasks. A read joins the project (for the key), the status (for its category), the type (for its
// name) and the labels, so one query answers one task or one page. Numbers come from the project
// row (gapless); positions from the column, under a per-column lock that creations and moves share.
import type { TaskRepository } from '../../../application/tasks/ports.js';
import type { Db } from '../database.js';
import { postgresTaskCommentRepository } from '../task-comment-repository.js';
import { postgresTaskHistoryRepository } from '../task-history-repository.js';
import { postgresTaskRelationRepository } from '../task-relation-repository.js';
import { postgresTaskWatcherRepository } from '../task-watcher-repository.js';
import { taskLists } from './list.js';
import { taskPlacement } from './placement.js';
import { taskQueries, taskReads } from './reads.js';
import { taskTree } from './tree.js';
import { taskWrites } from './writes.js';

export function postgresTaskRepository(db: Db): TaskRepository {
  const queries = taskQueries(db);
  return {
    ...taskReads(queries),
    ...taskWrites(db, queries),
    ...taskPlacement(db),
    ...taskTree(db),
    ...taskLists(db, queries),
    history: postgresTaskHistoryRepository(db),
    comments: postgresTaskCommentRepository(db),
    watchers: postgresTaskWatcherRepository(db),
    relations: postgresTaskRelationRepository(db),
  };
}
