// Ports of the labels area (organization-wide tags).
// Being built: the helper building labels fills these in.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LabelRepository {}
