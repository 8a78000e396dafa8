// Port of task comments (filled in by the comments feature).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TaskCommentRepository {}
