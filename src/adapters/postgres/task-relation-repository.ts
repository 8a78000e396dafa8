// Task relations (filled in by the relations feature).
import type { TaskRelationRepository } from '../../application/tasks/relations-ports.js';
import type { Db } from './database.js';

export function postgresTaskRelationRepository(_db: Db): TaskRelationRepository {
  return {};
}
