import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkContainerPort, checkDnsLabel, checkEnvVarNames, checkIntegerInRange, checkMemoryMiB, checkPinnedImage } from './checks';

/**
 * A container that runs under the "restricted" Pod Security Standard and fits a small cluster.
 *
 * cdk8s-plus-28's own defaults do not: every container without `resources` requests 1000m CPU
 * and 512Mi, no numeric user is set (so the kubelet refuses images whose USER is root or a name),
 * capabilities are not dropped and no seccomp profile is set. This is the one place where those
 * defaults are overridden; every construct in this library builds its containers through
 * {@link secureContainer}.
 */
export interface SecureContainerProps
  extends Omit<kplus.ContainerProps, 'resources' | 'securityContext' | 'imagePullPolicy' | 'portNumber' | 'port'> {
  /** The image, pinned to a version tag or digest (never `latest`). */
  readonly image: string;
  /**
   * The numeric user the process runs as. It must suit the image: a user that cannot read the
   * image's files, or write where it writes, makes the container crash.
   */
  readonly user: number;
  /**
   * The numeric primary group of the process.
   *
   * @default - the same as `user`
   */
  readonly group?: number;
  /** CPU request in millicores. No CPU limit is set: a limit only throttles an idle node. */
  readonly cpuMillis: number;
  /** Memory request in MiB, a whole number. */
  readonly memoryMiB: number;
  /**
   * Memory limit in MiB: the container is killed (OOMKilled) above it.
   *
   * @default - {@link defaultMemoryLimitMiB} of `memoryMiB`: four times the request
   */
  readonly memoryLimitMiB?: number;
  /**
   * Whether the root filesystem is read-only. Mount an emptyDir where the image writes.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
}

/**
 * How much memory a container may use above its request, when no limit is given: the limit is
 * this many times the request. Four times leaves room for the peaks of the small servers these
 * constructs run (16Mi requested, 64Mi limit for a web server; 64Mi and 256Mi for PostgreSQL),
 * while the request, which is what the scheduler counts, stays small.
 */
export const MEMORY_LIMIT_FACTOR = 4;

/** The memory limit of a container that requests `memoryMiB` and names no limit: `MEMORY_LIMIT_FACTOR × memoryMiB`. */
export function defaultMemoryLimitMiB(memoryMiB: number): number {
  return memoryMiB * MEMORY_LIMIT_FACTOR;
}

/**
 * The memory request and limit of a construct whose props name both optionally: the request
 * defaults to `defaultRequestMiB`, lowered to the limit when only a smaller limit is given; the
 * limit defaults to {@link defaultMemoryLimitMiB} of the request. Checks both; the prop names are
 * `memoryMiB` and `memoryLimitMiB`.
 */
export function memoryOf(props: { readonly memoryMiB?: number; readonly memoryLimitMiB?: number }, defaultRequestMiB: number): { memoryMiB: number; memoryLimitMiB: number } {
  if (props.memoryMiB !== undefined) checkMemoryMiB('memoryMiB', props.memoryMiB);
  if (props.memoryLimitMiB !== undefined) checkMemoryMiB('memoryLimitMiB', props.memoryLimitMiB);
  const memoryMiB = props.memoryMiB ?? Math.min(defaultRequestMiB, props.memoryLimitMiB ?? defaultRequestMiB);
  const memoryLimitMiB = props.memoryLimitMiB ?? defaultMemoryLimitMiB(memoryMiB);
  if (memoryLimitMiB < memoryMiB) {
    throw new Error(`memoryLimitMiB ${memoryLimitMiB} is below memoryMiB ${memoryMiB}: the limit must be at least the request`);
  }
  return { memoryMiB, memoryLimitMiB };
}

/** The security context every container gets: restricted, with a numeric non-root user. */
export function restrictedSecurityContext(user: number, group: number, readOnlyRootFilesystem = true): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user,
    group,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/**
 * Returns container props for cdk8s-plus-28 with the defaults of this library: a numeric
 * non-root user, read-only root filesystem, all capabilities dropped, seccomp RuntimeDefault,
 * no privilege escalation, explicit small resources and `IfNotPresent` pulls.
 */
export function secureContainer(props: SecureContainerProps): kplus.ContainerProps {
  const { user, group, cpuMillis, memoryMiB: requested, memoryLimitMiB: limited, readOnlyRootFilesystem, ...rest } = props;
  if (props.name !== undefined) checkDnsLabel('name', props.name);
  checkPinnedImage('image', props.image);
  checkIntegerInRange('user', user, 1, 2147483647);
  if (group !== undefined) checkIntegerInRange('group', group, 1, 2147483647);
  checkIntegerInRange('cpuMillis', cpuMillis, 1, 64000);
  checkMemoryMiB('memoryMiB', requested);
  const { memoryMiB, memoryLimitMiB } = memoryOf({ memoryMiB: requested, memoryLimitMiB: limited }, requested);
  (props.ports ?? []).forEach((port, i) => checkContainerPort(`ports[${i}].number`, port.number));
  checkEnvVarNames('envVariables', props.envVariables);

  return {
    ...rest,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: restrictedSecurityContext(user, group ?? user, readOnlyRootFilesystem ?? true),
    resources: {
      cpu: { request: kplus.Cpu.millis(cpuMillis) },
      memory: { request: Size.mebibytes(memoryMiB), limit: Size.mebibytes(memoryLimitMiB) },
    },
  };
}

/**
 * Pod-level security context: non-root, with the group that owns mounted volumes (`fsGroup`).
 * (Pod-level seccomp is not a prop in cdk8s-plus-28; {@link secureContainer} sets it per container.)
 */
export function restrictedPodSecurityContext(user: number, group = user, fsGroup = group): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user, group, fsGroup };
}
