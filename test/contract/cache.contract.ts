// What every Cache adapter promises, run once per adapter by cache.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cached } from '../../src/application/shared/cached.js';
import type { Cache } from '../../src/application/shared/ports.js';

export interface CacheUnderTest {
  readonly cache: Cache;
  /** Moves the cache's time forward (its clock, or the TTLs Redis keeps): no test sleeps. */
  readonly elapse: (ms: number) => Promise<void>;
  readonly cleanup: () => Promise<void>;
}

export function cacheContract(name: string, make: () => Promise<CacheUnderTest>): void {
  describe(`Cache contract: ${name}`, () => {
    let cache: Cache;
    let elapse: CacheUnderTest['elapse'];
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ cache, elapse, cleanup } = await make());
    });
    afterAll(async () => {
      await cleanup();
    });

    describe('get and set', () => {
      it('answers undefined for a key never set', async () => {
        expect(await cache.get('never-set')).toBeUndefined();
      });

      it.each([
        ['an object', { id: 'a1', tags: ['x'], nested: { n: 1, flag: false } }],
        ['an array', [1, 'two', { three: 3 }, null]],
        ['a string', 'hello'],
        ['an empty string', ''],
        ['a number', 42.5],
        ['zero', 0],
        ['true', true],
        ['false', false],
        ['null', null],
      ])('returns %s as it was set', async (label, value) => {
        await cache.set(`round-trip:${label}`, value, 60);
        expect(await cache.get(`round-trip:${label}`)).toEqual(value);
      });

      it('returns a copy, so changing what was read does not change the cache', async () => {
        await cache.set('copy', { count: 1 }, 60);
        const first = await cache.get<{ count: number }>('copy');
        if (first) first.count = 2;
        expect(await cache.get('copy')).toEqual({ count: 1 });
      });

      it('replaces the value when a key is set again', async () => {
        await cache.set('overwrite', 'first', 60);
        await cache.set('overwrite', { second: true }, 60);
        expect(await cache.get('overwrite')).toEqual({ second: true });
      });
    });

    describe('delete', () => {
      it('removes every key given and leaves the others', async () => {
        await cache.set('del:a', 1, 60);
        await cache.set('del:b', 2, 60);
        await cache.set('del:c', 3, 60);
        await cache.delete('del:a', 'del:b', 'del:missing');
        expect(await cache.get('del:a')).toBeUndefined();
        expect(await cache.get('del:b')).toBeUndefined();
        expect(await cache.get('del:c')).toBe(3);
      });

      it('accepts no keys at all', async () => {
        await expect(cache.delete()).resolves.toBeUndefined();
      });
    });

    describe('writing back what was loaded (mark)', () => {
      it('stores a value marked after its miss when nothing was deleted since', async () => {
        expect(await cache.get('mark:fresh')).toBeUndefined();
        const since = cache.mark();
        await cache.set('mark:fresh', { loaded: 1 }, 60, since);
        expect(await cache.get('mark:fresh')).toEqual({ loaded: 1 });
      });

      it('does not store a value marked before a delete: it may be what the delete removed', async () => {
        await cache.get('mark:stale');
        const since = cache.mark();
        await cache.delete('mark:any-key');
        await cache.set('mark:stale', 'loaded before the delete', 60, since);
        expect(await cache.get('mark:stale')).toBeUndefined();
      });

      it('keeps cached() from writing back a value whose load a revocation overtook', async () => {
        const value = await cached(cache, 'mark:revoked', 60, async () => {
          await cache.delete('mark:revoked'); // committed and forgotten while this load ran
          return 'active';
        });
        expect(value).toBe('active');
        expect(await cache.get('mark:revoked')).toBeUndefined();
        // The next read loads again and may store.
        expect(await cached(cache, 'mark:revoked', 60, () => Promise.resolve('ended'))).toBe(
          'ended',
        );
        expect(await cache.get('mark:revoked')).toBe('ended');
      });
    });

    describe('expiry', () => {
      it('stops returning a value once its TTL has passed, and keeps a longer one', async () => {
        await cache.set('ttl:short', 'soon gone', 1);
        await cache.set('ttl:long', 'still here', 60);
        expect(await cache.get('ttl:short')).toBe('soon gone');
        await elapse(1000);
        expect(await cache.get('ttl:short')).toBeUndefined();
        expect(await cache.get('ttl:long')).toBe('still here');
      });
    });

    describe('ping', () => {
      it('resolves while the store answers', async () => {
        await expect(cache.ping()).resolves.toBeUndefined();
      });
    });
  });
}
