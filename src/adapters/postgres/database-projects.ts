// Row types of the projects tables (kept apart so areas can grow without touching database.ts).

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProjectsTables {}
