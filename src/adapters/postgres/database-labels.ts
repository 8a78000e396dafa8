// Row types of the labels tables (kept apart so areas can grow without touching database.ts).

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LabelsTables {}
