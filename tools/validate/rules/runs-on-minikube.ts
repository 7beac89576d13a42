import { ContainerAt, containers, podSpecs } from '../pod-specs';
import { parseQuantity } from '../quantity';
import { Finding, Rule, objectRef } from '../types';

/** A finding about one container. */
function at(c: ContainerAt, rule: string, field: string, message: string): Finding {
  return {
    rule,
    file: c.pod.manifest.file,
    object: objectRef(c.pod.manifest.object),
    path: field ? `${c.path}.${field}` : c.path,
    message: `${c.kind === 'containers' ? 'container' : c.kind === 'initContainers' ? 'init container' : 'ephemeral container'} "${c.container.name}" ${message}`,
  };
}

/** Builds a rule that checks each container on its own. */
function containerRule(id: string, description: string, check: (c: ContainerAt) => Finding | undefined, kinds: ContainerAt['kind'][] = ['containers', 'initContainers', 'ephemeralContainers']): Rule {
  return {
    id,
    description,
    check: (manifests) => containers(manifests)
      .filter((c) => kinds.includes(c.kind))
      .map(check)
      .filter((f): f is Finding => f !== undefined),
  };
}

/** A field of the container's security context, or else of the pod's. */
function effective(c: ContainerAt, field: string): unknown {
  return c.container.securityContext?.[field] ?? c.pod.spec.securityContext?.[field];
}

export const nonRootUser = containerRule('non-root-user',
  'every container runs with runAsNonRoot and a numeric runAsUser above 0: the kubelet refuses images whose USER is root or a name',
  (c) => {
    const user = effective(c, 'runAsUser');
    if (effective(c, 'runAsNonRoot') !== true) return at(c, 'non-root-user', 'securityContext.runAsNonRoot', 'does not set runAsNonRoot: true (in its own or the pod\'s securityContext)');
    if (typeof user !== 'number' || !Number.isInteger(user) || user <= 0) {
      return at(c, 'non-root-user', 'securityContext.runAsUser', `has no numeric runAsUser above 0 (found ${JSON.stringify(user)}): set one that suits the image`);
    }
    return undefined;
  });

export const readOnlyRootFilesystem = containerRule('read-only-root-filesystem',
  'every container has a read-only root filesystem, with writable volumes mounted where its image writes',
  (c) => c.container.securityContext?.readOnlyRootFilesystem === true ? undefined
    : at(c, 'read-only-root-filesystem', 'securityContext.readOnlyRootFilesystem', 'does not set readOnlyRootFilesystem: true'));

export const dropAllCapabilities = containerRule('drop-all-capabilities',
  'every container drops ALL capabilities',
  (c) => (c.container.securityContext?.capabilities?.drop ?? []).includes('ALL') ? undefined
    : at(c, 'drop-all-capabilities', 'securityContext.capabilities.drop', 'does not drop ALL capabilities'));

export const seccompProfile = containerRule('seccomp-profile',
  'every container runs under the RuntimeDefault (or a Localhost) seccomp profile',
  (c) => {
    const type = (effective(c, 'seccompProfile') as { type?: string } | undefined)?.type;
    return type === 'RuntimeDefault' || type === 'Localhost' ? undefined
      : at(c, 'seccomp-profile', 'securityContext.seccompProfile.type', `has seccompProfile type ${JSON.stringify(type)}: set RuntimeDefault`);
  });

export const noPrivilegeEscalation = containerRule('no-privilege-escalation',
  'every container sets allowPrivilegeEscalation: false',
  (c) => c.container.securityContext?.allowPrivilegeEscalation === false ? undefined
    : at(c, 'no-privilege-escalation', 'securityContext.allowPrivilegeEscalation', 'does not set allowPrivilegeEscalation: false'));

export const unprivilegedPort = containerRule('unprivileged-port',
  'a non-root container listens on ports 1024-65535: lower ports need root',
  (c) => {
    const ports: Array<{ containerPort?: number }> = c.container.ports ?? [];
    const index = ports.findIndex((p) => typeof p.containerPort === 'number' && p.containerPort < 1024);
    return index === -1 ? undefined
      : at(c, 'unprivileged-port', `ports[${index}].containerPort`, `listens on port ${ports[index].containerPort}, which a non-root process cannot bind: use 1024 or above`);
  });

export const resources = containerRule('resources',
  'every container requests cpu and memory and has a memory limit, so the scheduler can place it and one leak cannot take the node',
  (c) => {
    const r = c.container.resources ?? {};
    for (const [field, value] of [['requests.cpu', r.requests?.cpu], ['requests.memory', r.requests?.memory], ['limits.memory', r.limits?.memory]]) {
      if (value === undefined) return at(c, 'resources', `resources.${field}`, `has no resources.${field}`);
      if (parseQuantity(value) === undefined) return at(c, 'resources', `resources.${field}`, `has resources.${field} ${JSON.stringify(value)}, which is not a quantity`);
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
      : at(c, 'pinned-image', 'image', `uses image "${image}", which is not pinned: add a version tag`);
  });

/** Requests of one container: [cpu cores, memory bytes]. */
function requestsOf(container: { resources?: { requests?: { cpu?: unknown; memory?: unknown } } }): [number, number] {
  return [parseQuantity(container.resources?.requests?.cpu) ?? 0, parseQuantity(container.resources?.requests?.memory) ?? 0];
}

/**
 * What the scheduler reserves for one pod: the larger of (a) the app containers plus the native
 * sidecars (init containers with restartPolicy Always) and (b) each ordinary init container plus
 * the sidecars started before it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podRequests(spec: any): [number, number] {
  const add = (a: [number, number], b: [number, number]): [number, number] => [a[0] + b[0], a[1] + b[1]];
  let sidecars: [number, number] = [0, 0];
  let initPeak: [number, number] = [0, 0];
  for (const init of spec.initContainers ?? []) {
    if (init.restartPolicy === 'Always') {
      sidecars = add(sidecars, requestsOf(init));
    } else {
      const during = add(sidecars, requestsOf(init));
      initPeak = [Math.max(initPeak[0], during[0]), Math.max(initPeak[1], during[1])];
    }
  }
  const running = (spec.containers ?? []).map(requestsOf).reduce(add, sidecars);
  return [Math.max(running[0], initPeak[0]), Math.max(running[1], initPeak[1])];
}

export const resourceBudget: Rule = {
  id: 'resource-budget',
  description: 'all pods together request no more CPU and memory than the budget (a default minikube leaves about 1000m and 1536Mi)',
  check: (manifests, options) => {
    let cpu = 0;
    let memory = 0;
    for (const pod of podSpecs(manifests)) {
      const [podCpu, podMemory] = podRequests(pod.spec);
      cpu += podCpu * pod.pods;
      memory += podMemory * pod.pods;
    }
    const cpuMillis = Math.round(cpu * 1000);
    const memoryMiB = Math.round(memory / 2 ** 20);
    if (cpuMillis <= options.cpuBudgetMillis && memoryMiB <= options.memoryBudgetMiB) return [];
    const files = [...new Set(manifests.map((m) => m.file))];
    return [{
      rule: 'resource-budget',
      file: files.length === 1 ? files[0] : `${files.length} files`,
      object: '(all pods)',
      path: 'resources.requests',
      message: `all pods together request ${cpuMillis}m CPU and ${memoryMiB}Mi memory, over the budget of ${options.cpuBudgetMillis}m and ${options.memoryBudgetMiB}Mi`,
    }];
  },
};

/** The rules that decide whether manifests run on a default minikube. */
export const RUNS_ON_MINIKUBE: readonly Rule[] = [
  nonRootUser, readOnlyRootFilesystem, dropAllCapabilities, seccompProfile, noPrivilegeEscalation,
  unprivilegedPort, resources, pinnedImage, resourceBudget,
];
