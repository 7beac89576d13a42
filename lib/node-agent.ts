import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkIntegerInRange, checkVersionedImage } from './checks';
import { appLabels, labelWorkload, selectorLabels } from './labels';
import { restrictedPodSecurityContext, secureContainer } from './secure-container';

export interface NodeAgentProps {
  /**
   * Name of the DaemonSet; its pods are `<name>-<suffix>`, one per node.
   *
   * @default 'node-agent'
   */
  readonly name?: string;
  /**
   * An image with a POSIX shell, `date` and `sleep`.
   *
   * @default 'busybox:1.36.1'
   */
  readonly image?: string;
  /**
   * Seconds between two reports.
   *
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Whether the agent also runs on control plane nodes, which kubeadm-based clusters taint
   * `node-role.kubernetes.io/control-plane:NoSchedule` so that ordinary pods stay off them.
   *
   * @default true
   */
  readonly tolerateControlPlane?: boolean;
}

/**
 * A DaemonSet: one pod on every node, added when a node joins and removed when it leaves. Real
 * node agents (log shippers, monitoring exporters, network plugins) read the node through
 * hostPath volumes and host namespaces, which the "restricted" Pod Security Standard forbids.
 * This one only reports, every `intervalSeconds`, which node it runs on, through the downward
 * API (`spec.nodeName`, `status.hostIP`): enough to see the one-pod-per-node rule in
 * `kubectl logs`.
 */
export class NodeAgent extends Construct {
  public readonly name: string;
  public readonly selector: Record<string, string>;
  public readonly labels: Record<string, string>;
  public readonly daemonSet: kplus.DaemonSet;
  public readonly container: kplus.Container;

  constructor(scope: Construct, id: string, props: NodeAgentProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'node-agent';
    checkDnsLabel('name', this.name);
    const intervalSeconds = props.intervalSeconds ?? 30;
    checkIntegerInRange('intervalSeconds', intervalSeconds, 1, 86400);
    const image = props.image ?? 'busybox:1.36.1';
    const version = checkVersionedImage('image', image);

    this.selector = selectorLabels({ name: this.name });
    this.labels = appLabels({ name: this.name, version, component: 'node-agent' });
    this.daemonSet = new kplus.DaemonSet(this, 'Resource', {
      metadata: { name: this.name },
      select: false,
      securityContext: restrictedPodSecurityContext(65534),
    });
    labelWorkload(this.daemonSet, this.selector, this.labels);
    if (props.tolerateControlPlane ?? true) {
      this.daemonSet.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists('node-role.kubernetes.io/control-plane', { effect: kplus.TaintEffect.NO_SCHEDULE })));
    }

    const field = (path: kplus.EnvFieldPaths) => kplus.EnvValue.fromFieldRef(path);
    this.container = this.daemonSet.addContainer(secureContainer({
      name: 'agent',
      image,
      user: 65534,
      envVariables: {
        NODE_NAME: field(kplus.EnvFieldPaths.NODE_NAME),
        NODE_IP: field(kplus.EnvFieldPaths.NODE_IP),
        POD_NAME: field(kplus.EnvFieldPaths.POD_NAME),
        POD_IP: field(kplus.EnvFieldPaths.POD_IP),
        INTERVAL_SECONDS: kplus.EnvValue.fromValue(String(intervalSeconds)),
      },
      // Sleep in the background and wait, so that SIGTERM stops the pod at once.
      command: ['sh', '-c', [
        'trap "exit 0" TERM',
        'while true; do',
        '  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) node=$NODE_NAME nodeIP=$NODE_IP pod=$POD_NAME podIP=$POD_IP"',
        '  sleep "$INTERVAL_SECONDS" & wait',
        'done',
      ].join('\n')],
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 16,
    }));
  }
}
