// The Pod Security Standards (Kubernetes 1.28), as the built-in PodSecurity admission checks
// them: every container, init, sidecar and ephemeral containers included. Each rule applies from
// a level on; the level is an option (default restricted).
import { ContainerAt, PodSpecAt, containersOf } from '../pod-specs';
import { Finding, PodSecurityLevel, Rule, ValidateOptions } from '../types';
import { Json, asList, containerFinding, finding, isObject, keyPath, podFinding, quote } from './helpers';

const RANK: Record<PodSecurityLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

function applies(options: Required<ValidateOptions>, level: PodSecurityLevel): boolean {
  return RANK[options.podSecurity] >= RANK[level];
}

/** Windows pods are exempt from the Linux-only restricted controls. */
function isWindows(pod: PodSpecAt): boolean {
  return pod.spec.os?.name === 'windows';
}

/** Builds a rule that checks each pod spec on its own, from `level` on. */
function podRule(id: string, level: PodSecurityLevel, description: string,
  check: (pod: PodSpecAt, options: Required<ValidateOptions>) => Finding[]): Rule {
  return {
    id,
    family: 'pod-security',
    description: `${level}: ${description}`,
    check: (set, options) => (applies(options, level) ? set.podSpecs.flatMap((pod) => check(pod, options)) : []),
  };
}

/** Builds a rule that checks each container on its own, from `level` on. */
function containerRule(id: string, level: PodSecurityLevel, description: string,
  check: (c: ContainerAt, options: Required<ValidateOptions>) => Finding | Finding[] | undefined): Rule {
  return podRule(id, level, description, (pod, options) => containersOf(pod).flatMap((c) => check(c, options) ?? []));
}

const noHostProcess = podRule('no-host-process', 'baseline',
  'no Windows HostProcess containers (windowsOptions.hostProcess), which have privileged access to the node',
  (pod) => {
    const found: Finding[] = [];
    if (pod.spec.securityContext?.windowsOptions?.hostProcess === true) {
      found.push(podFinding('no-host-process', pod, 'securityContext.windowsOptions.hostProcess', 'runs as a Windows HostProcess pod, which the baseline Pod Security Standard forbids'));
    }
    for (const c of containersOf(pod)) {
      if (c.container.securityContext?.windowsOptions?.hostProcess === true) {
        found.push(containerFinding('no-host-process', c, 'securityContext.windowsOptions.hostProcess', 'is a Windows HostProcess container, which the baseline Pod Security Standard forbids'));
      }
    }
    return found;
  });

const noHostNamespaces = podRule('no-host-namespaces', 'baseline',
  'the pod does not share the node\'s network, process or IPC namespace (hostNetwork, hostPID, hostIPC)',
  (pod) => ['hostNetwork', 'hostPID', 'hostIPC']
    .filter((field) => pod.spec[field] === true)
    .map((field) => podFinding('no-host-namespaces', pod, field, `sets ${field}: true, sharing a namespace of the node, which the baseline Pod Security Standard forbids`)));

const noPrivileged = containerRule('no-privileged', 'baseline',
  'no container is privileged (securityContext.privileged), which gives it the whole node',
  (c) => (c.container.securityContext?.privileged === true
    ? containerFinding('no-privileged', c, 'securityContext.privileged', 'is privileged, which the baseline Pod Security Standard forbids: remove privileged: true')
    : undefined));

/** Capabilities that the baseline standard lets a container add: the container runtimes' defaults. */
export const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const baselineCapabilities = containerRule('baseline-capabilities', 'baseline',
  'a container adds no capability beyond the runtime\'s default set (e.g. no SYS_ADMIN, NET_ADMIN, NET_RAW)',
  (c) => asList(c.container.securityContext?.capabilities?.add).flatMap((cap, i) => (BASELINE_CAPABILITIES.has(cap) ? []
    : [containerFinding('baseline-capabilities', c, `securityContext.capabilities.add[${i}]`, `adds capability ${quote(cap)}, which the baseline Pod Security Standard forbids`)])));

const noHostPath = podRule('no-host-path', 'baseline',
  'no hostPath volume, which exposes the node\'s filesystem',
  (pod) => asList(pod.spec.volumes).flatMap((v, i) => (isObject(v) && v.hostPath !== undefined
    ? [podFinding('no-host-path', pod, `volumes[${i}].hostPath`, `volume ${quote(v.name)} is a hostPath volume, which the baseline Pod Security Standard forbids: use an emptyDir, a ConfigMap or a PersistentVolumeClaim`)]
    : [])));

const noHostPorts = containerRule('no-host-ports', 'baseline',
  'no container port is bound on the node (hostPort); use a Service',
  (c) => asList(c.container.ports).flatMap((p, i) => (Number.isInteger(p?.hostPort) && p.hostPort !== 0
    ? [containerFinding('no-host-ports', c, `ports[${i}].hostPort`, `binds hostPort ${p.hostPort} on the node, which the baseline Pod Security Standard forbids: use a NodePort or LoadBalancer Service`)]
    : [])));

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const apparmorProfile = podRule('apparmor-profile', 'baseline',
  'AppArmor is not turned off: the container annotations allow only runtime/default and localhost/ profiles',
  (pod) => Object.entries(pod.annotations)
    .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION) && !(value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'))))
    .map(([key, value]) => finding('apparmor-profile', pod.manifest, `${pod.metadataPath}.annotations${keyPath(key)}`,
      `sets AppArmor profile ${quote(value)} for container "${key.slice(APPARMOR_ANNOTATION.length)}", which the baseline Pod Security Standard forbids: use runtime/default or localhost/<profile>`)));

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

function seLinuxProblems(options: Json): string[] {
  if (!isObject(options)) return [];
  const problems: string[] = [];
  if (options.type !== undefined && !SELINUX_TYPES.has(options.type)) problems.push(`type ${quote(options.type)} (allowed: container_t, container_init_t, container_kvm_t)`);
  if (options.user) problems.push(`user ${quote(options.user)}`);
  if (options.role) problems.push(`role ${quote(options.role)}`);
  return problems;
}

const seLinuxOptions = podRule('selinux-options', 'baseline',
  'SELinux options set no custom user or role, and only the container types',
  (pod) => {
    const found: Finding[] = [];
    const pro = seLinuxProblems(pod.spec.securityContext?.seLinuxOptions);
    if (pro.length > 0) found.push(podFinding('selinux-options', pod, 'securityContext.seLinuxOptions', `sets SELinux ${pro.join(', ')}, which the baseline Pod Security Standard forbids`));
    for (const c of containersOf(pod)) {
      const problems = seLinuxProblems(c.container.securityContext?.seLinuxOptions);
      if (problems.length > 0) found.push(containerFinding('selinux-options', c, 'securityContext.seLinuxOptions', `sets SELinux ${problems.join(', ')}, which the baseline Pod Security Standard forbids`));
    }
    return found;
  });

const procMount = containerRule('proc-mount', 'baseline',
  'containers keep the default masked /proc (procMount: Default)',
  (c) => {
    const value = c.container.securityContext?.procMount;
    return value === undefined || value === 'Default' ? undefined
      : containerFinding('proc-mount', c, 'securityContext.procMount', `sets procMount ${quote(value)}, which the baseline Pod Security Standard forbids: leave it out or use Default`);
  });

const seccompProfile = podRule('seccomp-profile', 'baseline',
  'no seccomp profile is Unconfined; restricted: every container runs under RuntimeDefault or Localhost (set on the pod or on each container)',
  (pod, options) => {
    const found: Finding[] = [];
    const podType = pod.spec.securityContext?.seccompProfile?.type;
    if (podType === 'Unconfined') {
      found.push(podFinding('seccomp-profile', pod, 'securityContext.seccompProfile.type', 'sets seccomp profile Unconfined, which the baseline Pod Security Standard forbids: use RuntimeDefault'));
    }
    const restricted = applies(options, 'restricted') && !isWindows(pod);
    const podValid = podType === 'RuntimeDefault' || podType === 'Localhost';
    for (const c of containersOf(pod)) {
      const type = c.container.securityContext?.seccompProfile?.type;
      if (type === 'Unconfined') {
        found.push(containerFinding('seccomp-profile', c, 'securityContext.seccompProfile.type', 'sets seccomp profile Unconfined, which the baseline Pod Security Standard forbids: use RuntimeDefault'));
      } else if (restricted && type === undefined && !podValid) {
        found.push(containerFinding('seccomp-profile', c, 'securityContext.seccompProfile.type', 'has no seccomp profile (on itself or the pod): the restricted Pod Security Standard requires RuntimeDefault or Localhost'));
      } else if (restricted && type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost') {
        found.push(containerFinding('seccomp-profile', c, 'securityContext.seccompProfile.type', `has seccomp profile ${quote(type)}: the restricted Pod Security Standard requires RuntimeDefault or Localhost`));
      }
    }
    return found;
  });

/** Sysctls that the baseline standard allows (Kubernetes 1.28): they are namespaced and isolated per pod. */
export const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports']);

const safeSysctls = podRule('safe-sysctls', 'baseline',
  'the pod sets only safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, ip_unprivileged_port_start, tcp_syncookies, ping_group_range, ip_local_reserved_ports)',
  (pod) => asList(pod.spec.securityContext?.sysctls).flatMap((s, i) => (SAFE_SYSCTLS.has(s?.name) ? []
    : [podFinding('safe-sysctls', pod, `securityContext.sysctls[${i}].name`, `sets sysctl ${quote(s?.name)}, which the baseline Pod Security Standard forbids`)])));

/** Volume types that the restricted standard allows. */
export const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const volumeTypes = podRule('volume-types', 'restricted',
  'volumes are only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret (hostPath is no-host-path)',
  (pod) => asList(pod.spec.volumes).flatMap((v, i) => {
    if (!isObject(v)) return [];
    const types = Object.keys(v).filter((k) => k !== 'name' && k !== 'hostPath' && !RESTRICTED_VOLUME_TYPES.has(k));
    return types.map((type) => podFinding('volume-types', pod, `volumes[${i}].${type}`, `volume ${quote(v.name)} is of type ${type}, which the restricted Pod Security Standard forbids: use a PersistentVolumeClaim`));
  }));

const noPrivilegeEscalation = containerRule('no-privilege-escalation', 'restricted',
  'every container sets allowPrivilegeEscalation: false',
  (c) => (c.container.securityContext?.allowPrivilegeEscalation === false || isWindows(c.pod) ? undefined
    : containerFinding('no-privilege-escalation', c, 'securityContext.allowPrivilegeEscalation', 'does not set allowPrivilegeEscalation: false, which the restricted Pod Security Standard requires')));

const runAsNonRoot = podRule('run-as-non-root', 'restricted',
  'runAsNonRoot is true for every container (on the pod, or on each container) and never false',
  (pod) => {
    const found: Finding[] = [];
    const podValue = pod.spec.securityContext?.runAsNonRoot;
    if (podValue === false) found.push(podFinding('run-as-non-root', pod, 'securityContext.runAsNonRoot', 'sets runAsNonRoot: false, which the restricted Pod Security Standard forbids'));
    for (const c of containersOf(pod)) {
      const value = c.container.securityContext?.runAsNonRoot;
      if (value === false) found.push(containerFinding('run-as-non-root', c, 'securityContext.runAsNonRoot', 'sets runAsNonRoot: false, which the restricted Pod Security Standard forbids'));
      else if (value === undefined && podValue !== true) found.push(containerFinding('run-as-non-root', c, 'securityContext.runAsNonRoot', 'does not set runAsNonRoot: true (on itself or the pod), which the restricted Pod Security Standard requires'));
    }
    return found;
  });

const dropAllCapabilities = containerRule('drop-all-capabilities', 'restricted',
  'every container drops ALL capabilities and adds back at most NET_BIND_SERVICE (other additions are baseline-capabilities)',
  (c) => {
    if (isWindows(c.pod)) return undefined;
    const caps = c.container.securityContext?.capabilities;
    const found: Finding[] = [];
    if (!asList(caps?.drop).includes('ALL')) found.push(containerFinding('drop-all-capabilities', c, 'securityContext.capabilities.drop', 'does not drop ALL capabilities, which the restricted Pod Security Standard requires'));
    asList(caps?.add).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(cap)) {
        found.push(containerFinding('drop-all-capabilities', c, `securityContext.capabilities.add[${i}]`, `adds capability ${quote(cap)}: the restricted Pod Security Standard allows adding back only NET_BIND_SERVICE`));
      }
    });
    return found;
  });

/**
 * The Pod Security Standards. The restricted control "Running as Non-root user" (runAsUser is
 * never 0) is checked by non-root-user, which demands more: a numeric user above 0.
 */
export const POD_SECURITY_RULES: readonly Rule[] = [
  noHostProcess, noHostNamespaces, noPrivileged, baselineCapabilities, noHostPath, noHostPorts, apparmorProfile,
  seLinuxOptions, procMount, seccompProfile, safeSysctls,
  volumeTypes, noPrivilegeEscalation, runAsNonRoot, dropAllCapabilities,
];
