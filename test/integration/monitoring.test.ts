// The Grafana dashboard and the Prometheus alert rules in k8s/monitoring/ query only metrics the
// application serves: the app is started with an admin listener as in production, scraped where
// the PodMonitor says (its path, on the admin port), and every series name in every expression
// looked up (a histogram's _bucket/_sum/_count included). The worker's rules (job teamflow-worker)
// are looked up here too: in the default WORKER_MODE=inline this process registers the dispatcher's
// metrics exactly as the worker process does (composeEvents), on the same kind of registry.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { startTestApp, type TestApp } from '../support/app.js';
import { client } from '../support/client.js';
import { servedNames } from '../support/metrics.js';

const MONITORING = new URL('../../k8s/monitoring/', import.meta.url);
const dashboard = JSON.parse(readFileSync(new URL('grafana-dashboard.json', MONITORING), 'utf8'));
const rules = parse(readFileSync(new URL('alerts.yaml', MONITORING), 'utf8'));
/** The api's PodMonitor; the worker's scrapes its own admin port at the same path. */
const podMonitors = parseAllDocuments(
  readFileSync(new URL('podmonitor.yaml', MONITORING), 'utf8'),
).map((doc) => doc.toJS());
const [endpoint] = podMonitors.find((m) => m.metadata.name === 'teamflow-api').spec
  .podMetricsEndpoints;

/** Series Prometheus makes itself for each scrape target: not in /metrics. */
const SCRAPE_SERIES = new Set(['up']);

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool',
  'offset',
]); // prettier-ignore

/** The series names a PromQL expression reads (functions, keywords, labels and ranges left out). */
function seriesNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values, and Grafana legend text
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges: [5m], [$__rate_interval]
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\$\w+/g, '');
  // A whole word (not part of a longer one) not followed by "(" (a function call).
  return [...bare.matchAll(/(?<![\w:])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()/g)]
    .map((m) => m[0])
    .filter((name) => !KEYWORDS.has(name));
}

const dashboardExprs: string[] = dashboard.panels.flatMap((panel: any) =>
  panel.targets.map((target: any) => target.expr as string),
);
const alertRules: any[] = rules.groups.flatMap((group: any) => group.rules);

let t: TestApp;
let served: Set<string>;

beforeAll(async () => {
  t = await startTestApp({ ADMIN_PORT: '0' });
  const scrape = await client(t.adminUrl!).get(endpoint.path);
  expect(scrape.status).toBe(200);
  served = servedNames(scrape.body as string);
});
afterAll(() => t.close());

describe('k8s/monitoring', () => {
  it('reads series names out of PromQL', () => {
    expect(
      seriesNames(
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="a", status=~"5.."}[5m]))) > 0.5 or max(up) == 0',
      ),
    ).toEqual(['http_request_duration_seconds_bucket', 'up']);
  });

  it('is scraped on the admin port: the API’s port answers 404 there', async () => {
    expect(endpoint.port).toBe('admin');
    const onApi = await fetch(`${t.baseUrl}${endpoint.path}`);
    await onApi.text();
    expect(onApi.status).toBe(404);
  });

  it('serves the histograms’ series and the process defaults', () => {
    expect(served).toContain('http_request_duration_seconds_bucket');
    expect(served).toContain('db_pool_wait_seconds_count');
    expect(served).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(served).toContain('process_cpu_seconds_total');
  });

  it('has a dashboard whose every query reads only served metrics', () => {
    expect(dashboard.title).toEqual(expect.any(String));
    expect(dashboardExprs.length).toBeGreaterThanOrEqual(10);
    for (const expr of dashboardExprs) {
      const names = seriesNames(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      expect(
        names.filter((name) => !served.has(name)),
        expr,
      ).toEqual([]);
    }
  });

  it('has alert rules, each with expr, for, labels and annotations, reading only served metrics', () => {
    expect(alertRules.length).toBeGreaterThanOrEqual(5);
    for (const rule of alertRules) {
      expect(rule, rule.alert).toMatchObject({
        alert: expect.stringMatching(/^[A-Za-z]+$/),
        expr: expect.any(String),
        for: expect.stringMatching(/^\d+[smh]$/),
        labels: { severity: expect.stringMatching(/^(page|ticket)$/) },
        annotations: { summary: expect.any(String), description: expect.any(String) },
      });
      const names = seriesNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      const unknown = names.filter((name) => !served.has(name) && !SCRAPE_SERIES.has(name));
      expect(unknown, rule.alert).toEqual([]);
    }
  });
});
