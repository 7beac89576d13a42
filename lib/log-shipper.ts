import * as kplus from 'cdk8s-plus-28';
import { checkAbsolutePath, checkDnsLabel, checkIntegerInRange, checkPinnedImage, checkUnique, showValue, trimChar } from './checks';
import { secureContainer } from './secure-container';

export interface LogShipperProps {
  /**
   * The volume the app writes its log files to, usually an emptyDir that the app container
   * mounts too. The shipper mounts it read-only.
   */
  readonly volume: kplus.Volume;
  /** The log files to follow, relative to the volume, e.g. `['access.log']`. */
  readonly files: string[];
  /**
   * A native sidecar: an init container with `restartPolicy: Always`. The kubelet starts it
   * before the app containers and, on shutdown, stops it only after they have exited, so it ships
   * their last lines too. Needs Kubernetes 1.29 or newer (1.28: the `SidecarContainers` feature
   * gate).
   *
   * @default false - a classic sidecar: one more app container, started and stopped with the others
   */
  readonly native?: boolean;
  /**
   * Name of the container: `kubectl logs <pod> -c <name>` shows the shipped lines.
   *
   * @default 'log-shipper'
   */
  readonly name?: string;
  /**
   * An image with `sh` and `tail`.
   *
   * @default 'busybox:1.36.1'
   */
  readonly image?: string;
  /**
   * The numeric user the shipper runs as. It only reads the files, which apps write readable by
   * all (mode 0644), so it needs no user of the app.
   *
   * @default 65534
   */
  readonly user?: number;
  /**
   * Where the volume is mounted in the shipper.
   *
   * @default '/logs'
   */
  readonly mountPath?: string;
}

const RELATIVE_PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/**
 * The shipper's script. It follows the files from their first line, waiting for files that do not
 * exist yet (`tail -F`), and writes them to its own standard output: that is what `kubectl logs`
 * shows and what a cluster's log collector picks up. A real shipper (Fluent Bit, Vector) would
 * send them on to a log store; the sidecar pattern is the same.
 *
 * On SIGTERM it waits one second, so that lines written just before the stop are shipped, then
 * exits. The files are passed as arguments ("$@"), never spliced into the script.
 */
export const LOG_SHIPPER_SCRIPT = [
  'echo "$(date +%T) log-shipper: started, following $*"',
  'tail -n +1 -F "$@" &',
  'trap \'sleep 1; kill $!; echo "$(date +%T) log-shipper: got SIGTERM, stopped"; exit 0\' TERM',
  'wait',
].join('\n');

/**
 * Adds a log shipper to a pod (or a workload's pod template): a sidecar container that mounts the
 * app's log volume read-only and prints the app's log files to its own output.
 *
 * The sidecar counts in the pod's resource requests (a native sidecar too: it runs alongside the
 * app containers) and gets the same restricted security context as every other container.
 */
export function addLogShipper(pod: kplus.AbstractPod, props: LogShipperProps): kplus.Container {
  const name = props.name ?? 'log-shipper';
  const mountPath = props.mountPath ?? '/logs';
  const image = props.image ?? 'busybox:1.36.1';
  const user = props.user ?? 65534;
  checkDnsLabel('name', name);
  checkPinnedImage('image', image);
  checkIntegerInRange('user', user, 1, 2147483647);
  checkAbsolutePath('mountPath', mountPath);
  if (props.files.length === 0) throw new Error('files is empty: name at least one log file to follow');
  props.files.forEach((file, i) => {
    if (typeof file !== 'string' || !RELATIVE_PATH.test(file)) {
      throw new Error(`files[${i}] ${showValue(file)} is not a path relative to the volume: use letters, digits, '.', '_', '-' and '/', no segment starting with '.'`);
    }
  });
  checkUnique('files', props.files);
  const taken = [...pod.containers, ...pod.initContainers].map((c) => c.name);
  if (taken.includes(name)) throw new Error(`name ${showValue(name)} is already a container of this pod`);

  const container = secureContainer({
    name,
    image,
    command: ['sh', '-c', LOG_SHIPPER_SCRIPT, name, ...props.files.map((file) => `${trimChar(mountPath, '/')}/${file}`)],
    user,
    cpuMillis: 5,
    memoryMiB: 8,
    memoryLimitMiB: 32,
    restartPolicy: props.native ? kplus.ContainerRestartPolicy.ALWAYS : undefined,
  });
  const shipper = props.native ? pod.addInitContainer(container) : pod.addContainer(container);
  shipper.mount(mountPath, props.volume, { readOnly: true });
  return shipper;
}
