// Names a test file has not used yet, shared by the builder kits of every tier.

let keySeq = 0;

/**
 * A project key no other call in this test file has made: `prefix` and four letters. Every test
 * file has a database of its own (and vitest gives each file its own modules), so the counter
 * only has to be unique within the file.
 */
export function aKey(prefix = 'P'): string {
  keySeq += 1;
  let n = keySeq;
  let key = '';
  while (key.length < 4) {
    key = String.fromCharCode(65 + (n % 26)) + key;
    n = Math.floor(n / 26);
  }
  return `${prefix}${key}`;
}
