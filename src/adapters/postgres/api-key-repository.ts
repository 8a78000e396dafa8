// API keys: hashed secrets bound to a role in one organization, with a global prefix lookup.
import type { ApiKeyRepository } from '../../application/access/ports.js';
import type { Db } from './database.js';

export function postgresApiKeyRepository(_db: Db): ApiKeyRepository {
  // Placeholder while the area is built: every call rejects.
  return new Proxy({} as ApiKeyRepository, {
    get: () => () => Promise.reject(new Error('TODO(access-control): postgresApiKeyRepository')),
  });
}
