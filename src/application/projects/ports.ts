// Ports of the projects area (projects, workflow statuses, task types).
// Being built: the helper building projects fills these in.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProjectRepository {}
