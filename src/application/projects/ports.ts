// Ports of the projects area (projects, workflow statuses, task types).
import type { Project } from '../../domain/projects/project.js';
import type { TaskType } from '../../domain/projects/task-type.js';
import type { WorkflowPlan, WorkflowStatus } from '../../domain/projects/workflow.js';

export interface NewProject {
  readonly id: string;
  readonly organizationId: string;
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly publicLookup: boolean;
  readonly createdBy: string;
  readonly now: Date;
}

export interface ProjectChanges {
  readonly name?: string;
  readonly description?: string;
  readonly publicLookup?: boolean;
}

/** `name`: A→Z ignoring case, then by id. `-created_at`: newest first. */
export type ProjectSort = 'name' | '-created_at';

/** Where a page ends: the sort key of its last project. */
export type ProjectCursor =
  | { readonly sort: 'name'; readonly name: string; readonly id: string }
  | { readonly sort: '-created_at'; readonly createdAt: Date; readonly id: string };

export interface ProjectListQuery {
  readonly sort: ProjectSort;
  readonly limit: number;
  readonly after?: ProjectCursor | undefined;
  readonly includeDeleted: boolean;
}

export interface ProjectRepository {
  /** Projects in the sort order, after the cursor; each with its progress. */
  list(organizationId: string, query: ProjectListQuery): Promise<Project[]>;
  /**
   * By id or key (`RE`); what is neither finds nothing. Deleted projects only with
   * `includeDeleted`.
   */
  find(
    organizationId: string,
    ref: string,
    options?: { readonly includeDeleted?: boolean },
  ): Promise<Project | undefined>;
  /**
   * The id and key of the live project named by id or key (ignoring case), without counting its
   * progress: what task use cases need to place or filter a task.
   */
  identify(
    organizationId: string,
    ref: string,
  ): Promise<{ readonly id: string; readonly key: string } | undefined>;
  /** What identify answers, and the project's workflow in order, in one read. */
  identifyWithWorkflow(
    organizationId: string,
    ref: string,
  ): Promise<
    | {
        readonly id: string;
        readonly key: string;
        readonly statuses: readonly WorkflowStatus[];
        /** Whether the project has assignment rules (a creation without an assignee reads them). */
        readonly hasAssignmentRules: boolean;
      }
    | undefined
  >;
  /**
   * Inserts the project, its workflow and its first task types, in this order of creation (call
   * inside a unit of work: several statements). Throws ConflictError when the key is taken, by a
   * deleted project too.
   */
  create(
    project: NewProject,
    workflow: readonly WorkflowStatus[],
    taskTypes?: readonly ProjectTaskType[],
  ): Promise<Project>;
  /**
   * Applies the changes to the live project when the version matches (if given) and bumps it.
   * Undefined when there is no such live project; PreconditionFailedError on a version miss.
   */
  update(
    organizationId: string,
    id: string,
    changes: ProjectChanges,
    now: Date,
    expectedVersion?: number,
  ): Promise<Project | undefined>;
  /** Marks the live project deleted; false when there is none; PreconditionFailedError on a miss. */
  softDelete(
    organizationId: string,
    id: string,
    now: Date,
    expectedVersion?: number,
  ): Promise<boolean>;
  /** Undeletes a deleted project; undefined when there is none; PreconditionFailedError on a miss. */
  restore(
    organizationId: string,
    id: string,
    now: Date,
    expectedVersion?: number,
  ): Promise<Project | undefined>;
  readonly statuses: ProjectStatusRepository;
  readonly taskTypes: TaskTypeRepository;
}

export interface ProjectStatusRepository {
  /** The project's workflow, in order. */
  list(organizationId: string, projectId: string): Promise<WorkflowStatus[]>;
  /**
   * Locks the live project's row until the transaction ends (so workflow changes never interleave)
   * and returns its current workflow; undefined when there is no such live project.
   */
  lock(organizationId: string, projectId: string): Promise<WorkflowStatus[] | undefined>;
  /**
   * The statuses named `name` (ignoring case and surrounding spaces) in the organization's live
   * projects: one per project at most.
   */
  idsNamed(organizationId: string, name: string): Promise<string[]>;
  /** Those of `statusIds` (statuses of the project) that hold at least one live task. */
  withLiveTasks(
    organizationId: string,
    projectId: string,
    statusIds: readonly string[],
  ): Promise<string[]>;
  /**
   * Writes the plan and carries the tasks along, in the caller's unit of work: renames, reorders
   * and adds statuses; sets or clears `completed_at` of the tasks of statuses whose category
   * changed; moves every task of a dropped status (deleted ones included) to the end of
   * `tasks.receiverId`'s column, recording a `moved` history entry per live task; then drops the
   * statuses. Answers how many live tasks moved.
   */
  replace(
    organizationId: string,
    projectId: string,
    plan: WorkflowPlan,
    tasks: WorkflowTaskChanges,
  ): Promise<{ readonly movedTasks: number }>;
}

export interface WorkflowTaskChanges {
  /** A status of the new workflow that receives the tasks of dropped statuses. */
  readonly receiverId: string;
  /** Who changes the workflow (user or API key id), for the tasks' history. */
  readonly actorId: string;
  readonly now: Date;
}

/** A task type written with its project (the project's id, organization and time are its own). */
export interface ProjectTaskType {
  readonly id: string;
  readonly name: string;
}

export interface NewTaskType {
  readonly id: string;
  readonly organizationId: string;
  readonly projectId: string;
  readonly name: string;
  readonly now: Date;
}

export interface TaskTypeRepository {
  /** In the order they were created. */
  list(organizationId: string, projectId: string): Promise<TaskType[]>;
  find(organizationId: string, projectId: string, id: string): Promise<TaskType | undefined>;
  /**
   * Serializes the project's task type creations until the transaction ends, then counts its
   * task types (those committed by a creation it waited for included).
   */
  countLocked(organizationId: string, projectId: string): Promise<number>;
  /** Throws ConflictError when the project has a type of this name, whatever its case. */
  create(type: NewTaskType): Promise<TaskType>;
  /**
   * Renames the type and bumps its version, only while the version is `expectedVersion` (if
   * given). Undefined when the project has no such type; ConflictError when it has another of
   * this name, whatever its case; PreconditionFailedError on a version miss.
   */
  rename(
    organizationId: string,
    projectId: string,
    id: string,
    name: string,
    expectedVersion?: number,
  ): Promise<TaskType | undefined>;
  delete(organizationId: string, projectId: string, id: string): Promise<boolean>;
}
