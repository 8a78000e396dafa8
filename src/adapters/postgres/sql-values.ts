// Values made in SQL the way the application makes them in JavaScript, for set-based writes.
import { sql, type RawBuilder } from 'kysely';

/**
 * A UUID version 7 made in SQL (the app's ids are v7: time-ordered): the current Unix time in
 * milliseconds over the first 48 bits of a random UUID, and the version nibble set to 7.
 */
export const NEW_ID = sql<string>`encode(
  set_bit(set_bit(
    overlay(uuid_send(gen_random_uuid())
      placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
      from 1 for 6),
    52, 1), 53, 1),
  'hex')::uuid`;

/** A timestamptz as JavaScript's toISOString() writes it (UTC, milliseconds, `Z`), or null. */
export const isoTime = (value: RawBuilder<unknown>) =>
  sql<string | null>`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
