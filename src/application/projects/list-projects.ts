// Listing an organization's projects in pages, by name or by creation.
import { authorize } from '../../domain/access/authorize.js';
import type { Project } from '../../domain/projects/project.js';
import { ValidationError } from '../../domain/shared/errors.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
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
