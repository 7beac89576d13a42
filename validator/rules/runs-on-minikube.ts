import { ManifestSet, namespaceOf } from '../manifest-set';
import { ContainerAt, PodSpecAt } from '../pod-specs';
import { ImageFacts, factsOf, splitImage } from '../image-facts';
import { parseQuantity } from '../quantity';
import { Finding, Manifest, Rule, ValidateOptions } from '../types';
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
    const found: Finding[] = [];
    const r = isObject(c.container.resources) ? c.container.resources : {};
    const effective = effectiveResources(c.container, limitRangeDefaults(set, namespaceOf(c.pod.manifest.object)));
    const missing = ([['requests.cpu', effective.requests.cpu], ['requests.memory', effective.requests.memory], ['limits.memory', effective.limits.memory]] as const)
      .filter(([, value]) => value === undefined).map(([field]) => `resources.${field}`);
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


/** The port a container makes a known image listen on: from its argument or env var, else the image's default. */
function listeningPort(c: ContainerAt, facts: ImageFacts): number | undefined {
  const words: unknown[] = [...asList(c.container.command), ...asList(c.container.args)];
  if (facts.portFrom?.arg) {
    for (const [i, word] of words.entries()) {
      if (typeof word !== 'string') continue;
      const flag = facts.portFrom.arg;
      if (word === flag || word === flag.replace(/^--/, '-')) return Number(words[i + 1]) || undefined;
      if (word.startsWith(`${flag}=`) || word.startsWith(`${flag.replace(/^--/, '-')}=`)) return Number(word.slice(word.indexOf('=') + 1)) || undefined;
    }
  }
  if (facts.portFrom?.env) {
    const env = asList(c.container.env).find((e) => e?.name === facts.portFrom?.env);
    if (env) return typeof env.value === 'string' ? Number(env.value.slice(env.value.lastIndexOf(':') + 1)) || undefined : undefined;
  }
  return facts.port;
}

/** Whether a mount at `mount` makes `written` writable (the same path or one above it; /var/run is /run). */
function covers(mount: string, written: string): boolean {
  const norm = (p: string) => {
    let end = p.length;
    while (end > 1 && p[end - 1] === '/') end--;
    const trimmed = p.slice(0, end);
    return trimmed === '/var/run' || trimmed.startsWith('/var/run/') ? `/run${trimmed.slice('/var/run'.length)}` : trimmed;
  };
  const m = norm(mount);
  const w = norm(written);
  return w === m || w.startsWith(`${m}/`);
}

export const imageFacts: Rule = {
  id: 'image-facts',
  family: 'runs-on-minikube',
  description: 'a container of an image the validator knows (validator/image-facts.ts: nginx, httpd, postgres, mysql, redis, busybox, traefik/whoami, miniflux...) runs as that image can: as root when it needs root, on the port it listens on, with its paths writable under a read-only root',
  check: (set, options) => set.containers.filter((c) => c.kind !== 'ephemeralContainers').flatMap((c) => {
    const image = c.container.image;
    const facts = typeof image === 'string' ? factsOf(image) : undefined;
    // A command replaces the image's entrypoint: the facts are those of the program it no longer runs.
    if (!facts || asList(c.container.command).length > 0) return [];
    const found: Finding[] = [];
    const nonRoot = mustRunAsNonRoot(c, options);
    const { repository } = splitImage(image);
    if (facts.needsRoot && nonRoot) {
      found.push(containerFinding('image-facts', c, 'image', `runs ${image} as a non-root user${runsAsNonRoot(c) ? '' : ' (as non-root-user asks)'}, but ${facts.needsRoot}`));
    }
    // A config file mounted under /etc may set another port: then the port is not known.
    const mounts = asList(c.container.volumeMounts).map((m) => m?.mountPath).filter((p): p is string => typeof p === 'string');
    const listening = mounts.some((p) => p.startsWith('/etc/')) ? undefined : listeningPort(c, facts);
    const declared = asList(c.container.ports).map((p) => p?.containerPort).filter((p): p is number => Number.isInteger(p));
    const how = facts.portFrom ? `set ${[facts.portFrom.arg, facts.portFrom.env].filter(Boolean).join(' or ')} to the port you want` : 'configure the program to listen there';
    if (listening !== undefined && declared.length > 0 && !declared.includes(listening)) {
      const i = asList(c.container.ports).findIndex((p) => Number.isInteger(p?.containerPort));
      found.push(containerFinding('image-facts', c, `ports[${i}].containerPort`,
        `declares port ${declared.join(', ')}, but ${repository} listens on ${listening}: declaring a port does not change it, so traffic to ${declared[0]} is refused; ${listening < 1024 && nonRoot ? `${how} (1024 or above)` : `declare ${listening}, or ${how}`}`));
    }
    if (listening !== undefined && listening < 1024 && nonRoot && !facts.needsRoot) {
      found.push(containerFinding('image-facts', c, facts.portFrom?.arg ? 'args' : 'image',
        `runs ${repository} as a non-root user, and it listens on ${listening}, which only root can bind: ${how} (1024 or above)`));
    }
    if (c.container.securityContext?.readOnlyRootFilesystem === true) {
      const moved = facts.writesFrom && asList(c.container.env).find((e) => e?.name === facts.writesFrom && typeof e.value === 'string')?.value;
      const writes = moved ? [moved, ...facts.writes.slice(1)] : facts.writes;
      const uncovered = writes.filter((w) => !mounts.some((m) => covers(m, w)));
      if (uncovered.length > 0) {
        found.push(containerFinding('image-facts', c, 'volumeMounts',
          `has a read-only root filesystem, but ${repository} writes ${uncovered.join(' and ')}: mount an emptyDir (or a volume) at ${uncovered.length === 1 ? 'that path' : 'each'}`));
      }
    }
    return found;
  }),
};

/** The rules that decide whether the pods start and fit on a default minikube. */
export const RUNS_ON_MINIKUBE: readonly Rule[] = [resources, resourceBudget, nonRootUser, unprivilegedPort, imageFacts, pinnedImage];
