// Running one load: the spec written to a file of `workDir`, bench/harness/load-worker.ts run on
// it in a process of its own (so autocannon shares no event loop with anything), its result read.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { ROOT, runCommand } from './processes.js';

export async function runLoad(spec: LoadSpec, workDir: string): Promise<LoadResult> {
  const file = path.join(workDir, `spec-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(spec));
  const { stdout } = await runCommand(process.execPath, [
    '--import',
    'tsx',
    path.join(ROOT, 'bench', 'harness', 'load-worker.ts'),
    file,
  ]);
  await rm(file, { force: true });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}
