// The Kubernetes manifests agree with the code and with Kubernetes: every object (k8s/base, and
// the production overlay rendered as kustomize would) is valid against the Kubernetes schemas
// (kubernetes-models), names only variables config.ts knows in a configuration the app accepts,
// probes the real health routes on the admin port, drains before SIGKILL, and is reachable only as
// intended: the API's port from the ingress, the admin port (metrics) from Prometheus. The event
// worker runs beside the api (which then does not dispatch), never in its Service, HPA or probes.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/bootstrap/config.js';
import { kustomize, podSpecOf, readManifests, type Manifest } from '../support/kustomize.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASE = `${ROOT}k8s/base`;
const PRODUCTION = `${ROOT}k8s/overlays/production`;

const baseFiles = readdirSync(BASE)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const base = kustomize(BASE);
const production = kustomize(PRODUCTION);
/** Not in the kustomization: the Secrets are made out of band. */
const secrets = readManifests(`${BASE}/secret.example.yaml`);
/** Not in the kustomization either: they need the Prometheus operator's CRDs. */
const podMonitors = readManifests(`${ROOT}k8s/monitoring/podmonitor.yaml`);
const podMonitorNamed = (name: string) => podMonitors.find((m) => m.metadata.name === name);
const podMonitor = podMonitorNamed('teamflow-api');
const workerPodMonitor = podMonitorNamed('teamflow-worker');

/** The variables config.ts validates: the keys of its (unexported) zod schema object. */
const knownVariables = new Set(
  [
    ...readFileSync(`${ROOT}src/bootstrap/config.ts`, 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm),
  ].map((m) => m[1]!),
);

function single(manifests: Manifest[], kind: string, component?: string): any {
  const found = manifests
    .map((m) => m.object)
    .filter(
      (o) =>
        o.kind === kind &&
        (component === undefined || o.metadata.labels['app.kubernetes.io/component'] === component),
    );
  expect(found, `${kind} ${component ?? ''}`).toHaveLength(1);
  return found[0];
}

const secretNamed = (name: string) => secrets.find((s) => s.metadata.name === name);

/** kubernetes-models' class for an object's apiVersion and kind, which validates against the schema. */
async function validate(object: any): Promise<void> {
  const [group, version] = String(object.apiVersion).includes('/')
    ? String(object.apiVersion).split('/')
    : [undefined, object.apiVersion];
  const module = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  const { [object.kind]: Model } = (await import(module)) as Record<string, any>;
  new Model(object).validate();
}

describe.each([
  ['k8s/base', base],
  ['k8s/overlays/production', production],
])('the objects of %s', (_, manifests) => {
  it('are each valid against the Kubernetes schemas', async () => {
    expect(manifests.length).toBeGreaterThanOrEqual(9);
    for (const { file, object } of manifests) {
      await expect(validate(object), `${file} ${object.kind}`).resolves.toBeUndefined();
    }
  });

  it('name only variables that config.ts knows, in a configuration the app accepts', () => {
    expect(knownVariables.size).toBeGreaterThan(20);
    const configMap = single(manifests, 'ConfigMap');
    const secret = secretNamed('teamflow-secrets').stringData;
    const named = [
      ...Object.keys(configMap.data),
      ...secrets.flatMap((s) => Object.keys(s.stringData)),
      ...manifests
        .flatMap((m) => podSpecOf(m.object)?.containers ?? [])
        .flatMap((c: any) => (c.env ?? []).map((e: any) => e.name as string)),
    ];
    expect(named.filter((name) => !knownVariables.has(name))).toEqual([]);
    const config = loadConfig({ ...configMap.data, ...secret });
    expect(config.NODE_ENV).toBe('production');
    expect(config.SHUTDOWN_GRACE_MS).toBeGreaterThan(0);
  });

  it('let the HPA own the api’s replica count and roll out without losing capacity', () => {
    const deployment = single(manifests, 'Deployment', 'api');
    const hpa = single(manifests, 'HorizontalPodAutoscaler');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.metrics).toContainEqual({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
    });
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('point the Service, PDB, NetworkPolicy and Ingress at the api pods', () => {
    const deployment = single(manifests, 'Deployment', 'api');
    const podLabels = deployment.spec.template.metadata.labels;
    const service = single(manifests, 'Service');
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(podLabels).toMatchObject(
      single(manifests, 'PodDisruptionBudget', 'api').spec.selector.matchLabels,
    );
    expect(podLabels).toMatchObject(
      single(manifests, 'NetworkPolicy', 'api').spec.podSelector.matchLabels,
    );
    const backends = single(manifests, 'Ingress').spec.rules.flatMap((r: any) =>
      r.http.paths.map((p: any) => ({ path: p.path, ...p.backend.service })),
    );
    for (const backend of backends) {
      expect(backend).toMatchObject({ name: service.metadata.name, port: { name: 'http' } });
      expect(backend.path).not.toMatch(/^\/(metrics|health|docs)/);
    }
    // The Service carries the API only: the admin port is reached pod by pod (probes, scrapes).
    expect(service.spec.ports.map((p: any) => p.targetPort)).toEqual(['http']);
    expect(deployment.spec.template.spec.containers[0].ports[0].name).toBe('http');
  });

  it('open the API on PORT and the operations on ADMIN_PORT, and probe and scrape the latter', () => {
    const config = loadConfig({
      ...single(manifests, 'ConfigMap').data,
      ...secretNamed('teamflow-secrets').stringData,
    });
    const template = single(manifests, 'Deployment', 'api').spec.template;
    const container = template.spec.containers[0];
    const portOf = (name: string) =>
      container.ports.find((p: any) => p.name === name)?.containerPort;
    expect(portOf('http')).toBe(config.PORT);
    expect(config.ADMIN_PORT).toEqual(expect.any(Number));
    expect(portOf('admin')).toBe(config.ADMIN_PORT);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(container[probe].httpGet.port, probe).toBe('admin');
    }
    expect(template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(config.ADMIN_PORT),
      'prometheus.io/path': '/metrics',
    });
    expect(template.metadata.labels).toMatchObject(podMonitor.spec.selector.matchLabels);
  });
});

describe.each([
  ['k8s/base', base],
  ['k8s/overlays/production', production],
])('the event worker of %s', (_, manifests) => {
  const config = () =>
    loadConfig({
      ...single(manifests, 'ConfigMap').data,
      ...secretNamed('teamflow-secrets').stringData,
    });
  const worker = () => single(manifests, 'Deployment', 'worker');
  const container = () => worker().spec.template.spec.containers[0];

  it('runs the worker entry point from the api’s image and environment, the api not dispatching', () => {
    const api = single(manifests, 'Deployment', 'api').spec.template.spec.containers[0];
    expect(worker().spec.template.spec.containers).toHaveLength(1);
    expect(container().command).toEqual(['node', 'dist/src/bootstrap/worker.js']);
    expect(container().image).toBe(api.image);
    expect(container().envFrom).toEqual(api.envFrom);
    // Every variable it names is one config.ts knows, in a configuration the worker accepts.
    const env = Object.fromEntries(container().env.map((e: any) => [e.name, e.value]));
    expect(Object.keys(env).filter((name) => !knownVariables.has(name))).toEqual([]);
    const own = loadConfig({
      ...single(manifests, 'ConfigMap').data,
      ...secretNamed('teamflow-secrets').stringData,
      ...env,
    });
    expect(own.DATABASE_URL).toMatch(/^postgres:/);
    expect(own.REDIS_URL).toMatch(/^redis:/);
    expect(own.DATABASE_POOL_SIZE).toBeLessThan(config().DATABASE_POOL_SIZE);
    // While the worker runs, the api pods leave dispatching to it.
    expect(config().WORKER_MODE).toBe('off');
    expect(worker().spec.replicas).toBe(2);
  });

  it('opens only its admin port, WORKER_ADMIN_PORT, and probes and scrapes it there', () => {
    const template = worker().spec.template;
    expect(container().ports).toEqual([
      { name: 'admin', containerPort: config().WORKER_ADMIN_PORT, protocol: 'TCP' },
    ]);
    expect(container().startupProbe.httpGet).toEqual({ path: '/health', port: 'admin' });
    expect(container().readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'admin' });
    expect(container().livenessProbe.httpGet).toEqual({ path: '/health', port: 'admin' });
    expect(template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(config().WORKER_ADMIN_PORT),
      'prometheus.io/path': '/metrics',
    });
    // A publish in flight ends (or fails) before SIGKILL.
    expect(template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      config().EVENT_BUS_PUBLISH_TIMEOUT_MS,
    );
  });

  it('is outside the api’s Service, HPA, PDB and PodMonitor, and inside its own', () => {
    const apiLabels = single(manifests, 'Deployment', 'api').spec.template.metadata.labels;
    const workerLabels = worker().spec.template.metadata.labels;
    const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => labels[key] === value);
    const hpa = single(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef.name).toBe('teamflow-api');
    expect(selects(single(manifests, 'Service').spec.selector, workerLabels)).toBe(false);
    for (const [kind, selectorOf] of [
      ['PodDisruptionBudget', (o: any) => o.spec.selector.matchLabels],
      ['NetworkPolicy', (o: any) => o.spec.podSelector.matchLabels],
    ] as const) {
      expect(selects(selectorOf(single(manifests, kind, 'api')), workerLabels), kind).toBe(false);
      expect(selects(selectorOf(single(manifests, kind, 'worker')), workerLabels), kind).toBe(true);
      expect(selects(selectorOf(single(manifests, kind, 'worker')), apiLabels), kind).toBe(false);
    }
    expect(single(manifests, 'PodDisruptionBudget', 'worker').spec.maxUnavailable).toBe(1);
    expect(selects(podMonitor.spec.selector.matchLabels, workerLabels)).toBe(false);
    expect(selects(workerPodMonitor.spec.selector.matchLabels, workerLabels)).toBe(true);
    expect(selects(workerPodMonitor.spec.selector.matchLabels, apiLabels)).toBe(false);
  });

  it('lets Prometheus in on admin only, and out to PostgreSQL, Redis, SMTP and DNS only', () => {
    const policy = single(manifests, 'NetworkPolicy', 'worker').spec;
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
        ports: [{ port: 'admin', protocol: 'TCP' }],
      },
    ]);
    const egressPorts = policy.egress
      .flatMap((rule: any) => rule.ports.map((p: any) => `${p.port}/${p.protocol}`))
      .sort();
    expect(egressPorts).toEqual(['465/TCP', '53/TCP', '53/UDP', '5432/TCP', '587/TCP', '6379/TCP']);
  });
});

describe('k8s/monitoring/podmonitor.yaml', () => {
  it.each([
    ['teamflow-api', podMonitor],
    ['teamflow-worker', workerPodMonitor],
  ])('scrapes /metrics on the admin port under the job the alerts read: %s', (job, monitor) => {
    expect(podMonitors).toHaveLength(2);
    expect(monitor).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: job },
    });
    expect(monitor.metadata.namespace).toBeUndefined();
    expect(monitor.spec.podMetricsEndpoints).toEqual([
      {
        port: 'admin',
        path: '/metrics',
        interval: expect.stringMatching(/^\d+s$/),
        relabelings: [{ targetLabel: 'job', replacement: job }],
      },
    ]);
    const alerts = readFileSync(`${ROOT}k8s/monitoring/alerts.yaml`, 'utf8');
    expect(alerts).toContain(`job="${job}"`);
  });
});

describe('the schema check', () => {
  it('refuses an object Kubernetes would refuse', async () => {
    const deployment = structuredClone(single(base, 'Deployment', 'api'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    await expect(validate(deployment)).rejects.toThrow(/containerPort must be integer/);
    delete deployment.spec.selector;
    await expect(validate(deployment)).rejects.toThrow(/selector/);
  });
});

describe('k8s/base', () => {
  it('lists every manifest in its kustomization but the example Secrets', () => {
    const [kustomization] = readManifests(`${BASE}/kustomization.yaml`);
    expect([...kustomization.resources].sort()).toEqual(
      baseFiles.filter((f) => f !== 'kustomization.yaml' && f !== 'secret.example.yaml'),
    );
    for (const { object } of base) expect(object.metadata.namespace).toBeUndefined();
  });

  it('validates the example Secrets and keeps secrets out of the ConfigMap', async () => {
    for (const secret of secrets) await validate(secret);
    const secretNames = [
      'DATABASE_URL',
      'REDIS_URL',
      'JWT_PRIVATE_KEY',
      'SMTP_URL',
      'UNSUBSCRIBE_SECRET',
    ];
    expect(Object.keys(secretNamed('teamflow-secrets').stringData).sort()).toEqual(
      [...secretNames].sort(),
    );
    for (const name of secretNames) expect(single(base, 'ConfigMap').data).not.toHaveProperty(name);
  });

  it('gives the migrate Job the owner’s login and the api a login of its own', () => {
    const api = single(base, 'Deployment', 'api').spec.template.spec.containers[0];
    const job = single(base, 'Job').spec.template.spec.containers[0];
    expect(api.envFrom).toEqual([
      { configMapRef: { name: 'teamflow-config' } },
      { secretRef: { name: 'teamflow-secrets' } },
    ]);
    expect(job.envFrom).toEqual([{ configMapRef: { name: 'teamflow-config' } }]);
    expect(job.env).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'teamflow-migrate-secrets', key: 'DATABASE_URL' } },
      },
    ]);
    expect(job.command).toEqual(['node', 'dist/src/bootstrap/migrate.js']);
    const user = (name: string) => new URL(secretNamed(name).stringData.DATABASE_URL).username;
    expect(user('teamflow-secrets')).toBe('teamflow_api');
    expect(user('teamflow-migrate-secrets')).toBe('teamflow_owner');
  });

  it('probes readiness on /health/ready and liveness on /health (admin port), and drains before SIGKILL', () => {
    const deployment = single(base, 'Deployment', 'api');
    const c = deployment.spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(c.livenessProbe.httpGet.path).toBe('/health');
    expect(c.startupProbe.httpGet.path).toBe('/health');
    const { SHUTDOWN_TIMEOUT_MS, SHUTDOWN_GRACE_MS } = single(base, 'ConfigMap').data;
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      Number(SHUTDOWN_TIMEOUT_MS) + Number(SHUTDOWN_GRACE_MS),
    );
  });

  it('runs as non-root on a read-only filesystem', () => {
    for (const [kind, component] of [
      ['Deployment', 'api'],
      ['Deployment', 'worker'],
      ['Job', 'migrate'],
    ] as const) {
      const spec = single(base, kind, component).spec.template.spec;
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
  });

  it('lets the ingress controller in on http and Prometheus on admin only, and out to its stores only', () => {
    const policy = single(base, 'NetworkPolicy', 'api').spec;
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    const allowed = policy.ingress.map((rule: any) => ({
      from: rule.from.map((from: any) => ({
        namespace: from.namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
        pods: from.podSelector.matchLabels['app.kubernetes.io/name'],
      })),
      ports: rule.ports,
    }));
    expect(allowed).toEqual([
      {
        from: [{ namespace: 'ingress-nginx', pods: 'ingress-nginx' }],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
      {
        from: [{ namespace: 'monitoring', pods: 'prometheus' }],
        ports: [{ port: 'admin', protocol: 'TCP' }],
      },
    ]);
    const egressPorts = policy.egress
      .flatMap((rule: any) => rule.ports.map((p: any) => `${p.port}/${p.protocol}`))
      .sort();
    expect(egressPorts).toEqual(['465/TCP', '53/TCP', '53/UDP', '5432/TCP', '587/TCP', '6379/TCP']);
    const migrate = single(base, 'NetworkPolicy', 'migrate').spec;
    expect(migrate.ingress).toBeUndefined();
    expect(
      migrate.egress.flatMap((rule: any) => rule.ports.map((p: any) => p.port)).sort(),
    ).toEqual([53, 53, 5432]);
  });
});

describe('k8s/overlays/production', () => {
  it('puts everything in its namespace, pins the image and keeps three pods at least', () => {
    for (const { object } of production) expect(object.metadata.namespace).toBe('teamflow');
    const images = production.flatMap((m) =>
      (podSpecOf(m.object)?.containers ?? []).map((c: any) => c.image),
    );
    expect(images).toEqual(Array(3).fill('ghcr.io/teamflow/teamflow:0.1.0'));
    expect(single(production, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(3);
    expect(single(production, 'ConfigMap').data.PUBLIC_URL).toMatch(/^https:\/\//);
  });
});
