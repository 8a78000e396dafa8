// Finding the live (not deleted) project a path names by id or key, for every use case under a
// project.
import type { Project } from '../../domain/projects/project.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Repositories } from '../shared/unit-of-work.js';

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
