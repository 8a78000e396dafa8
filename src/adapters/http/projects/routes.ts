// /organizations/{org}/projects: projects (by id or key) with their progress, soft delete and
// restore; the workflow and task type routes beside them join the same list.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { createProject } from '../../../application/projects/create-project.js';
import { deleteProject } from '../../../application/projects/delete-project.js';
import { getProject } from '../../../application/projects/get-project.js';
import { listProjects } from '../../../application/projects/list-projects.js';
import { restoreProject } from '../../../application/projects/restore-project.js';
import { updateProject } from '../../../application/projects/update-project.js';
import type { Project } from '../../../domain/projects/project.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeProjectCursor, encodeProjectCursor, presentProject } from './presenters.js';
import {
  createProjectBody,
  listProjectsQuery,
  projectParams,
  projectSchema,
  updateProjectBody,
} from './schemas.js';
import { assignmentRulesRoutes } from './assignment-rules-routes.js';
import { taskTypesRoutes } from './task-types-routes.js';
import { workflowRoutes } from './workflow-routes.js';

const tags = ['Projects'];

function respondOne(ctx: AppContext, project: Project, created = false) {
  setEtag(ctx, project.version);
  respond(
    ctx,
    presentProject(project),
    created ? { status: 201, location: organizationUrl(ctx, 'projects', project.id) } : {},
  );
}

const notFound = { description: 'No such organization or project, or the caller is not a member' };
const forbidden = { description: 'The caller lacks the permission' };
const stale = { description: 'If-Match does not match the current ETag' };

export function projectsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/projects',
      operationId: 'listProjects',
      summary: 'The organization’s projects with their progress, newest first or by name',
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: organizationParams,
      query: listProjectsQuery,
      responses: {
        200: { description: 'Projects', data: z.array(projectSchema), paginated: true },
        403: { description: 'include_deleted without project:delete' },
        404: notFound,
      },
      handler: async (ctx, { query }) => {
        const page = await listProjects(deps, accessOf(ctx), {
          limit: query.limit,
          sort: query.sort,
          after: decodeProjectCursor(query.cursor, query.sort),
          includeDeleted: query.include_deleted === 'true',
        });
        const next = page.nextCursor === null ? null : encodeProjectCursor(page.nextCursor);
        respond(ctx, page.items.map(presentProject), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/projects',
      operationId: 'createProject',
      summary: 'Create a project with the default workflow (To Do, In Progress, In Review, Done)',
      tags,
      scope: 'organization',
      permission: 'project:create',
      params: organizationParams,
      body: createProjectBody,
      responses: {
        201: { description: 'Created', data: projectSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: { description: 'The key is taken (by a deleted project too)' },
        422: { description: 'Invalid key, name or description' },
      },
      handler: async (ctx, { body }) => {
        const project = await createProject(deps, accessOf(ctx), {
          name: body.name,
          key: body.key,
          description: body.description,
          publicLookup: body.public_lookup,
        });
        respondOne(ctx, project, true);
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/projects/:project',
      operationId: 'getProject',
      summary: 'One project (by id or key) with its progress',
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: projectParams,
      responses: {
        200: { description: 'The project', data: projectSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        respondOne(ctx, await getProject(deps, accessOf(ctx), params.project));
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/projects/:project',
      operationId: 'updateProject',
      summary: 'Change name, description or public lookup; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'project:update',
      params: projectParams,
      body: updateProjectBody,
      responses: {
        200: { description: 'The updated project', data: projectSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        412: stale,
      },
      handler: async (ctx, { params, body }) => {
        const project = await updateProject(deps, accessOf(ctx), params.project, {
          name: body.name,
          description: body.description,
          publicLookup: body.public_lookup,
          expectedVersion: expectedVersion(ctx),
        });
        respondOne(ctx, project);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/projects/:project',
      operationId: 'deleteProject',
      summary: 'Soft-delete a project (restorable; its key stays taken); honours If-Match',
      tags,
      scope: 'organization',
      permission: 'project:delete',
      params: projectParams,
      responses: {
        204: { description: 'Deleted' },
        403: forbidden,
        404: notFound,
        412: stale,
      },
      handler: async (ctx, { params }) => {
        await deleteProject(deps, accessOf(ctx), params.project, expectedVersion(ctx));
        ctx.status = 204;
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/projects/:project/restore',
      operationId: 'restoreProject',
      summary: 'Restore a deleted project; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'project:delete',
      params: projectParams,
      responses: {
        200: { description: 'The restored project', data: projectSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: { description: 'The project is not deleted' },
        412: stale,
      },
      handler: async (ctx, { params }) => {
        const project = await restoreProject(
          deps,
          accessOf(ctx),
          params.project,
          expectedVersion(ctx),
        );
        respondOne(ctx, project);
      },
    }),
    ...workflowRoutes(deps),
    ...taskTypesRoutes(deps),
    ...assignmentRulesRoutes(deps),
  ];
}
