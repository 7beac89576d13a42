import { ManifestSet, namespaceOf } from '../manifest-set';
import { ContainerAt, PodSpecAt } from '../pod-specs';
import { parseQuantity } from '../quantity';
import { Finding, Manifest, Rule } from '../types';
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

/** What a LimitRange of type Container fills in for a container that sets no request or limit. */
export interface LimitRangeDefaults {
  readonly request: Readonly<Record<string, unknown>>;
  readonly limit: Readonly<Record<string, unknown>>;
}

export const NO_DEFAULTS: LimitRangeDefaults = { request: {}, limit: {} };

/**
 * The defaults the LimitRanges of a namespace give, as the API server applies them: a missing
 * request takes `defaultRequest`, else `default`, else `max`; a missing limit `default`, else `max`.
 */
export function limitRangeDefaults(set: ManifestSet, namespace: string): LimitRangeDefaults {
  // Once per namespace and set: every container asks.
  return set.memo(`limit-range-defaults\0${namespace}`, () => {
    const byNamespace = set.memo('limit-ranges-by-namespace', () => {
      const index = new Map<string, Manifest[]>();
      for (const m of set.ofKind('LimitRange')) {
        const list = index.get(namespaceOf(m.object));
        if (list) list.push(m);
        else index.set(namespaceOf(m.object), [m]);
      }
      return index;
    });
    return defaultsOf(byNamespace.get(namespace) ?? []);
  });
}

function defaultsOf(ranges: readonly Manifest[]): LimitRangeDefaults {
  const request: Record<string, unknown> = {};
  const limit: Record<string, unknown> = {};
  for (const range of ranges) {
    for (const item of Array.isArray(range.object.spec?.limits) ? range.object.spec.limits : []) {
      if (item?.type !== 'Container') continue;
      for (const resource of ['cpu', 'memory']) {
        const defaultLimit = item.default?.[resource] ?? item.max?.[resource];
        if (defaultLimit !== undefined) limit[resource] ??= defaultLimit;
        const defaultRequest = item.defaultRequest?.[resource] ?? defaultLimit;
        if (defaultRequest !== undefined) request[resource] ??= defaultRequest;
      }
    }
  }
  return { request, limit };
}

/**
 * A container's requests and limits as the pod gets them: its own, a request that is not set
 * equals its limit (API defaulting), and what is still missing comes from the LimitRange.
 */
export function effectiveResources(container: Json, defaults: LimitRangeDefaults = NO_DEFAULTS): { requests: Record<string, unknown>; limits: Record<string, unknown> } {
  const r = isObject(container?.resources) ? container.resources : {};
  const own = (field: 'requests' | 'limits') => (isObject(r[field]) ? r[field] : {});
  const limits: Record<string, unknown> = { ...defaults.limit, ...own('limits') };
  const requests: Record<string, unknown> = { ...defaults.request, ...own('limits'), ...own('requests') };
  for (const resource of ['cpu', 'memory']) {
    if (requests[resource] === undefined || requests[resource] === null) delete requests[resource];
    if (limits[resource] === undefined || limits[resource] === null) delete limits[resource];
  }
  return { requests, limits };
}

export const resources: Rule = {
  id: 'resources',
  family: 'runs-on-minikube',
  description: 'every container requests cpu and memory and has a memory limit at least its request (set on it, or filled in by a LimitRange of its namespace), so the scheduler can place it and one leak cannot take the node',
  check: (set) => set.containers.filter((c) => c.kind !== 'ephemeralContainers').flatMap((c) => {
    const r = isObject(c.container.resources) ? c.container.resources : {};
    const effective = effectiveResources(c.container, limitRangeDefaults(set, namespaceOf(c.pod.manifest.object)));
    for (const [field, value] of [['requests.cpu', effective.requests.cpu], ['requests.memory', effective.requests.memory], ['limits.memory', effective.limits.memory]]) {
      if (value === undefined) return [containerFinding('resources', c, `resources.${field}`, `has no resources.${field}`)];
    }
    for (const resource of ['cpu', 'memory']) {
      const request = parseQuantity(r.requests?.[resource]);
      const limit = parseQuantity(r.limits?.[resource]);
      if (request !== undefined && limit !== undefined && request > limit) {
        return [containerFinding('resources', c, `resources.requests.${resource}`, `requests ${r.requests[resource]} ${resource}, more than its limit ${r.limits[resource]}: the API server refuses that`)];
      }
    }
    return [];
  }),
};

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

/** Requests of one container, after defaulting: [cpu cores, memory bytes]. */
function requestsOf(container: Json, defaults: LimitRangeDefaults): [number, number] {
  const { requests } = effectiveResources(container, defaults);
  return [parseQuantity(requests.cpu) ?? 0, parseQuantity(requests.memory) ?? 0];
}

/** The memory limit of one container, after defaulting, in bytes. */
function memoryLimitOf(container: Json, defaults: LimitRangeDefaults): number {
  return parseQuantity(effectiveResources(container, defaults).limits.memory) ?? 0;
}

/**
 * What the scheduler (and a ResourceQuota) counts for one pod: the larger of (a) the app
 * containers plus the native sidecars (init containers with restartPolicy Always) and (b) each
 * ordinary init container plus the sidecars started before it. With `limits`, the same for the
 * memory limits: [cpu cores requested, memory bytes requested, memory bytes of limits].
 */
export function podRequests(spec: Json, defaults: LimitRangeDefaults = NO_DEFAULTS): [number, number] {
  const [cpu, memory] = podTotals(spec, defaults);
  return [cpu, memory];
}

/** [cpu request, memory request, memory limit] of one pod, counted as {@link podRequests} does. */
export function podTotals(spec: Json, defaults: LimitRangeDefaults = NO_DEFAULTS): [number, number, number] {
  const of = (c: Json): number[] => [...requestsOf(c, defaults), memoryLimitOf(c, defaults)];
  const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);
  let sidecars = [0, 0, 0];
  let initPeak = [0, 0, 0];
  for (const init of Array.isArray(spec.initContainers) ? spec.initContainers : []) {
    if (init?.restartPolicy === 'Always') {
      sidecars = add(sidecars, of(init));
    } else {
      initPeak = add(sidecars, of(init)).map((v, i) => Math.max(v, initPeak[i]));
    }
  }
  const running = (Array.isArray(spec.containers) ? spec.containers : []).map(of).reduce(add, sidecars);
  const [cpu, memory, limit] = running.map((v: number, i: number) => Math.max(v, initPeak[i]));
  return [cpu, memory, limit];
}

/** The autoscalers of the set that scale this object (looked up by target, indexed once per set). */
export function autoscalersOf(set: ManifestSet, object: Json): Json[] {
  const key = (namespace: string, kind: unknown, name: unknown) => JSON.stringify([namespace, kind, name]);
  const byTarget = set.memo('autoscalers-by-target', () => {
    const index = new Map<string, Json[]>();
    for (const { object: h } of set.ofKind('HorizontalPodAutoscaler')) {
      const target = key(namespaceOf(h), h.spec?.scaleTargetRef?.kind, h.spec?.scaleTargetRef?.name);
      const list = index.get(target);
      if (list) list.push(h);
      else index.set(target, [h]);
    }
    return index;
  });
  return byTarget.get(key(namespaceOf(object), object.kind, object.metadata?.name)) ?? [];
}

/**
 * The most pods a workload runs outside a rollout: its replicas, or an autoscaler's maxReplicas
 * (what it may scale to, so the budget holds at peak load).
 */
export function steadyPods(set: ManifestSet, pod: PodSpecAt): number {
  const autoscaled = autoscalersOf(set, pod.manifest.object).map((h) => (Number.isInteger(h.spec?.maxReplicas) ? h.spec.maxReplicas : 1));
  return autoscaled.length > 0 ? autoscaled.reduce((a, b) => Math.max(a, b)) : pod.pods;
}

/** The fewest pods a workload runs: its replicas, or an autoscaler's minReplicas. */
export function fewestPods(set: ManifestSet, pod: PodSpecAt): number {
  const autoscaled = autoscalersOf(set, pod.manifest.object).map((h) => (Number.isInteger(h.spec?.minReplicas) ? h.spec.minReplicas : 1));
  return autoscaled.length > 0 ? autoscaled.reduce((a, b) => Math.min(a, b)) : pod.pods;
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
  description: 'all pods together request no more CPU and memory than the budget (default 1000m and 1536Mi: what a default minikube leaves free); replicas count (an autoscaler\'s maxReplicas), a DaemonSet counts once (one node), LimitRange defaults fill in what a container leaves out, without rollout surge',
  check: (set, options) => {
    let cpu = 0;
    let memory = 0;
    for (const pod of set.podSpecs) {
      const [podCpu, podMemory] = podRequests(pod.spec, limitRangeDefaults(set, namespaceOf(pod.manifest.object)));
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
