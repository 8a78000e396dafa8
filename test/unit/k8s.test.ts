// The Kubernetes manifests agree with the code: known variables only, a configuration the app
// accepts, probes on the real health routes, and enough time to drain before SIGKILL.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/bootstrap/config.js';

const ROOT = new URL('../../', import.meta.url);
const K8S = new URL('k8s/', ROOT);

const files = readdirSync(K8S)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const manifests = files.flatMap((file) =>
  parseAllDocuments(readFileSync(new URL(file, K8S), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map(String).join('; ')}`);
    const manifest: any = doc.toJS();
    return { file, ...manifest };
  }),
);

function only(kind: string): any {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
}

/** The variables config.ts validates: the keys of its (unexported) zod schema object. */
const knownVariables = new Set(
  [
    ...readFileSync(fileURLToPath(new URL('src/bootstrap/config.ts', ROOT)), 'utf8').matchAll(
      /^ {2}([A-Z][A-Z0-9_]*):/gm,
    ),
  ].map((m) => m[1]!),
);

const configMap = () => only('ConfigMap');
const secret = () => only('Secret');
const deployment = () => only('Deployment');
const apiContainer = () => deployment().spec.template.spec.containers[0];

describe('the manifests in k8s/', () => {
  it('parse, and each names its kind', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'configmap.yaml',
        'secret.example.yaml',
        'migrate-job.yaml',
        'deployment.yaml',
        'service.yaml',
        'hpa.yaml',
        'pdb.yaml',
      ]),
    );
    for (const m of manifests) {
      expect(m.apiVersion, m.file).toEqual(expect.any(String));
      expect(m.kind, m.file).toEqual(expect.any(String));
      expect(m.metadata.name, m.file).toEqual(expect.any(String));
      expect(m.metadata.namespace, m.file).toBeUndefined();
    }
  });

  it('name only variables that config.ts knows', () => {
    expect(knownVariables.size).toBeGreaterThan(20);
    const named = [
      ...Object.keys(configMap().data),
      ...Object.keys(secret().stringData),
      ...manifests
        .flatMap((m) => m.spec?.template?.spec?.containers ?? [])
        .flatMap((c: any) => (c.env ?? []).map((e: any) => e.name as string)),
    ];
    expect(named.filter((name) => !knownVariables.has(name))).toEqual([]);
  });

  it('keep secrets out of the ConfigMap', () => {
    const secretNames = ['DATABASE_URL', 'REDIS_URL', 'JWT_PRIVATE_KEY', 'SMTP_URL'];
    expect(Object.keys(secret().stringData).sort()).toEqual([...secretNames].sort());
    for (const name of secretNames) expect(configMap().data).not.toHaveProperty(name);
  });

  it('together form a configuration the app accepts', () => {
    const config = loadConfig({ ...configMap().data, ...secret().stringData });
    expect(config.NODE_ENV).toBe('production');
    expect(config.SHUTDOWN_GRACE_MS).toBeGreaterThan(0);
  });

  it('load that configuration into the api and the migrate job', () => {
    const job = only('Job');
    for (const container of [apiContainer(), job.spec.template.spec.containers[0]]) {
      expect(container.envFrom).toEqual([
        { configMapRef: { name: configMap().metadata.name } },
        { secretRef: { name: secret().metadata.name } },
      ]);
    }
    expect(job.spec.template.spec.containers[0].command).toEqual([
      'node',
      'dist/src/bootstrap/migrate.js',
    ]);
  });

  it('probe readiness on /health/ready and liveness on /health', () => {
    const c = apiContainer();
    expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(c.livenessProbe.httpGet.path).toBe('/health');
    expect(c.startupProbe.httpGet.path).toBe('/health');
  });

  it('give a pod more time than the drain takes before SIGKILL', () => {
    const { SHUTDOWN_TIMEOUT_MS, SHUTDOWN_GRACE_MS } = configMap().data;
    const graceSeconds: number = deployment().spec.template.spec.terminationGracePeriodSeconds;
    expect(graceSeconds * 1000).toBeGreaterThan(
      Number(SHUTDOWN_TIMEOUT_MS) + Number(SHUTDOWN_GRACE_MS),
    );
  });

  it('roll out without losing capacity and run as non-root on a read-only filesystem', () => {
    const spec = deployment().spec;
    expect(spec.replicas).toBeGreaterThanOrEqual(2);
    expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(apiContainer().securityContext.readOnlyRootFilesystem).toBe(true);
    expect(apiContainer().volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  it('point the Service, HPA and PDB at the api pods', () => {
    const podLabels = deployment().spec.template.metadata.labels;
    expect(podLabels).toMatchObject(only('Service').spec.selector);
    expect(podLabels).toMatchObject(only('PodDisruptionBudget').spec.selector.matchLabels);
    const hpa = only('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: deployment().metadata.name,
    });
    expect(hpa.spec.metrics).toContainEqual({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
    });
  });
});
