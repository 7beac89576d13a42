import { K8sObject, Manifest } from './manifest';

/** A pod template (a Pod is its own), with the path to its `spec` and how many pods it makes. */
export interface PodTemplate {
  readonly spec: K8sObject;
  /** Path to the pod spec, e.g. `spec.template.spec`. */
  readonly path: string;
  /** Path to the pod's metadata, e.g. `spec.template.metadata`. */
  readonly metadataPath: string;
  /** The pod's labels (of the template, or of the Pod itself). */
  readonly labels: Readonly<Record<string, unknown>>;
  /** The pod's annotations. */
  readonly annotations: Readonly<Record<string, unknown>>;
  /** Pods that run at once in steady state (replicas; one for a DaemonSet on a one-node cluster). */
  readonly pods: number;
}

/** A pod template found in a manifest. */
export interface PodSpecAt extends PodTemplate {
  readonly manifest: Manifest;
}

/** A container of a pod spec, init and ephemeral containers included. */
export interface ContainerAt<P extends PodTemplate = PodSpecAt> {
  readonly pod: P;
  readonly container: K8sObject;
  readonly path: string;
  readonly kind: 'containers' | 'initContainers' | 'ephemeralContainers';
}

/** Where the pod spec sits in each kind that makes pods. */
export const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Pods a workload runs at once in steady state, before any autoscaler. */
export function replicasOf(object: K8sObject): number {
  switch (object?.kind) {
    case 'Deployment': case 'ReplicaSet': case 'StatefulSet': case 'ReplicationController':
      return count(object.spec?.replicas, 1);
    case 'Job':
      return count(object.spec?.parallelism, 1);
    case 'CronJob':
      return count(object.spec?.jobTemplate?.spec?.parallelism, 1);
    default:
      return 1;
  }
}

/** The pod template of an object, if its kind makes pods (a Pod is its own template). */
export function podTemplateOf(object: K8sObject): PodTemplate | undefined {
  // Kinds come from the input: `constructor` or `__proto__` must not find Object's own properties.
  const segments = typeof object?.kind === 'string' && Object.hasOwn(TEMPLATE_PATHS, object.kind) ? TEMPLATE_PATHS[object.kind] : undefined;
  if (!segments || object.apiVersion === undefined) return undefined;
  const template = segments.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), object);
  if (!isObject(template) || !isObject(template.spec)) return undefined;
  const metadata = isObject(template.metadata) ? template.metadata : {};
  const prefix = segments.length > 0 ? `${segments.join('.')}.` : '';
  return {
    spec: template.spec,
    path: `${prefix}spec`,
    metadataPath: `${prefix}metadata`,
    labels: isObject(metadata.labels) ? metadata.labels : {},
    annotations: isObject(metadata.annotations) ? metadata.annotations : {},
    pods: replicasOf(object),
  };
}

/** The pod spec of one manifest, if its kind makes pods. */
export function podSpecOf(manifest: Manifest): PodSpecAt | undefined {
  const template = podTemplateOf(manifest.object);
  return template && { manifest, ...template };
}

/** Every pod spec in the manifests: bare pods and the templates of workloads. */
export function podSpecs(manifests: readonly Manifest[]): PodSpecAt[] {
  return manifests.map(podSpecOf).filter((p): p is PodSpecAt => p !== undefined);
}

/** The containers of one pod spec, init and ephemeral containers included (none without a pod spec). */
export function containersOf<P extends PodTemplate>(pod: P | undefined): Array<ContainerAt<P>> {
  const found: Array<ContainerAt<P>> = [];
  if (!pod) return found;
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const list = pod.spec[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => {
      if (isObject(container)) found.push({ pod, container, kind, path: `${pod.path}.${kind}[${i}]` });
    });
  }
  return found;
}

/** Every container of every pod spec. */
export function containers(manifests: readonly Manifest[]): ContainerAt[] {
  return podSpecs(manifests).flatMap(containersOf);
}

/** What a container does in its pod: an app container, an init container, a native sidecar (an init container that keeps running) or an ephemeral one. */
export type ContainerRole = 'container' | 'init' | 'sidecar' | 'ephemeral';

export function containerRole(c: ContainerAt<PodTemplate>): ContainerRole {
  if (c.kind === 'containers') return 'container';
  if (c.kind === 'initContainers') return c.container.restartPolicy === 'Always' ? 'sidecar' : 'init';
  return 'ephemeral';
}

/** How a finding names a container: `container "web"`, `init container "migrate"`. */
export function describeContainer(c: ContainerAt): string {
  const role = containerRole(c);
  return `${role === 'container' ? 'container' : `${role} container`} "${c.container.name}"`;
}

/** The container ports of a pod spec: of its app containers and native sidecars, which keep running. */
export function containerPorts(pod: PodTemplate | undefined): Array<{ containerPort: number; name?: string; container: string }> {
  return containersOf(pod).filter((c) => containerRole(c) === 'container' || containerRole(c) === 'sidecar').flatMap((c) =>
    (Array.isArray(c.container.ports) ? c.container.ports : []).map((p: K8sObject) => ({ containerPort: p?.containerPort, name: p?.name, container: c.container.name })));
}

/** A reference from a pod spec to another object. */
export interface PodRef {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';
  readonly name: string;
  /** How the pod uses it, in a few words: `env`, `envFrom`, `volume /etc/app`, `image pull`, `identity`. */
  readonly how: string;
}

/** Every ConfigMap, Secret, PersistentVolumeClaim and ServiceAccount a pod spec refers to, in spec order. */
export function podRefs(pod: PodTemplate | undefined): PodRef[] {
  const refs: PodRef[] = [];
  if (!pod) return refs;
  const spec = pod.spec;
  const containers = containersOf(pod).map((c) => c.container);
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
  const volumeHow = (volume: string) => ['volume', ...mountPaths(pod, volume)].join(' ');
  for (const volume of spec.volumes ?? []) {
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
  for (const pull of spec.imagePullSecrets ?? []) if (pull.name) refs.push({ kind: 'Secret', name: pull.name, how: 'image pull' });
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  if (account && account !== 'default') refs.push({ kind: 'ServiceAccount', name: account, how: 'identity' });
  return refs;
}

/** Where the containers of a pod mount a volume (or a StatefulSet's claim), each path once. */
export function mountPaths(pod: PodTemplate | undefined, volume: string): string[] {
  return [...new Set(containersOf(pod).flatMap((c) =>
    (c.container.volumeMounts ?? []).filter((m: K8sObject) => m.name === volume).map((m: K8sObject) => m.mountPath as string)))];
}
