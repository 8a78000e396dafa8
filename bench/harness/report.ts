// Medians over repetitions, targets, and the table bench/run.ts prints (Markdown, so the README
// can show it as it is).
import type { LoadResult } from './load-spec.js';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** p50 and p99 of `values`, rounded. */
export function latencySummary(values: readonly number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: Math.round(percentile(sorted, 0.5)), p99: Math.round(percentile(sorted, 0.99)) };
}

export interface Summary {
  /** Medians over the repetitions. */
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Totals over the repetitions. */
  readonly errors: number;
  readonly non2xx: number;
  readonly requests: number;
  readonly statusCodes: Record<string, number>;
}

export function summarize(reps: readonly LoadResult[]): Summary {
  const statusCodes: Record<string, number> = {};
  for (const rep of reps) {
    for (const [code, count] of Object.entries(rep.statusCodes)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  // A repetition in which no request finished has no latency (autocannon says 0).
  const answered = reps.filter((r) => r.total > 0);
  return {
    requestsPerSecond: median(reps.map((r) => r.requestsPerSecond)),
    p50: median(answered.map((r) => r.latency.p50)),
    p99: median(answered.map((r) => r.latency.p99)),
    errors: reps.reduce((sum, r) => sum + r.errors, 0),
    non2xx: reps.reduce((sum, r) => sum + r.non2xx, 0),
    requests: reps.reduce((sum, r) => sum + r.total, 0),
    statusCodes,
  };
}

export interface Row {
  readonly scenario: string;
  readonly rps?: number | undefined;
  readonly p50?: number | undefined;
  readonly p99?: number | undefined;
  readonly errors?: number | undefined;
  readonly non2xx?: number | undefined;
  readonly rssMb?: number | undefined;
  readonly ratio?: string | undefined;
  readonly target?: string | undefined;
  readonly pass?: boolean | undefined;
}

const dash = '—';
const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? dash : value.toFixed(digits);

/** A Markdown table of the rows. */
export function formatTable(rows: readonly Row[]): string {
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'RSS MB',
    'ratio',
    'target',
    'pass/fail',
  ];
  const cells = rows.map((r) => [
    r.scenario,
    r.rps === undefined ? dash : Math.round(r.rps).toLocaleString('en'),
    fixed(r.p50, 0),
    fixed(r.p99, 0),
    r.errors === undefined ? dash : String(r.errors),
    r.non2xx === undefined ? dash : String(r.non2xx),
    fixed(r.rssMb, 0),
    r.ratio ?? dash,
    r.target ?? dash,
    r.pass === undefined ? dash : r.pass ? 'pass' : 'FAIL',
  ]);
  const numeric = new Set([1, 2, 3, 4, 5, 6]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
  // As Prettier writes a Markdown table, so the README can take it unchanged.
  const rule = `| ${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}
