// When a write path that tidies up as it goes (the idempotency store's purge of expired keys)
// should tidy up again: at most once per interval per key, by the caller's own clock, so that the
// other writes send no purge statement (docs/architecture.md says what one on every write cost).

export interface PurgeSchedule {
  /** Whether `key` is due a purge at `now`; if so, it is counted as purged at `now`. */
  due(key: string, now: Date): boolean;
}

/**
 * Due the first time a key is seen, then once `intervalMs` has passed since its last purge (or
 * when the clock went back). At most `maxKeys` keys are remembered; beyond that, the ones due
 * anyway are forgotten, and if that is not enough, all of them (each is then due once more).
 */
export function purgeSchedule(intervalMs: number, maxKeys = 10_000): PurgeSchedule {
  const last = new Map<string, number>();
  const isDue = (at: number | undefined, now: number) =>
    at === undefined || now - at >= intervalMs || now < at;
  return {
    due(key, now) {
      const time = now.getTime();
      if (!isDue(last.get(key), time)) return false;
      if (last.size >= maxKeys && !last.has(key)) {
        for (const [other, at] of last) if (isDue(at, time)) last.delete(other);
        if (last.size >= maxKeys) last.clear();
      }
      last.set(key, time);
      return true;
    },
  };
}
