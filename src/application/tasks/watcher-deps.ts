// Task watchers: the people told about a task's changes (notifications come later; this keeps
// the list). Whoever sees a task reads its watchers and may watch it, or stop; putting someone
// else on the list, or taking them off, takes task:update on the task. Nobody watches
// automatically: the reporter and the assignee are told of changes as such, not as watchers.
// Changes are audited and obey the write window at the task's priority.
import type { Deps } from '../deps.js';

export type WatcherDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;
