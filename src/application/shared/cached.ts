// Read-through caching that never lets a cache failure fail the request.
import type { Cache } from './ports.js';

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
