import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkContainerPort, checkIntegerInRange, checkPinnedImage, checkPositive } from './checks';

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
  /** Memory request in MiB. */
  readonly memoryMiB: number;
  /**
   * Memory limit in MiB: the container is killed (OOMKilled) above it.
   *
   * @default - twice `memoryMiB`
   */
  readonly memoryLimitMiB?: number;
  /**
   * Whether the root filesystem is read-only. Mount an emptyDir where the image writes.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
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
  const { user, group, cpuMillis, memoryMiB, memoryLimitMiB, readOnlyRootFilesystem, ...rest } = props;
  const where = props.name ? `container "${props.name}"` : 'container';
  checkPinnedImage(`${where} image`, props.image);
  checkIntegerInRange(`${where} user`, user, 1, 2147483647);
  if (group !== undefined) checkIntegerInRange(`${where} group`, group, 1, 2147483647);
  checkIntegerInRange(`${where} cpuMillis`, cpuMillis, 1, 64000);
  checkPositive(`${where} memoryMiB`, memoryMiB);
  const limit = memoryLimitMiB ?? memoryMiB * 2;
  if (limit < memoryMiB) {
    throw new Error(`${where} memoryLimitMiB ${limit} is below memoryMiB ${memoryMiB}: the limit must be at least the request`);
  }
  for (const port of props.ports ?? []) checkContainerPort(`${where} port`, port.number);

  return {
    ...rest,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: restrictedSecurityContext(user, group ?? user, readOnlyRootFilesystem ?? true),
    resources: {
      cpu: { request: kplus.Cpu.millis(cpuMillis) },
      memory: { request: Size.mebibytes(memoryMiB), limit: Size.mebibytes(limit) },
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
