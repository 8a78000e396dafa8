// The PostgreSQL task repository, assembled from the files of this folder.
// Tasks. A read joins the project (for the key), the status (for its category), the type (for its
// name) and the labels, so one query answers one task or one page. Numbers come from the project
// row (gapless); positions from the column, under a per-column lock that creations and moves share.
//
// A unit of work makes one per request and uses one or two of its parts: each part (and each
// sub-repository) is made on first use. Making all of them every time was 2 % of the main thread
// on a read by key (bench/profile.ts).
import type { TaskRepository } from '../../../application/tasks/ports.js';
import type { Db } from '../database.js';
import { postgresTaskCommentRepository } from '../task-comment-repository.js';
import { postgresTaskHistoryRepository } from '../task-history-repository.js';
import { postgresTaskRelationRepository } from '../task-relation-repository.js';
import { postgresTaskWatcherRepository } from '../task-watcher-repository.js';
import { taskKeys } from './keys.js';
import { taskLists } from './list.js';
import { taskPlacement } from './placement.js';
import { taskQueries, taskReads, type TaskQueries } from './reads.js';
import { taskTracking } from './tracking.js';
import { taskTree } from './tree.js';
import { taskWrites } from './writes.js';

type Args<K extends keyof TaskRepository> = TaskRepository[K] extends (...args: infer A) => unknown
  ? A
  : never;

class PostgresTaskRepository implements TaskRepository {
  readonly #db: Db;
  #queries?: TaskQueries;
  #reads?: ReturnType<typeof taskReads>;
  #writes?: ReturnType<typeof taskWrites>;
  #placement?: ReturnType<typeof taskPlacement>;
  #tree?: ReturnType<typeof taskTree>;
  #lists?: ReturnType<typeof taskLists>;
  #tracking?: ReturnType<typeof taskTracking>;
  #history?: TaskRepository['history'];
  #comments?: TaskRepository['comments'];
  #watchers?: TaskRepository['watchers'];
  #relations?: TaskRepository['relations'];

  constructor(db: Db) {
    this.#db = db;
  }

  get #q(): TaskQueries {
    return (this.#queries ??= taskQueries(this.#db));
  }
  get #r() {
    return (this.#reads ??= taskReads(this.#q));
  }
  get #w() {
    return (this.#writes ??= taskWrites(this.#db, this.#q));
  }
  get #t() {
    return (this.#tree ??= taskTree(this.#db));
  }
  get #l() {
    return (this.#lists ??= taskLists(this.#db, this.#q));
  }
  get #c() {
    return (this.#tracking ??= taskTracking(this.#db, this.#q));
  }

  find(...args: Args<'find'>) {
    return this.#r.find(...args);
  }
  findWithWorkflow(...args: Args<'findWithWorkflow'>) {
    return this.#r.findWithWorkflow(...args);
  }
  findMany(...args: Args<'findMany'>) {
    return this.#r.findMany(...args);
  }
  idsByKey(...args: Args<'idsByKey'>) {
    return taskKeys(this.#db).idsByKey(...args);
  }
  create(...args: Args<'create'>) {
    return this.#w.create(...args);
  }
  update(...args: Args<'update'>) {
    return this.#w.update(...args);
  }
  setDeleted(...args: Args<'setDeleted'>) {
    return this.#w.setDeleted(...args);
  }
  positionFor(...args: Args<'positionFor'>) {
    return (this.#placement ??= taskPlacement(this.#db)).positionFor(...args);
  }
  lockTree(...args: Args<'lockTree'>) {
    return this.#t.lockTree(...args);
  }
  ancestry(...args: Args<'ancestry'>) {
    return this.#t.ancestry(...args);
  }
  subtreeHeight(...args: Args<'subtreeHeight'>) {
    return this.#t.subtreeHeight(...args);
  }
  list(...args: Args<'list'>) {
    return this.#l.list(...args);
  }
  listItems(...args: Args<'listItems'>) {
    return this.#l.listItems(...args);
  }
  issueTrackingCodes(...args: Args<'issueTrackingCodes'>) {
    return this.#c.issueTrackingCodes(...args);
  }
  regenerateTrackingCode(...args: Args<'regenerateTrackingCode'>) {
    return this.#c.regenerateTrackingCode(...args);
  }
  publicStatus(...args: Args<'publicStatus'>) {
    return this.#c.publicStatus(...args);
  }
  get history(): TaskRepository['history'] {
    return (this.#history ??= postgresTaskHistoryRepository(this.#db));
  }
  get comments(): TaskRepository['comments'] {
    return (this.#comments ??= postgresTaskCommentRepository(this.#db));
  }
  get watchers(): TaskRepository['watchers'] {
    return (this.#watchers ??= postgresTaskWatcherRepository(this.#db));
  }
  get relations(): TaskRepository['relations'] {
    return (this.#relations ??= postgresTaskRelationRepository(this.#db));
  }
}

export function postgresTaskRepository(db: Db): TaskRepository {
  return new PostgresTaskRepository(db);
}
