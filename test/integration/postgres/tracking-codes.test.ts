// tracking_code_new (migration 0031), on PostgreSQL and PGlite: the project key, a hyphen and ten
// characters of Crockford's base32; no two alike over a large draw, and every character of the
// alphabet at every one of the ten places (each place carries five random bits: a place that
// could not show all 32 characters, or drew from fewer bits, fails this with certainty).
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  TRACKING_ALPHABET,
  TRACKING_CODE_PATTERN,
  TRACKING_RANDOM_LENGTH,
} from '../../../src/domain/tasks/tracking-code.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const DRAWS = 3_000;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

it('draws distinct codes of the key and ten base32 characters, every character at every place', async () => {
  const { rows } = await sql<{ code: string }>`
    select tracking_code_new('RE') as code from generate_series(1, ${DRAWS})
  `.execute(database.handle.db);
  const codes = rows.map((row) => row.code);
  expect(codes).toHaveLength(DRAWS);
  for (const code of codes) expect(code).toMatch(TRACKING_CODE_PATTERN);
  expect(codes.every((code) => code.startsWith('RE-'))).toBe(true);
  expect(new Set(codes).size).toBe(DRAWS);
  for (let place = 0; place < TRACKING_RANDOM_LENGTH; place++) {
    const seen = new Set(codes.map((code) => code[3 + place]));
    expect([...seen].sort().join(''), `place ${place}`).toBe(
      [...TRACKING_ALPHABET].sort().join(''),
    );
  }
});
