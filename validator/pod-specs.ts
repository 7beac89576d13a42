import { Manifest } from './types';

/** A pod template found in a manifest, with the path to its `spec` and how many pods it makes. */
export interface PodSpecAt {
  readonly manifest: Manifest;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly spec: any;
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

/** A container of a pod spec, init and ephemeral containers included. */
export interface ContainerAt {
  readonly pod: PodSpecAt;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly container: any;
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function replicasOf(object: any): number {
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

/** The pod spec of one manifest, if its kind makes pods. */
export function podSpecOf(manifest: Manifest): PodSpecAt | undefined {
  const object = manifest.object;
  // Kinds come from the input: `constructor` or `__proto__` must not find Object's own properties.
  const segments = typeof object?.kind === 'string' && Object.hasOwn(TEMPLATE_PATHS, object.kind) ? TEMPLATE_PATHS[object.kind] : undefined;
  if (!segments || object.apiVersion === undefined) return undefined;
  const template = segments.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), object);
  if (!isObject(template) || !isObject(template.spec)) return undefined;
  const metadata = isObject(template.metadata) ? template.metadata : {};
  const prefix = segments.length > 0 ? `${segments.join('.')}.` : '';
  return {
    manifest,
    spec: template.spec,
    path: `${prefix}spec`,
    metadataPath: `${prefix}metadata`,
    labels: isObject(metadata.labels) ? metadata.labels : {},
    annotations: isObject(metadata.annotations) ? metadata.annotations : {},
    pods: replicasOf(object),
  };
}

/** Every pod spec in the manifests: bare pods and the templates of workloads. */
export function podSpecs(manifests: readonly Manifest[]): PodSpecAt[] {
  return manifests.map(podSpecOf).filter((p): p is PodSpecAt => p !== undefined);
}

/** The containers of one pod spec, init and ephemeral containers included. */
export function containersOf(pod: PodSpecAt): ContainerAt[] {
  const found: ContainerAt[] = [];
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

/** How a finding names a container: `container "web"`, `init container "migrate"`. */
export function describeContainer(c: ContainerAt): string {
  const what = c.kind === 'containers' ? 'container' : c.kind === 'initContainers' ? (c.container.restartPolicy === 'Always' ? 'sidecar container' : 'init container') : 'ephemeral container';
  return `${what} "${c.container.name}"`;
}
