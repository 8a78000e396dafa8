// The dependency rule is enforced by a tool, not by review: prove the check fails on a violation.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');

async function cruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', config], { cwd });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('the dependency rule check', () => {
  it('fails on a tree that breaks the rule, naming each broken rule', async () => {
    const result = await cruise(path.join(root, 'test/fixtures/layering'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('domain-is-pure');
    expect(result.output).toContain('application-only-domain');
    expect(result.output).toContain('adapter-folders-apart');
  });

  it('passes on the project itself', async () => {
    const result = await cruise(root);
    expect(result.output).toContain('no dependency violations found');
    expect(result.code).toBe(0);
  });
});
