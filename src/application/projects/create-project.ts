// Creating a project with the default workflow and the default task types.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import {
  assertValidProjectKey,
  projectDescription,
  projectName,
  type Project,
} from '../../domain/projects/project.js';
import { DEFAULT_TASK_TYPES } from '../../domain/projects/task-type.js';
import { defaultWorkflow } from '../../domain/projects/workflow.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';

export interface CreateProjectInput {
  readonly name: string;
  readonly key: string;
  readonly description?: string | undefined;
  readonly publicLookup?: boolean | undefined;
}

/**
 * Creates the project with the default workflow (To Do, In Progress, In Review, Done) and the
 * task types Bug, Task and Story (ordinary types: renamed or removed like any other), at once.
 */
export async function createProject(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  input: CreateProjectInput,
): Promise<Project> {
  authorize(access.grant, 'project:create');
  assertValidProjectKey(input.key);
  const name = projectName(input.name);
  const description = projectDescription(input.description ?? '');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const workflow = defaultWorkflow(() => deps.ids.next());
    const taskTypes = DEFAULT_TASK_TYPES.map((name) => ({ id: deps.ids.next(), name }));
    const project = await tx.projects.create(
      {
        id: deps.ids.next(),
        organizationId,
        key: input.key,
        name,
        description,
        publicLookup: input.publicLookup ?? false,
        createdBy: actorIdOf(access.principal),
        now: deps.clock.now(),
      },
      workflow,
      taskTypes,
    );
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.created',
      targetType: 'project',
      targetId: project.id,
      about: { projectId: project.id, key: project.key },
      changes: {
        key: project.key,
        name,
        description,
        public_lookup: project.publicLookup,
        statuses: workflow.map((status) => status.name),
        task_types: taskTypes.map((type) => type.name),
      },
    });
    return project;
  });
}
