// Use cases of projects: list, read, create (with the default workflow), change, delete, restore.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import {
  assertValidProjectKey,
  projectDescription,
  projectName,
  type Project,
} from '../../domain/projects/project.js';
import { defaultWorkflow } from '../../domain/projects/workflow.js';
import { ConflictError, notFound, ValidationError } from '../../domain/shared/errors.js';
import { changesBetween, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import type { ProjectCursor, ProjectSort } from './ports.js';
import { pageOf } from '../shared/page.js';

export interface ProjectPage {
  readonly items: Project[];
  readonly nextCursor: ProjectCursor | null;
}

export interface ListProjectsInput {
  readonly limit: number;
  readonly sort: ProjectSort;
  readonly after?: ProjectCursor | undefined;
  /** Deleted projects too (to restore one): needs `project:delete`. */
  readonly includeDeleted?: boolean | undefined;
}

/** The live project named by id or key, or NotFoundError. */
export async function liveProject(
  tx: Pick<Repositories, 'projects'>,
  organizationId: string,
  ref: string,
): Promise<Project> {
  return (await tx.projects.find(organizationId, ref)) ?? notFound('project');
}

/** The id and key of the live project named by id or key, or NotFoundError (no progress counted). */
export async function liveProjectRef(
  tx: Pick<Repositories, 'projects'>,
  organizationId: string,
  ref: string,
): Promise<{ readonly id: string; readonly key: string }> {
  return (await tx.projects.identify(organizationId, ref)) ?? notFound('project');
}

export async function listProjects(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  input: ListProjectsInput,
): Promise<ProjectPage> {
  authorize(access.grant, 'project:read');
  const includeDeleted = input.includeDeleted === true;
  if (includeDeleted) authorize(access.grant, 'project:delete');
  if (input.after !== undefined && input.after.sort !== input.sort) {
    throw ValidationError.field('cursor', 'The cursor belongs to another sort order');
  }
  const rows = await inOrganization(deps, access, (tx) =>
    tx.projects.list(access.organization.id, {
      sort: input.sort,
      limit: input.limit + 1,
      after: input.after,
      includeDeleted,
    }),
  );
  const { items, next } = pageOf(rows, input.limit, (last) => cursorAfter(last, input.sort));
  return { items, nextCursor: next };
}

function cursorAfter(project: Project, sort: ProjectSort): ProjectCursor {
  return sort === 'name'
    ? { sort, name: project.name, id: project.id }
    : { sort, createdAt: project.createdAt, id: project.id };
}

export async function getProject(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
): Promise<Project> {
  authorize(access.grant, 'project:read');
  return inOrganization(deps, access, (tx) => liveProject(tx, access.organization.id, ref));
}

export interface CreateProjectInput {
  readonly name: string;
  readonly key: string;
  readonly description?: string | undefined;
  readonly publicLookup?: boolean | undefined;
}

/** Creates the project with the default workflow (To Do, In Progress, In Review, Done), at once. */
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
    );
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.created',
      targetType: 'project',
      targetId: project.id,
      changes: {
        key: project.key,
        name,
        description,
        public_lookup: project.publicLookup,
        statuses: workflow.map((status) => status.name),
      },
    });
    return project;
  });
}

export interface UpdateProjectInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly publicLookup?: boolean | undefined;
  readonly expectedVersion?: number | undefined;
}

/** Changes name, description or public lookup; the key never changes (task keys hang on it). */
export async function updateProject(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  ref: string,
  input: UpdateProjectInput,
): Promise<Project> {
  authorize(access.grant, 'project:update');
  const changes = {
    ...(input.name !== undefined && { name: projectName(input.name) }),
    ...(input.description !== undefined && {
      description: projectDescription(input.description),
    }),
    ...(input.publicLookup !== undefined && { publicLookup: input.publicLookup }),
  };
  if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'Nothing to change');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before = await liveProject(tx, organizationId, ref);
    const after =
      (await tx.projects.update(
        organizationId,
        before.id,
        changes,
        deps.clock.now(),
        input.expectedVersion,
      )) ?? notFound('project');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.updated',
      targetType: 'project',
      targetId: after.id,
      changes: changesBetween(auditView(before), auditView(after), [
        'name',
        'description',
        'public_lookup',
      ]),
    });
    return after;
  });
}

const auditView = (project: Project) => ({
  name: project.name,
  description: project.description,
  public_lookup: project.publicLookup,
});

/** Soft-deletes the project: it answers 404 until restored; its key stays taken. */
export async function deleteProject(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'project:delete');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, ref);
    const deleted = await tx.projects.softDelete(
      organizationId,
      project.id,
      deps.clock.now(),
      expectedVersion,
    );
    if (!deleted) notFound('project');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.deleted',
      targetType: 'project',
      targetId: project.id,
      changes: { key: project.key, name: project.name },
    });
  });
}

/** Brings a deleted project back; a project that is not deleted answers 409. */
export async function restoreProject(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<Project> {
  authorize(access.grant, 'project:delete');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project =
      (await tx.projects.find(organizationId, ref, { includeDeleted: true })) ??
      notFound('project');
    if (project.deletedAt === null) throw new ConflictError('The project is not deleted');
    const restored = await tx.projects.restore(
      organizationId,
      project.id,
      deps.clock.now(),
      expectedVersion,
    );
    // Seen deleted a moment ago, live now: a concurrent restore won.
    if (!restored) throw new ConflictError('The project is not deleted');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.restored',
      targetType: 'project',
      targetId: project.id,
      changes: { key: project.key, name: project.name },
    });
    return restored;
  });
}
