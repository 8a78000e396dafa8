// Binds every repository to one Kysely handle: the pool for plain calls, a transaction inside run().
// run() also applies the tenant scope that row-level security reads (set_config(..., true) lasts
// until the transaction ends, so a pooled connection never carries one request's scope to another).
import { sql } from 'kysely';
import type {
  Repositories,
  TenantScope,
  UnitOfWork,
} from '../../application/shared/unit-of-work.js';
import { postgresApiKeyRepository } from './api-key-repository.js';
import { postgresAuditLogRepository } from './audit-log-repository.js';
import type { Db } from './database.js';
import { postgresInvitationRepository } from './invitation-repository.js';
import { postgresLabelRepository } from './label-repository.js';
import { postgresMembershipRepository } from './membership-repository.js';
import { postgresOrganizationRepository } from './organization-repository.js';
import { postgresProjectRepository } from './project-repository.js';
import { postgresRoleRepository } from './role-repository.js';
import {
  postgresOneTimeTokenRepository,
  postgresRefreshTokenRepository,
  postgresSessionRepository,
} from './session-repository.js';
import { postgresTaskRepository } from './task-repository.js';
import { postgresTaskSearch } from './task-search.js';
import { postgresTeamRepository } from './team-repository.js';
import { postgresUserRepository } from './user-repository.js';

export function postgresRepositories(db: Db): Repositories {
  return {
    users: postgresUserRepository(db),
    sessions: postgresSessionRepository(db),
    refreshTokens: postgresRefreshTokenRepository(db),
    oneTimeTokens: postgresOneTimeTokenRepository(db),
    organizations: postgresOrganizationRepository(db),
    memberships: postgresMembershipRepository(db),
    roles: postgresRoleRepository(db),
    invitations: postgresInvitationRepository(db),
    teams: postgresTeamRepository(db),
    apiKeys: postgresApiKeyRepository(db),
    audit: postgresAuditLogRepository(db),
    projects: postgresProjectRepository(db),
    labels: postgresLabelRepository(db),
    tasks: postgresTaskRepository(db),
    search: postgresTaskSearch(db),
  };
}

export function postgresUnitOfWork(db: Db): UnitOfWork {
  return {
    run: (work, scope?: TenantScope) =>
      db.transaction().execute(async (trx) => {
        if (scope?.organizationId !== undefined || scope?.userId !== undefined) {
          await sql`select set_config('app.organization_id', ${scope.organizationId ?? ''}, true),
                           set_config('app.user_id', ${scope.userId ?? ''}, true)`.execute(trx);
        }
        return work(postgresRepositories(trx));
      }),
  };
}
