// Read-through caching that never lets a cache failure fail the request.
import type { Cache } from './ports.js';
import type { UnitOfWork } from './unit-of-work.js';

/**
 * The cached value under `key`, else `load()`'s, stored for `ttlSeconds` unless the cache saw a
 * delete while it loaded (that delete may have been for this value: a revocation committed after
 * the load began must not be written back over).
 */
export async function cached<T>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
): Promise<T> {
  const hit = await cache.get<T>(key).catch(() => undefined);
  if (hit !== undefined) return hit;
  const since = cache.mark();
  const value = await load();
  if (value !== undefined) await cache.set(key, value, ttlSeconds, since).catch(() => undefined);
  return value;
}

/**
 * Deletes after the change they reflect has committed. The adapters make good a delete their
 * store could not apply (the Redis cache stops serving every entry written before it), so a
 * rejection here is only swallowed, never a revocation undone.
 */
export async function forget(cache: Cache, ...keys: string[]): Promise<void> {
  await cache.delete(...keys).catch(() => undefined);
}

/**
 * Forgets `keys` once the caller's writes are committed (`UnitOfWork.afterCommit`): forgotten
 * before, a concurrent reader could cache the old state again, and keep it for the entry's TTL.
 */
export function forgetAfterCommit(
  deps: { readonly cache: Cache; readonly uow: Pick<UnitOfWork, 'afterCommit'> },
  ...keys: string[]
): Promise<void> {
  return deps.uow.afterCommit(() => forget(deps.cache, ...keys));
}
