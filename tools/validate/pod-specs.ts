import { Manifest } from './types';

/** A pod template found in a manifest, with the path to its `spec` and how many pods it makes. */
export interface PodSpecAt {
  readonly manifest: Manifest;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly spec: any;
  readonly path: string;
  /** Pods that run at once in steady state (replicas; 1 per node for a DaemonSet). */
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

const TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

function replicasOf(object: { kind: string; spec?: { replicas?: number; parallelism?: number; jobTemplate?: { spec?: { parallelism?: number } } } }): number {
  switch (object.kind) {
    case 'Deployment': case 'ReplicaSet': case 'StatefulSet': case 'ReplicationController':
      return object.spec?.replicas ?? 1;
    case 'Job':
      return object.spec?.parallelism ?? 1;
    case 'CronJob':
      return object.spec?.jobTemplate?.spec?.parallelism ?? 1;
    default:
      return 1;
  }
}

/** Every pod spec in the manifests: bare pods and the templates of workloads. */
export function podSpecs(manifests: readonly Manifest[]): PodSpecAt[] {
  const found: PodSpecAt[] = [];
  for (const manifest of manifests) {
    const segments = TEMPLATE_PATHS[manifest.object?.kind];
    if (!segments) continue;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const spec = segments.reduce((node: any, key) => node?.[key], manifest.object);
    if (spec && typeof spec === 'object') {
      found.push({ manifest, spec, path: segments.join('.'), pods: replicasOf(manifest.object) });
    }
  }
  return found;
}

/** Every container of every pod spec. */
export function containers(manifests: readonly Manifest[]): ContainerAt[] {
  const found: ContainerAt[] = [];
  for (const pod of podSpecs(manifests)) {
    for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
      const list = pod.spec[kind];
      if (!Array.isArray(list)) continue;
      list.forEach((container, i) => found.push({ pod, container, kind, path: `${pod.path}.${kind}[${i}]` }));
    }
  }
  return found;
}
