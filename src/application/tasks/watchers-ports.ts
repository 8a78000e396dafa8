// Port of task watchers (filled in by the watchers feature).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TaskWatcherRepository {}
