// Builders for tests of the PostgreSQL repositories (test/integration/postgres): rows made
// straight through the repositories, each tenant write inside its organization's unit of work
// (row-level security refuses it otherwise), at a fixed instant.
//
//   let uow: UnitOfWork;                                      // set in beforeAll
//   const { anOrganization, aProject } = repositoryBuilders(() => uow, NOW);
import { postgresRepositories } from '../../../src/adapters/postgres/unit-of-work.js';
import type { Db } from '../../../src/adapters/postgres/database.js';
import { uuidV7Ids } from '../../../src/adapters/system/uuid-v7-ids.js';
import type { NewProject } from '../../../src/application/projects/ports.js';
import type { Repositories, UnitOfWork } from '../../../src/application/shared/unit-of-work.js';
import type { User } from '../../../src/domain/identity/user.js';
import type { Project } from '../../../src/domain/projects/project.js';
import { defaultWorkflow, type WorkflowStatus } from '../../../src/domain/projects/workflow.js';
import { uniqueTag } from '../env.js';
import { aKey } from './keys.js';

export { aKey };

const newId = () => uuidV7Ids.next();

/** The builders of one test file, over its unit of work (read when called) and its instant. */
export function repositoryBuilders(uow: () => UnitOfWork, now: Date) {
  const inOrg = <T>(organizationId: string, work: (tx: Repositories) => Promise<T>) =>
    uow().run(work, { organizationId });

  /** A new organization (Acme, UTC); its id. */
  async function anOrganization(): Promise<string> {
    const id = newId();
    await inOrg(id, (tx) =>
      tx.organizations.create({
        id,
        name: 'Acme',
        slug: `org-${uniqueTag()}`,
        timezone: 'UTC',
        now,
      }),
    );
    return id;
  }

  /** A project (Release, a fresh key) of the organization with `workflow` (the default one). */
  function aProject(
    organizationId: string,
    fields: Partial<Omit<NewProject, 'organizationId'>> = {},
    workflow: WorkflowStatus[] = defaultWorkflow(newId),
  ): Promise<Project> {
    return inOrg(organizationId, (tx) =>
      tx.projects.create(
        {
          id: newId(),
          organizationId,
          key: aKey(),
          name: 'Release',
          description: '',
          publicLookup: false,
          createdBy: newId(),
          now,
          ...fields,
        },
        workflow,
      ),
    );
  }

  return { inOrg, anOrganization, aProject };
}

/** A user (users are global: no tenant scope), straight through the repository. */
export function aUserIn(db: Db, now: Date, name = 'Someone'): Promise<User> {
  return postgresRepositories(db).users.create({
    id: newId(),
    email: `person-${uniqueTag()}@example.com`,
    name,
    timezone: 'UTC',
    passwordHash: 'hash',
    now,
  });
}
