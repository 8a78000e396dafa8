// The hooks of without-outbox.mjs: rewrites two lines of the production build as it is loaded.
const REWRITES = [
  {
    file: '/dist/src/adapters/postgres/event-log-repository.js',
    from: 'await defer(db, appendStatement(db, event));',
    to: 'return; // without-outbox: no event is appended',
  },
  {
    file: '/dist/src/bootstrap/compose-events.js',
    from: 'const nudge = () => bus.nudge();',
    to: 'const nudge = () => undefined; // without-outbox: no nudge',
  },
];

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  const rewrite = REWRITES.find((r) => url.endsWith(r.file));
  if (rewrite === undefined) return loaded;
  const source = String(loaded.source);
  if (!source.includes(rewrite.from)) {
    throw new Error(`without-outbox: "${rewrite.from}" is not in ${rewrite.file} any more`);
  }
  return { ...loaded, source: source.replace(rewrite.from, rewrite.to) };
}
