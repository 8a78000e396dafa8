// Which listener serves each operational endpoint when the process has an admin one (ADMIN_PORT).

/** The two listeners of the process: the API's (PORT) and the operational one (ADMIN_PORT). */
export type Listener = 'api' | 'admin';

/**
 * Where each operation is served when there is an admin listener. Whatever tells how the instance
 * is built (the version, pool sizes, the database role, every route's reference page) is served
 * there alone. Liveness and readiness say nothing more than up or not (a load balancer that only
 * reaches the API's port still checks it); the OpenAPI document is the API's contract (the
 * reference page reads it from its own origin); the public keys are for clients only.
 */
const LISTENERS: Readonly<Record<string, readonly Listener[]>> = {
  health: ['api', 'admin'],
  readiness: ['api', 'admin'],
  healthDetailed: ['admin'],
  metrics: ['admin'],
  jwks: ['api'],
  openapi: ['api', 'admin'],
  docs: ['admin'],
  docsAsset: ['admin'],
};

/** Whether the operation `operationId` is served on `listener` when there is an admin listener. */
export function servedOn(operationId: string, listener: Listener): boolean {
  const listeners = LISTENERS[operationId];
  if (listeners === undefined) throw new Error(`operation ${operationId}: no listener named`);
  return listeners.includes(listener);
}

/** The answer of an admin-only operation asked on the API's port. */
export const ON_ADMIN_PORT = {
  description: 'Asked on the API’s port while ADMIN_PORT is set: served on the admin port instead',
};
