// Ids are UUIDs. Values that come from request paths are checked for the shape before they are
// used as ids: what is not a UUID names nothing (and never reaches a uuid column).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
