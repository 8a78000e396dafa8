// The Idempotency-Key store port. Being built: the helper building idempotency fills it in.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IdempotencyStore {}
