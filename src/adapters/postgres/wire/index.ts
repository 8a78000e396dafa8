// The wire interface repositories use: what they may ask of the PostgreSQL wire machinery, and
// nothing of how it is done (pipelined sessions, prepared statements, pg's internals).
//  - `defer(db, statement)`: a statement whose result nobody reads, sent ahead of the
//    transaction's next statement on a pipelined transaction (at once elsewhere);
//  - `QueryTemplates`: statements compiled once per shape, keyed by the shape they are given
//    (never by a hand-written key), their arguments bound as typed placeholders.
export { defer, type Deferrable } from './pipeline.js';
export { QueryTemplates, type Shape } from './templates.js';
