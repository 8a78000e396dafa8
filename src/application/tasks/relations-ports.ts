// Port of task relations (filled in by the relations feature).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TaskRelationRepository {}
