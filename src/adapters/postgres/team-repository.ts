// Teams (departments) and their members.
import type { TeamRepository } from '../../application/access/ports.js';
import type { Db } from './database.js';

export function postgresTeamRepository(_db: Db): TeamRepository {
  // Placeholder while the area is built: every call rejects.
  return new Proxy({} as TeamRepository, {
    get: () => () => Promise.reject(new Error('TODO(access-control): postgresTeamRepository')),
  });
}
