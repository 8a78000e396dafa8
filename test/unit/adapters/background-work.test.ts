// The in-process BackgroundWork: starts a job at once, never hands its outcome to the caller,
// logs a failure, and tells when every job has settled.
import { describe, expect, it } from 'vitest';
import { inProcessBackgroundWork } from '../../../src/adapters/system/background-work.js';
import { deferred } from '../../support/async.js';
import { recordingLogger, type LogEntry } from '../../integration/use-cases/deps.js';

describe('inProcessBackgroundWork', () => {
  it('runs the synchronous part of a job before run returns, the rest without the caller', async () => {
    const work = inProcessBackgroundWork(recordingLogger());
    const gate = deferred();
    const steps: string[] = [];
    work.run('job', async () => {
      steps.push('started');
      await gate.promise;
      steps.push('finished');
    });
    expect(steps).toEqual(['started']);

    let idle = false;
    const settled = work.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    gate.resolve();
    await settled;
    expect(steps).toEqual(['started', 'finished']);
  });

  it('logs a job that rejects or throws, with its name, and carries on', async () => {
    const entries: LogEntry[] = [];
    const work = inProcessBackgroundWork(recordingLogger(entries));
    work.run('rejects', () => Promise.reject(new Error('smtp down')));
    work.run('throws', () => {
      throw new Error('bad input');
    });
    await work.idle();
    const logged = entries.map((e) => [e.level, e.msg, (e.fields as { job: string }).job]);
    expect(logged.sort()).toEqual([
      ['error', 'background job failed', 'rejects'],
      ['error', 'background job failed', 'throws'],
    ]);
  });

  it('gives a job a logger bound to its name', async () => {
    const entries: LogEntry[] = [];
    const work = inProcessBackgroundWork(recordingLogger(entries));
    work.run('mail.x', async (log) => log.warn({ to: 'a@example.com' }, 'dropped'));
    await work.idle();
    expect(entries).toEqual([
      { level: 'warn', msg: 'dropped', fields: { job: 'mail.x', to: 'a@example.com' } },
    ]);
  });

  it('waits in idle for jobs started while it waits', async () => {
    const work = inProcessBackgroundWork(recordingLogger());
    const first = deferred();
    let secondDone = false;
    work.run('first', async () => {
      await first.promise;
      work.run('second', async () => {
        await Promise.resolve();
        secondDone = true;
      });
    });
    const settled = work.idle();
    first.resolve();
    await settled;
    expect(secondDone).toBe(true);
  });
});
