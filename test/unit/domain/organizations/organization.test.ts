// Organization rules: what a slug may look like and what a name must be.
import { describe, expect, it } from 'vitest';
import {
  assertValidOrganizationName,
  assertValidSlug,
} from '../../../../src/domain/organizations/organization.js';
import { ValidationError } from '../../../../src/domain/shared/errors.js';

const LENGTH = 'Must be 3–48 characters';
const CHARACTERS = 'Only lower-case letters, digits and single inner hyphens are allowed';

describe('assertValidSlug', () => {
  it.each([
    ['abc', 'three characters'],
    ['a'.repeat(48), '48 characters'],
    ['acme', 'lower-case letters'],
    ['123', 'digits only'],
    ['a-b', 'an inner hyphen'],
    ['acme-eu-2', 'several single inner hyphens'],
    ['2fast', 'a leading digit'],
  ])('accepts %j (%s)', (slug) => {
    expect(() => assertValidSlug(slug)).not.toThrow();
  });

  it.each([
    ['', LENGTH],
    ['ab', LENGTH],
    ['a'.repeat(49), LENGTH],
    ['Acme', CHARACTERS],
    ['ACME', CHARACTERS],
    ['-acme', CHARACTERS],
    ['acme-', CHARACTERS],
    ['ac--me', CHARACTERS],
    ['acme_1', CHARACTERS],
    ['ac me', CHARACTERS],
    [' acme', CHARACTERS],
    ['acme ', CHARACTERS],
    ['acme\n', CHARACTERS],
    ['acmé', CHARACTERS],
    ['acme.io', CHARACTERS],
    ['01234567-89ab-cdef-0123-456789abcdef', 'Must not look like an id (UUID)'],
  ])('rejects %j: %s', (slug, message) => {
    expect(() => assertValidSlug(slug)).toThrow(ValidationError);
    expect(() => assertValidSlug(slug)).toThrow(
      expect.objectContaining({ details: [{ field: 'slug', message }] }),
    );
  });

  it('reports the field it was told to', () => {
    expect(() => assertValidSlug('ab', 'new_slug')).toThrow(
      expect.objectContaining({ details: [{ field: 'new_slug', message: LENGTH }] }),
    );
  });
});

describe('assertValidOrganizationName', () => {
  it.each([
    ['Acme', 'a plain name'],
    ['  Acme  ', 'blanks around it (they are trimmed)'],
    ['A', 'one character'],
    ['x'.repeat(120), '120 characters'],
    [`  ${'x'.repeat(120)}  `, '120 characters once trimmed'],
    ['Ächme & Söhne GmbH', 'any letters and punctuation'],
  ])('accepts %j (%s)', (name) => {
    expect(() => assertValidOrganizationName(name)).not.toThrow();
  });

  it.each([
    ['', 'Must not be empty'],
    ['   ', 'Must not be empty'],
    ['\t\n', 'Must not be empty'],
    ['x'.repeat(121), 'Must be at most 120 characters'],
  ])('rejects %j: %s', (name, message) => {
    expect(() => assertValidOrganizationName(name)).toThrow(
      expect.objectContaining({ details: [{ field: 'name', message }] }),
    );
  });
});
