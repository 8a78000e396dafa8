// Read-through caching that never lets a cache failure fail the request.
import type { Cache } from './ports.js';
import type { UnitOfWork } from './unit-of-work.js';

export async function cached<T>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
): Promise<T> {
  const hit = await cache.get<T>(key).catch(() => undefined);
  if (hit !== undefined) return hit;
  const value = await load();
  if (value !== undefined) await cache.set(key, value, ttlSeconds).catch(() => undefined);
  return value;
}

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
