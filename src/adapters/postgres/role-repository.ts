// Custom roles: named permission sets of one organization.
import type { RoleRepository } from '../../application/access/ports.js';
import type { Db } from './database.js';

export function postgresRoleRepository(_db: Db): RoleRepository {
  // Placeholder while the area is built: every call rejects.
  return new Proxy({} as RoleRepository, {
    get: () => () => Promise.reject(new Error('TODO(access-control): postgresRoleRepository')),
  });
}
