// Project rules: what a key may look like (it prefixes every task key), names, descriptions.
import { describe, expect, it } from 'vitest';
import {
  assertValidProjectKey,
  isProjectKey,
  projectDescription,
  projectName,
} from '../../../../src/domain/projects/project.js';
import { taskTypeName } from '../../../../src/domain/projects/task-type.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';

const LENGTH = 'Must be 2–10 letters';
const LETTERS = 'Only upper-case letters A–Z are allowed';

describe('assertValidProjectKey', () => {
  it.each([
    ['RE', 'two letters'],
    ['OPS', 'three letters'],
    ['ABCDEFGHIJ', 'ten letters'],
    ['ZZ', 'the last letter'],
  ])('accepts %j (%s)', (key) => {
    expect(() => assertValidProjectKey(key)).not.toThrow();
    expect(isProjectKey(key)).toBe(true);
  });

  it.each([
    ['', LENGTH],
    ['R', LENGTH],
    ['ABCDEFGHIJK', LENGTH],
    ['re', LETTERS],
    ['Re', LETTERS],
    ['R2', LETTERS],
    ['RE-1', LETTERS],
    ['R E', LETTERS],
    [' RE', LETTERS],
    ['RE_', LETTERS],
    ['ÄB', LETTERS],
    ['ΑΒ', LETTERS],
  ])('rejects %j: %s', (key, message) => {
    expect(() => assertValidProjectKey(key)).toThrow(ValidationError);
    expect(() => assertValidProjectKey(key)).toThrow(
      expect.objectContaining({ details: [{ field: 'key', message }] }),
    );
    expect(isProjectKey(key)).toBe(false);
  });

  it('never accepts a UUID, so a project reference is either an id or a key', () => {
    expect(isProjectKey('01234567-89ab-cdef-0123-456789abcdef')).toBe(false);
    expect(isProjectKey('01234567-89AB-CDEF-0123-456789ABCDEF')).toBe(false);
  });

  it('reports the field it was told to', () => {
    expect(() => assertValidProjectKey('x', 'project_key')).toThrow(
      expect.objectContaining({ details: [{ field: 'project_key', message: LENGTH }] }),
    );
  });
});

describe('projectName and projectDescription', () => {
  it('trims a name and bounds it to 1–120 characters', () => {
    expect(projectName('  Release  ')).toBe('Release');
    expect(projectName('x'.repeat(120))).toHaveLength(120);
    expect(() => projectName('   ')).toThrow(
      expect.objectContaining({ details: [{ field: 'name', message: 'Must not be empty' }] }),
    );
    expect(() => projectName('x'.repeat(121))).toThrow(ValidationError);
  });

  it('trims a description, allows it empty, and bounds it to 5000 characters', () => {
    expect(projectDescription('  Ships things ')).toBe('Ships things');
    expect(projectDescription('')).toBe('');
    expect(() => projectDescription('x'.repeat(5001))).toThrow(
      expect.objectContaining({
        details: [{ field: 'description', message: 'Must be at most 5000 characters' }],
      }),
    );
  });
});

describe('taskTypeName', () => {
  it('trims and bounds a task type name to 1–50 characters', () => {
    expect(taskTypeName(' nBDL ')).toBe('nBDL');
    expect(() => taskTypeName('')).toThrow(ValidationError);
    expect(() => taskTypeName('x'.repeat(51))).toThrow(
      expect.objectContaining({
        details: [{ field: 'name', message: 'Must be at most 50 characters' }],
      }),
    );
  });
});
