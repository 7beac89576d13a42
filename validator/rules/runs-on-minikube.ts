import { ManifestSet, namespaceOf } from '../manifest-set';
import { ContainerAt, PodSpecAt } from '../pod-specs';
import { parseQuantity } from '../quantity';
import { Finding, Rule, ValidateOptions } from '../types';
import { Json, asList, containerFinding, finding, isObject } from './helpers';

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

/** Whether a rule is checked with these options. */
function active(options: Required<ValidateOptions>, id: string, family: string): boolean {
  return !options.skip.includes(id) && !options.skip.includes(family);
}

/**
 * Whether the container runs as non-root, or will once the findings of other rules are fixed:
 * non-root-user asks every container for a user above 0, and the restricted standard asks for
 * runAsNonRoot. Saying so now saves the user a second round.
 */
export function mustRunAsNonRoot(c: ContainerAt, options: Required<ValidateOptions>): boolean {
  return runsAsNonRoot(c) || active(options, 'non-root-user', 'runs-on-minikube')
    || (options.podSecurity === 'restricted' && active(options, 'run-as-non-root', 'pod-security'));
}

export const unprivilegedPort: Rule = {
  id: 'unprivileged-port',
  family: 'runs-on-minikube',
  description: 'a container that runs as non-root (or must, by non-root-user or the restricted standard) declares no port below 1024: only root can bind those, and editing containerPort does not change the port the program listens on',
  check: (set, options) => set.containers.flatMap((c) => {
    if (c.pod.spec.hostNetwork === true || c.pod.spec.os?.name === 'windows' || !mustRunAsNonRoot(c, options)) return [];
    const who = runsAsNonRoot(c) ? 'runs as a non-root user' : 'must run as a non-root user (see non-root-user)';
    return asList(c.container.ports).flatMap((p, i) => (Number.isInteger(p?.containerPort) && p.containerPort > 0 && p.containerPort < 1024
      ? [containerFinding('unprivileged-port', c, `ports[${i}].containerPort`,
        `${who} but declares port ${p.containerPort}, which only root can bind: configure the program (or pick an image) to listen on 1024 or above, then declare that port; a Service may still offer ${p.containerPort}`)]
      : []));
  }),
};

export const resources: Rule = {
  id: 'resources',
  family: 'runs-on-minikube',
  description: 'every container requests cpu and memory and has a memory limit at least its request, so the scheduler can place it and one leak cannot take the node',
  check: (set) => set.containers.filter((c) => c.kind !== 'ephemeralContainers').flatMap((c) => {
    const found: Finding[] = [];
    const r = isObject(c.container.resources) ? c.container.resources : {};
    const missing = ([['requests.cpu', r.requests?.cpu], ['requests.memory', r.requests?.memory], ['limits.memory', r.limits?.memory]] as const)
      .filter(([, value]) => value === undefined || value === null).map(([field]) => `resources.${field}`);
    if (missing.length === 1) found.push(containerFinding('resources', c, missing[0], `has no ${missing[0]}`));
    if (missing.length > 1) found.push(containerFinding('resources', c, 'resources', `has no ${missing.join(', ')}`));
    for (const resource of ['cpu', 'memory']) {
      const request = parseQuantity(r.requests?.[resource]);
      const limit = parseQuantity(r.limits?.[resource]);
      if (request !== undefined && limit !== undefined && request > limit) {
        found.push(containerFinding('resources', c, `resources.requests.${resource}`, `requests ${r.requests[resource]} ${resource}, more than its limit ${r.limits[resource]}: the API server refuses that`));
      }
    }
    return found;
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
  const autoscaled = set.ofKind('HorizontalPodAutoscaler')
    .filter((h) => namespaceOf(h.object) === namespaceOf(object)
      && h.object.spec?.scaleTargetRef?.kind === object.kind && h.object.spec?.scaleTargetRef?.name === object.metadata?.name)
    .map((h) => (Number.isInteger(h.object.spec?.minReplicas) ? h.object.spec.minReplicas : 1));
  return Math.max(pod.pods, ...autoscaled);
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
