// The part of kustomize the manifests in k8s/ use, to render an overlay in a test without the
// kustomize binary: `resources` (files, or folders holding a kustomization.yaml), `namespace`,
// `images` (newName/newTag) and `patches` given by `path` (strategic merge, matched by kind and
// name: maps merge, lists of named items merge by name, other lists are replaced).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  /** The file it came from, relative to the repository (for messages). */
  readonly file: string;
  readonly object: any;
}

export function readManifests(file: string): any[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map(String).join('; ')}`);
    return doc.toJS();
  });
}

export function kustomize(dir: string): Manifest[] {
  const [kustomization] = readManifests(path.join(dir, 'kustomization.yaml'));
  const known = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
  const unknown = Object.keys(kustomization).filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new Error(`${dir}: unsupported kustomization fields ${unknown.join(', ')}`);

  let manifests: Manifest[] = (kustomization.resources ?? []).flatMap((entry: string) => {
    const resource = path.join(dir, entry);
    return statSync(resource).isDirectory()
      ? kustomize(resource)
      : readManifests(resource).map((object) => ({ file: resource, object }));
  });
  for (const { path: patchFile, ...rest } of kustomization.patches ?? []) {
    if (Object.keys(rest).length > 0) throw new Error(`${dir}: only patches by path are supported`);
    for (const patch of readManifests(path.join(dir, patchFile))) {
      const matches = manifests.filter(
        (m) => m.object.kind === patch.kind && m.object.metadata?.name === patch.metadata?.name,
      );
      if (matches.length !== 1) throw new Error(`${patchFile}: patches ${matches.length} objects`);
      manifests = manifests.map((m) =>
        m === matches[0] ? { ...m, object: strategicMerge(m.object, patch) } : m,
      );
    }
  }
  const images: { name: string; newName?: string; newTag?: string }[] = kustomization.images ?? [];
  return manifests.map(({ file, object }) => {
    const rendered = structuredClone(object);
    if (kustomization.namespace) rendered.metadata.namespace = kustomization.namespace;
    for (const container of podSpecOf(rendered)?.containers ?? []) {
      const [name] = String(container.image).split(':');
      const image = images.find((i) => i.name === name);
      if (image) container.image = `${image.newName ?? name}:${image.newTag ?? 'latest'}`;
    }
    return { file, object: rendered };
  });
}

/** The pod template's spec of a workload (Deployment, Job, …), if it has one. */
export function podSpecOf(object: any): any {
  return object.spec?.template?.spec;
}

function strategicMerge(target: any, patch: any): any {
  if (Array.isArray(target) && Array.isArray(patch)) {
    const named = (list: any[]) => list.every((item) => typeof item?.name === 'string');
    if (!named(target) || !named(patch)) return structuredClone(patch);
    const merged = target.map((item) => {
      const over = patch.find((p) => p.name === item.name);
      return over ? strategicMerge(item, over) : item;
    });
    return [...merged, ...patch.filter((p) => !target.some((t) => t.name === p.name))];
  }
  if (isMap(target) && isMap(patch)) {
    const merged: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      merged[key] = key in target ? strategicMerge(target[key], value) : value;
    }
    return merged;
  }
  return structuredClone(patch);
}

const isMap = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
