import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkPinnedImage } from './checks';
import { appLabels, labelWorkload, selectorLabels } from './labels';
import { restrictedPodSecurityContext, secureContainer } from './secure-container';

export interface ToolboxProps {
  /**
   * Name of the Deployment; `kubectl exec deploy/<name> -- ...` runs a command in it.
   *
   * @default 'toolbox'
   */
  readonly name?: string;
  /**
   * An image with a shell, `wget` and `nslookup`.
   *
   * @default 'busybox:1.36.1'
   */
  readonly image?: string;
}

/**
 * A pod to run commands from inside the cluster (`wget`, `nslookup`): what a Service's cluster
 * address, a headless Service's DNS records or a NetworkPolicy look like from another pod.
 *
 * `kubectl run` would be the usual way, but a namespace that enforces the "restricted" Pod
 * Security Standard refuses a `kubectl run` pod unless it is given a full security context.
 */
export class Toolbox extends Construct {
  public readonly name: string;
  public readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: ToolboxProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'toolbox';
    checkDnsLabel('name', this.name);
    const image = props.image ?? 'busybox:1.36.1';
    checkPinnedImage('image', image);
    const labels = appLabels({ name: this.name, component: 'toolbox' });
    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: this.name },
      replicas: 1,
      select: false,
      securityContext: restrictedPodSecurityContext(65534),
    });
    labelWorkload(this.deployment, selectorLabels({ name: this.name }), labels);
    this.deployment.addContainer(secureContainer({
      name: this.name,
      image,
      // Sleep in short steps so that the pod stops at once when deleted (sh ignores SIGTERM).
      command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 5 & wait; done'],
      user: 65534,
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 32,
    }));
  }
}
