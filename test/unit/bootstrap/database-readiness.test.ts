// The start-up check of PostgreSQL: retried with doubling delays (on a timer the test drives) until
// the database is ready, each problem logged in a line an operator can act on.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  describeTarget,
  watchDatabaseReadiness,
} from '../../../src/bootstrap/database-readiness.js';
import { deferred, eventually } from '../../support/async.js';

/** A timer that waits until the test lets it go, recording each delay asked for. */
function drivenSleep() {
  const delays: number[] = [];
  let pending: (() => void) | undefined;
  return {
    delays,
    sleep: (ms: number) => {
      delays.push(ms);
      const wait = deferred();
      pending = () => wait.resolve();
      return wait.promise;
    },
    /** Ends the current wait; false when nothing waits yet. */
    tick(): boolean {
      if (!pending) return false;
      const release = pending;
      pending = undefined;
      release();
      return true;
    },
  };
}

function capturingLogger() {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('watchDatabaseReadiness', () => {
  it('retries with doubling delays, capped, logging each problem, until the check passes', async () => {
    const problems = ['unreachable', 'no database', 'not migrated', 'not migrated', 'not migrated'];
    const timer = drivenSleep();
    const { logger, lines } = capturingLogger();
    const readiness = watchDatabaseReadiness({
      check: async () => problems.shift(),
      logger,
      sleep: timer.sleep,
      initialDelayMs: 100,
      maxDelayMs: 500,
    });
    await readiness.firstChecked; // answered (not ready): a start listens now
    expect(readiness.isReady()).toBe(false);
    for (let tick = 0; tick < 5; tick += 1) {
      await eventually(async () => timer.tick(), 5_000);
    }
    await readiness.settled;
    expect(readiness.isReady()).toBe(true);
    expect(timer.delays).toEqual([100, 200, 400, 500, 500]);
    const errors = lines.filter((l) => l.level === 50).map((l) => l.msg);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toBe(
      'database not ready: unreachable; API answers 503 meanwhile, retrying in 100 ms',
    );
    expect(errors[1]).toMatch(/^database not ready: no database;/);
    expect(lines.at(-1)).toMatchObject({ msg: 'database ready', attempt: 6 });
  });

  it('is ready at once when the first check passes, and stops retrying when stopped', async () => {
    const { logger } = capturingLogger();
    const first = watchDatabaseReadiness({ check: async () => undefined, logger });
    await first.settled;
    expect(first.isReady()).toBe(true);

    const timer = drivenSleep();
    let checks = 0;
    const stopped = watchDatabaseReadiness({
      check: async () => {
        checks += 1;
        return 'unreachable';
      },
      logger,
      sleep: timer.sleep,
    });
    await eventually(async () => timer.delays.length === 1, 5_000);
    stopped.stop();
    timer.tick();
    await stopped.settled;
    expect(checks).toBe(1);
    expect(stopped.isReady()).toBe(false);
  });
});

describe('poking the watcher', () => {
  it('checks again at once, without waiting out its delay', async () => {
    const problems = ['unreachable'];
    const timer = drivenSleep(); // never ticked: only the poke ends the wait
    const { logger } = capturingLogger();
    const readiness = watchDatabaseReadiness({
      check: async () => problems.shift(),
      logger,
      sleep: timer.sleep,
    });
    await eventually(async () => timer.delays.length === 1, 5_000);
    readiness.poke();
    await readiness.settled;
    expect(readiness.isReady()).toBe(true);
    expect(timer.delays).toEqual([500]);
  });
});

describe('describeTarget', () => {
  it('names host, port, database and user, never the password', () => {
    const target = describeTarget(
      'postgres://app:s3cret@db.internal:6543/teamflow?sslmode=require',
    );
    expect(target).toEqual({ where: 'db.internal:6543', database: 'teamflow', user: 'app' });
    expect(JSON.stringify(target)).not.toContain('s3cret');
    expect(describeTarget('postgresql://localhost/x').where).toBe('localhost:5432');
  });
});
