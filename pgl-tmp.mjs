import { PGlite } from '@electric-sql/pglite';
for (let i = 0; i < 6; i++) {
  const db = new PGlite();
  await db.waitReady;
  for (let j = 0; j < 200; j++) await db.query('select $1::int + 1 as x, md5($2) as h', [j, 'x' + j]);
  await db.close();
  if (globalThis.gc) globalThis.gc();
  console.log('round', i);
}
console.log('done');
