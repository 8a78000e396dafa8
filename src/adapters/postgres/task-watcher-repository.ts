// Task watchers (filled in by the watchers feature).
import type { TaskWatcherRepository } from '../../application/tasks/watchers-ports.js';
import type { Db } from './database.js';

export function postgresTaskWatcherRepository(_db: Db): TaskWatcherRepository {
  return {};
}
