import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NamespacedChart, WebApp, addLogShipper, appLabels, labelWorkload, restrictedPodSecurityContext, secureContainer, selectorLabels } from '../../lib';
import { Profile } from '../profiles';

export interface SidecarsExampleProps {
  readonly profile: Profile;
  /**
   * Whether the worker's log shipper is a native sidecar (an init container with
   * `restartPolicy: Always`). Set it to false to watch a classic sidecar lose the worker's last
   * lines on shutdown.
   *
   * @default true
   */
  readonly nativeWorkerShipper?: boolean;
}

const WORKER_IMAGE_TAG = '1.36.1';

/**
 * The worker: writes a line to its log file every 5 seconds, and on SIGTERM takes 3 seconds to
 * finish its current job before it writes its last line and exits. Nothing goes to its own
 * output: only the log shipper makes the lines visible.
 */
export const WORKER_SCRIPT = [
  '. /etc/worker/worker.env',
  'log() { echo "$(date +%T) worker: $*" >> /var/log/app/worker.log; }',
  'trap \'log "got SIGTERM, finishing the current job (3 s)"; sleep 3; log "stopped"; exit 0\' TERM',
  'log "started as $WORKER_ID, a job every $INTERVAL s"',
  'n=0',
  'while true; do n=$((n + 1)); log "job $n done"; sleep "$INTERVAL" & wait $!; done',
].join('\n');

/**
 * The classic init container of the worker: renders the worker's configuration from what only
 * the running pod knows (its name and node, from the downward API) into an emptyDir, and exits.
 * The worker starts only after it succeeded, so the file is always there when the worker reads it.
 */
export const RENDER_CONFIG_SCRIPT = [
  'printf \'WORKER_ID=%s@%s\\nINTERVAL=%s\\n\' "$POD_NAME" "$NODE_NAME" 5 > /config/worker.env',
  'echo "render-config: wrote /config/worker.env"',
  'cat /config/worker.env',
].join('\n');

/**
 * Two pods with a log-shipping sidecar each.
 *
 * `web` (a classic sidecar): nginx writes its access and error logs to files in an emptyDir;
 * a second container in the same pod mounts the same emptyDir and prints the files to its own
 * output (`kubectl logs ... -c log-shipper`). Both containers start and stop together.
 *
 * `worker` (a native sidecar): the shipper is an init container with `restartPolicy: Always`.
 * The kubelet starts it before the worker and stops it only after the worker has exited, so it
 * ships the worker's first and last lines. Before it, a classic init container renders the
 * worker's configuration file and exits: init containers run one after another, each to
 * completion (a sidecar: until it has started), before the pod's containers.
 */
export class SidecarsExample extends NamespacedChart {
  public readonly web: WebApp;
  public readonly worker: kplus.Deployment;

  constructor(scope: Construct, id: string, props: SidecarsExampleProps) {
    super(scope, id, { namespace: 'sidecars-demo' });
    // The concept needs one pod of each; more replicas would only add copies of the same logs.
    this.web = new WebApp(this, 'Web', {
      name: 'web',
      image: 'nginxinc/nginx-unprivileged:1.27.4-alpine',
      user: 101,
      port: 8080,
      writablePaths: ['/tmp'],
      replicas: 1,
    });
    // The image links /var/log/nginx/*.log to the container's stdout and stderr; an emptyDir
    // mounted over the folder hides the links, so nginx writes real files the sidecar can read.
    const webLogs = kplus.Volume.fromEmptyDir(this, 'WebLogs', 'logs', { sizeLimit: Size.mebibytes(32) });
    this.web.container.mount('/var/log/nginx', webLogs);
    addLogShipper(this.web.deployment, { volume: webLogs, files: ['access.log', 'error.log'] });

    this.worker = new kplus.Deployment(this, 'Worker', {
      metadata: { name: 'worker' },
      replicas: 1,
      select: false,
      securityContext: restrictedPodSecurityContext(65534),
    });
    labelWorkload(this.worker, selectorLabels({ name: 'worker' }), appLabels({ name: 'worker', version: WORKER_IMAGE_TAG, component: 'worker' }));
    const workerLogs = kplus.Volume.fromEmptyDir(this, 'WorkerLogs', 'logs', { sizeLimit: Size.mebibytes(16) });
    // A classic init container: runs to completion before anything after it starts. It comes
    // first, so the log shipper (a native sidecar, the next init container) and the worker start
    // only once the configuration exists.
    const config = kplus.Volume.fromEmptyDir(this, 'WorkerConfig', 'config', { sizeLimit: Size.mebibytes(1) });
    const render = this.worker.addInitContainer(secureContainer({
      name: 'render-config',
      image: `busybox:${WORKER_IMAGE_TAG}`,
      command: ['sh', '-c', RENDER_CONFIG_SCRIPT],
      envVariables: {
        POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME),
      },
      user: 65534,
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 16,
    }));
    render.mount('/config', config);
    const worker = this.worker.addContainer(secureContainer({
      name: 'worker',
      image: `busybox:${WORKER_IMAGE_TAG}`,
      command: ['sh', '-c', WORKER_SCRIPT],
      user: 65534,
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 32,
    }));
    worker.mount('/var/log/app', workerLogs);
    worker.mount('/etc/worker', config, { readOnly: true });
    addLogShipper(this.worker, { volume: workerLogs, files: ['worker.log'], native: props.nativeWorkerShipper ?? true });
  }
}
