import { ManifestSet, namespaceOf } from '../manifest-set';
import { ContainerAt, PodSpecAt } from '../pod-specs';
import { parseQuantity } from '../quantity';
import { Finding, Rule } from '../types';
import { Json, containerFinding, finding, isObject } from './helpers';

/** Builds a rule that checks each container on its own. */
function containerRule(id: string, description: string, check: (c: ContainerAt) => Finding | undefined,
  kinds: ContainerAt['kind'][] = ['containers', 'initContainers', 'ephemeralContainers']): Rule {
  return {
    id,
    family: 'runs-on-minikube',
    description,
    check: (set) => set.containers
      .filter((c) => kinds.includes(c.kind))
      .map(check)
      .filter((f): f is Finding => f !== undefined),
  };
}

/** A field of the container's security context, or else of the pod's. */
function effective(c: ContainerAt, field: string): unknown {
  return c.container.securityContext?.[field] ?? c.pod.spec.securityContext?.[field];
}

function isUser(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

export const nonRootUser: Rule = {
  id: 'non-root-user',
  family: 'runs-on-minikube',
  description: 'every container runs as a numeric runAsUser above 0 (set on it or on the pod): with runAsNonRoot the kubelet refuses images whose USER is root or a name, and the restricted standard forbids user 0',
  check(set) {
    const findings: Finding[] = [];
    for (const pod of set.podSpecs) {
      const podUser = pod.spec.securityContext?.runAsUser;
      if (podUser === 0) findings.push(finding('non-root-user', pod.manifest, `${pod.path}.securityContext.runAsUser`, 'sets runAsUser: 0 (root) for the pod: use a numeric user above 0 that suits the images'));
    }
    for (const c of set.containers) {
      if (c.pod.spec.os?.name === 'windows') continue;
      const own = c.container.securityContext?.runAsUser;
      const user = own ?? c.pod.spec.securityContext?.runAsUser;
      if (isUser(user) || (user === 0 && own === undefined)) continue; // a pod-level 0 is reported once, above
      findings.push(containerFinding('non-root-user', c, 'securityContext.runAsUser', user === 0
        ? 'runs as runAsUser: 0 (root): use a numeric user above 0 that suits the image'
        : user === undefined || user === null
          ? 'has no runAsUser (on itself or the pod): set a numeric user above 0 that suits the image'
          : `has runAsUser ${JSON.stringify(user)}, not a number above 0: set a numeric user that suits the image`));
    }
    return findings;
  },
};

/** Whether the container is known to run as a user other than root. */
function runsAsNonRoot(c: ContainerAt): boolean {
  return isUser(effective(c, 'runAsUser')) || effective(c, 'runAsNonRoot') === true;
}

export const unprivilegedPort = containerRule('unprivileged-port',
  'a non-root container listens on ports 1024-65535: ports below 1024 need root',
  (c) => {
    if (!runsAsNonRoot(c) || c.pod.spec.hostNetwork === true) return undefined;
    const ports: Json[] = Array.isArray(c.container.ports) ? c.container.ports : [];
    const index = ports.findIndex((p) => Number.isInteger(p?.containerPort) && p.containerPort > 0 && p.containerPort < 1024);
    return index === -1 ? undefined
      : containerFinding('unprivileged-port', c, `ports[${index}].containerPort`, `runs as a non-root user but listens on port ${ports[index].containerPort}, which only root can bind: use 1024 or above`);
  });

export const resources = containerRule('resources',
  'every container requests cpu and memory and has a memory limit at least its request, so the scheduler can place it and one leak cannot take the node',
  (c) => {
    const r = isObject(c.container.resources) ? c.container.resources : {};
    for (const [field, value] of [['requests.cpu', r.requests?.cpu], ['requests.memory', r.requests?.memory], ['limits.memory', r.limits?.memory]]) {
      if (value === undefined || value === null) return containerFinding('resources', c, `resources.${field}`, `has no resources.${field}`);
    }
    for (const resource of ['cpu', 'memory']) {
      const request = parseQuantity(r.requests?.[resource]);
      const limit = parseQuantity(r.limits?.[resource]);
      if (request !== undefined && limit !== undefined && request > limit) {
        return containerFinding('resources', c, `resources.requests.${resource}`, `requests ${r.requests[resource]} ${resource}, more than its limit ${r.limits[resource]}: the API server refuses that`);
      }
    }
    return undefined;
  }, ['containers', 'initContainers']);

export const pinnedImage = containerRule('pinned-image',
  'every image is pinned to a version tag or digest, never latest or untagged',
  (c) => {
    const image: unknown = c.container.image;
    if (typeof image !== 'string' || image.includes('@sha256:')) return undefined;
    const last = image.slice(image.lastIndexOf('/') + 1);
    const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
    return tag !== '' && tag !== 'latest' ? undefined
      : containerFinding('pinned-image', c, 'image', `uses image "${image}", which is not pinned: add a version tag`);
  });

/** Requests of one container: [cpu cores, memory bytes]. */
function requestsOf(container: Json): [number, number] {
  return [parseQuantity(container?.resources?.requests?.cpu) ?? 0, parseQuantity(container?.resources?.requests?.memory) ?? 0];
}

/**
 * What the scheduler reserves for one pod: the larger of (a) the app containers plus the native
 * sidecars (init containers with restartPolicy Always) and (b) each ordinary init container plus
 * the sidecars started before it.
 */
export function podRequests(spec: Json): [number, number] {
  const add = (a: [number, number], b: [number, number]): [number, number] => [a[0] + b[0], a[1] + b[1]];
  let sidecars: [number, number] = [0, 0];
  let initPeak: [number, number] = [0, 0];
  for (const init of Array.isArray(spec.initContainers) ? spec.initContainers : []) {
    if (init?.restartPolicy === 'Always') {
      sidecars = add(sidecars, requestsOf(init));
    } else {
      const during = add(sidecars, requestsOf(init));
      initPeak = [Math.max(initPeak[0], during[0]), Math.max(initPeak[1], during[1])];
    }
  }
  const running = (Array.isArray(spec.containers) ? spec.containers : []).map(requestsOf).reduce(add, sidecars);
  return [Math.max(running[0], initPeak[0]), Math.max(running[1], initPeak[1])];
}

/** Pods of a workload in steady state: its replicas, or an autoscaler's minReplicas when higher. */
export function steadyPods(set: ManifestSet, pod: PodSpecAt): number {
  const object = pod.manifest.object;
  // The autoscalers' minReplicas by the `namespace/kind/name` they scale, built once per set.
  const autoscalers = set.memo('autoscaler-min-replicas', () => {
    const byTarget = new Map<string, number>();
    for (const h of set.ofKind('HorizontalPodAutoscaler')) {
      const ref = h.object.spec?.scaleTargetRef;
      const key = `${namespaceOf(h.object)}\0${ref?.kind}\0${ref?.name}`;
      const min = Number.isInteger(h.object.spec?.minReplicas) ? h.object.spec.minReplicas : 1;
      byTarget.set(key, Math.max(byTarget.get(key) ?? -Infinity, min));
    }
    return byTarget;
  });
  return Math.max(pod.pods, autoscalers.get(`${namespaceOf(object)}\0${object.kind}\0${object.metadata?.name}`) ?? -Infinity);
}

/** The folder (or file) that a set of manifests came from, for set-wide findings. */
export function setLabel(set: ManifestSet): string {
  const files = [...new Set(set.manifests.map((m) => m.file))];
  if (files.length === 1) return files[0];
  const dirs = [...new Set(files.map((f) => f.slice(0, Math.max(f.lastIndexOf('/'), 0))))];
  return dirs.length === 1 && dirs[0] !== '' ? `${dirs[0]}/` : `${files.length} files`;
}

export const resourceBudget: Rule = {
  id: 'resource-budget',
  family: 'runs-on-minikube',
  description: 'all pods together request no more CPU and memory than the budget (default 1000m and 1536Mi: what a default minikube leaves free); replicas count, a DaemonSet counts once (one node), steady state without rollout surge',
  check: (set, options) => {
    let cpu = 0;
    let memory = 0;
    for (const pod of set.podSpecs) {
      const [podCpu, podMemory] = podRequests(pod.spec);
      const pods = steadyPods(set, pod);
      cpu += podCpu * pods;
      memory += podMemory * pods;
    }
    const cpuMillis = Math.round(cpu * 1000);
    const memoryMiB = Math.round(memory / 2 ** 20);
    if (cpuMillis <= options.cpuBudgetMillis && memoryMiB <= options.memoryBudgetMiB) return [];
    return [{
      rule: 'resource-budget',
      file: setLabel(set),
      object: '(all pods)',
      path: 'resources.requests',
      message: `all pods together request ${cpuMillis}m CPU and ${memoryMiB}Mi memory, over the budget of ${options.cpuBudgetMillis}m and ${options.memoryBudgetMiB}Mi`,
    }];
  },
};

/** The rules that decide whether the pods start and fit on a default minikube. */
export const RUNS_ON_MINIKUBE: readonly Rule[] = [resources, resourceBudget, nonRootUser, unprivilegedPort, pinnedImage];
