// Projects, their workflow statuses and task types. Being built.
import type { ProjectRepository } from '../../application/projects/ports.js';
import type { Db } from './database.js';

export function postgresProjectRepository(_db: Db): ProjectRepository {
  return {};
}
