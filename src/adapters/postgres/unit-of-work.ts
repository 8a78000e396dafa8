// Binds every repository to one Kysely handle: the pool for plain calls, a transaction inside run().
import type { Repositories, UnitOfWork } from '../../application/shared/unit-of-work.js';
import type { Db } from './database.js';
import {
  postgresMembershipRepository,
  postgresOrganizationRepository,
} from './organization-repository.js';
import {
  postgresOneTimeTokenRepository,
  postgresRefreshTokenRepository,
  postgresSessionRepository,
} from './session-repository.js';
import { postgresUserRepository } from './user-repository.js';

export function postgresRepositories(db: Db): Repositories {
  return {
    users: postgresUserRepository(db),
    sessions: postgresSessionRepository(db),
    refreshTokens: postgresRefreshTokenRepository(db),
    oneTimeTokens: postgresOneTimeTokenRepository(db),
    organizations: postgresOrganizationRepository(db),
    memberships: postgresMembershipRepository(db),
  };
}

export function postgresUnitOfWork(db: Db): UnitOfWork {
  return {
    run: (work) => db.transaction().execute((trx) => work(postgresRepositories(trx))),
  };
}
