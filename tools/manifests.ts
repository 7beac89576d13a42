// Reading synthesized manifests and following the references between objects: the shared model
// of the diagram generator, the docs check and the cluster scripts.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { EXTERNAL_REFS_ANNOTATION, externalRefs as externalRefsOf } from '../lib/external-refs';
import { TEMPLATE_PATHS } from '../validator/pod-specs';
import { Json } from '../validator/types';

/** A Kubernetes object as it appears in dist/. */
export type K8sObject = Json;

/**
 * The annotation that lists objects an example refers to but does not contain, because they are
 * created out of band (`kubectl create secret ...` in the guide): see lib/external-refs.ts.
 */
export { EXTERNAL_REFS_ANNOTATION };

/** The label every object of an example carries, with the example's namespace as value. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** Parses a multi-document YAML text into its objects (empty documents are skipped). */
export function parseManifests(text: string, file = '(text)'): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message.split('\n')[0]}`);
    const object = doc.toJS();
    return object && typeof object === 'object' ? [object] : [];
  });
}

/** Every `dist/<profile>/<example>.yaml`: profile → example → objects. */
export type Dist = Map<string, Map<string, K8sObject[]>>;

/** Reads every profile folder of `dist/` under `root`. */
export function loadDist(root: string, distDir = 'dist'): Dist {
  const dist: Dist = new Map();
  const dir = path.join(root, distDir);
  if (!fs.existsSync(dir)) return dist;
  for (const profile of fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const examples = new Map<string, K8sObject[]>();
    for (const file of fs.readdirSync(path.join(dir, profile)).filter((f) => f.endsWith('.yaml')).sort()) {
      const rel = path.posix.join(distDir, profile, file);
      examples.set(file.replace(/\.yaml$/, ''), parseManifests(fs.readFileSync(path.join(dir, profile, file), 'utf8'), rel));
    }
    dist.set(profile, examples);
  }
  return dist;
}

/** `Kind/name`, the form kubectl prints and the external-refs annotation uses. */
export const kindName = (kind: string, name: string): string => `${kind}/${name}`;

/** The `Kind/name` entries of the external-refs annotation of every object, per namespace. */
export function externalRefs(objects: readonly K8sObject[]): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  for (const object of objects) {
    const entries = externalRefsOf(object?.metadata?.annotations);
    if (entries.length === 0) continue;
    const ns = object.metadata?.namespace ?? '';
    const set = refs.get(ns) ?? new Set<string>();
    for (const entry of entries) set.add(entry);
    refs.set(ns, set);
  }
  return refs;
}

/** The kinds that run pods (Pod first). */
export const WORKLOAD_KINDS = Object.keys(TEMPLATE_PATHS);

/** The pod template of a workload (a Pod is its own template), or undefined for other kinds. */
export function podTemplate(object: K8sObject): { labels: Record<string, string>; spec: K8sObject } | undefined {
  const segments = TEMPLATE_PATHS[object?.kind];
  if (!segments) return undefined;
  const template = segments.reduce((node: K8sObject, key) => node?.[key], object);
  return template?.spec ? { labels: template.metadata?.labels ?? {}, spec: template.spec } : undefined;
}

export type ContainerRole = 'container' | 'init' | 'sidecar';

/** The containers of a pod spec: init containers, native sidecars (init containers that keep running), then the main ones. */
export function containersOf(spec: K8sObject): Array<{ container: K8sObject; role: ContainerRole }> {
  const init = (spec?.initContainers ?? []).map((c: K8sObject) => ({ container: c, role: (c.restartPolicy === 'Always' ? 'sidecar' : 'init') as ContainerRole }));
  const main = (spec?.containers ?? []).map((c: K8sObject) => ({ container: c, role: 'container' as ContainerRole }));
  return [...init, ...main];
}

/** Whether a pod spec uses native sidecars (Kubernetes 1.29+, or 1.28 with a feature gate). */
export function usesNativeSidecars(spec: K8sObject): boolean {
  return containersOf(spec).some((c) => c.role === 'sidecar');
}

/** A reference from a pod spec to another object. */
export interface PodRef {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';
  readonly name: string;
  /** How the pod uses it, in a few words: `env`, `envFrom`, `volume /etc/app`, `image pull`, `identity`. */
  readonly how: string;
}

/** Every ConfigMap, Secret, PersistentVolumeClaim and ServiceAccount a pod spec refers to, in spec order. */
export function podRefs(spec: K8sObject): PodRef[] {
  const refs: PodRef[] = [];
  const containers = containersOf(spec).map((c) => c.container);
  for (const container of containers) {
    for (const env of container.env ?? []) {
      const cm = env.valueFrom?.configMapKeyRef;
      const secret = env.valueFrom?.secretKeyRef;
      if (cm?.name) refs.push({ kind: 'ConfigMap', name: cm.name, how: 'env' });
      if (secret?.name) refs.push({ kind: 'Secret', name: secret.name, how: 'env' });
    }
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef?.name) refs.push({ kind: 'ConfigMap', name: from.configMapRef.name, how: 'envFrom' });
      if (from.secretRef?.name) refs.push({ kind: 'Secret', name: from.secretRef.name, how: 'envFrom' });
    }
  }
  const mountsOf = (volume: string): string[] => [...new Set(containers.flatMap((c: K8sObject) =>
    (c.volumeMounts ?? []).filter((m: K8sObject) => m.name === volume).map((m: K8sObject) => m.mountPath as string)))];
  const volumeHow = (volume: string) => ['volume', ...mountsOf(volume)].join(' ');
  for (const volume of spec?.volumes ?? []) {
    if (volume.configMap?.name) refs.push({ kind: 'ConfigMap', name: volume.configMap.name, how: volumeHow(volume.name) });
    if (volume.secret?.secretName) refs.push({ kind: 'Secret', name: volume.secret.secretName, how: volumeHow(volume.name) });
    if (volume.persistentVolumeClaim?.claimName) {
      refs.push({ kind: 'PersistentVolumeClaim', name: volume.persistentVolumeClaim.claimName, how: volumeHow(volume.name) });
    }
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) refs.push({ kind: 'ConfigMap', name: source.configMap.name, how: volumeHow(volume.name) });
      if (source.secret?.name) refs.push({ kind: 'Secret', name: source.secret.name, how: volumeHow(volume.name) });
    }
  }
  for (const pull of spec?.imagePullSecrets ?? []) if (pull.name) refs.push({ kind: 'Secret', name: pull.name, how: 'image pull' });
  const account = spec?.serviceAccountName ?? spec?.serviceAccount;
  if (account && account !== 'default') refs.push({ kind: 'ServiceAccount', name: account, how: 'identity' });
  return refs;
}

/** Whether every key of a non-empty equality selector appears with the same value among the labels. */
export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/**
 * Whether a LabelSelector (`matchLabels` and `matchExpressions`) selects these labels. An empty
 * selector selects everything, as in a NetworkPolicy's `podSelector: {}`.
 */
export function labelSelectorMatches(selector: K8sObject, labels: Record<string, string> = {}): boolean {
  const matchLabels: Record<string, string> = selector?.matchLabels ?? {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return (selector?.matchExpressions ?? []).every((e: K8sObject) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

/** The container ports of a pod spec, main containers and sidecars. */
export function containerPorts(spec: K8sObject): Array<{ containerPort: number; name?: string; container: string }> {
  return containersOf(spec).filter((c) => c.role !== 'init').flatMap((c) =>
    (c.container.ports ?? []).map((p: K8sObject) => ({ containerPort: p.containerPort, name: p.name, container: c.container.name })));
}
