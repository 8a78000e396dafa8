// Reads a V8 CPU profile (`npm run bench -- --only 1 --profile DIR` writes one of the API server)
// and prints where the main thread's time went: by package or area, then the functions with the
// most self time. Idle time is left out of the shares.
//
//   npx tsx bench/profile.ts DIR/CPU.….cpuprofile [--top 25]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
if (positionals.length !== 1) {
  console.error('usage: npx tsx bench/profile.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/** Self time per node, in µs (each sample's delta is the time until the next one). */
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i += 1) {
  const id = profile.samples[i]!;
  const delta = profile.timeDeltas[i + 1] ?? 0;
  self.set(id, (self.get(id) ?? 0) + delta);
}

/** The area a frame belongs to: a package, Node's own code, ours, or V8's pseudo-frames. */
function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `package: ${pkg[1]}`;
  const ours = /\/(src|dist\/src)\/(\w+)\/(\w+)/.exec(url);
  if (ours) return `ours: ${ours[2]}/${ours[3]}`;
  return url;
}

const areas = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
let idle = 0;
for (const [id, us] of self) {
  const node = byId.get(id)!;
  const area = areaOf(node);
  if (area === '(idle)') {
    idle += us;
    continue;
  }
  busy += us;
  areas.set(area, (areas.get(area) ?? 0) + us);
  const { functionName, url, lineNumber } = node.callFrame;
  const where =
    url === '' ? '' : ` ${url.replace(/^.*?(node_modules\/|src\/)/, '$1')}:${lineNumber + 1}`;
  const key = `${functionName || '(anonymous)'}${where}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}

const total = (profile.endTime - profile.startTime) / 1e6;
const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
console.log(
  `${positionals[0]}: ${total.toFixed(1)} s profiled, main thread busy ${(busy / 1e6).toFixed(1)} s ` +
    `(${((busy / (busy + idle)) * 100).toFixed(0)} %), idle ${(idle / 1e6).toFixed(1)} s\n`,
);
console.log('Busy time by area:');
for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`  ${pct(us)}  ${area}`);
}
console.log(`\nTop ${values.top} functions by self time:`);
for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`  ${pct(us)}  ${name}`);
}
