// The A/B switch of `npm run bench -- --without-outbox` (what the outbox costs a write, issue 15):
// a module hook that loads the production build with the event append and the commit's nudge
// taken out, and nothing else changed. Each rewrite must find its line, or the server does not
// start: a build that moved the line cannot be measured as if it had been switched off.
//
//   node --import ./bench/harness/without-outbox.mjs dist/src/bootstrap/main.js
import { register } from 'node:module';

register('./without-outbox-hooks.mjs', import.meta.url);
