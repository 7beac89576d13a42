import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { checkDnsSubdomain, checkIntegerInRange, checkLabels, checkUnique } from './checks';

export interface AllowOnlyFromProps {
  /** Name of the NetworkPolicy. */
  readonly name: string;
  /** Labels of the pods to protect, e.g. a database's selector labels. */
  readonly pods: Record<string, string>;
  /** Labels of the pods, in the same namespace, that may connect: one selector per kind of client. */
  readonly from: ReadonlyArray<Record<string, string>>;
  /** The TCP ports those clients may connect to. */
  readonly ports: readonly number[];
  /**
   * Labels of the NetworkPolicy object.
   *
   * @default - none besides the chart's
   */
  readonly labels?: Record<string, string>;
}

/**
 * A NetworkPolicy that lets only some pods connect to others: once a policy selects a pod, the
 * pod accepts only the incoming connections that a policy allows. Here: from pods labelled like
 * one of `from`, to the TCP `ports`. Outgoing traffic is not restricted.
 *
 * The cluster's network plugin enforces it. Some do not (the default of minikube, for one): there
 * the policy is accepted and has no effect.
 */
export class AllowOnlyFrom extends Construct {
  public readonly policy: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: AllowOnlyFromProps) {
    super(scope, id);
    checkDnsSubdomain('name', props.name);
    if (Object.keys(props.pods).length === 0) {
      throw new Error('pods is empty: a policy with an empty pod selector protects every pod of the namespace');
    }
    if (props.from.length === 0) {
      throw new Error('from is empty: list at least one pod selector (with none, no pod may connect)');
    }
    checkLabels('pods', props.pods);
    props.from.forEach((selector, i) => {
      if (Object.keys(selector).length === 0) {
        throw new Error(`from[${i}] is empty: an empty pod selector lets every pod of the namespace connect`);
      }
      checkLabels(`from[${i}]`, selector);
    });
    checkLabels('labels', props.labels);
    if (props.ports.length === 0) throw new Error('ports is empty: list the ports the clients may connect to');
    props.ports.forEach((port, i) => checkIntegerInRange(`ports[${i}]`, port, 1, 65535));
    checkUnique('ports', props.ports);

    this.policy = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        podSelector: { matchLabels: props.pods },
        policyTypes: ['Ingress'],
        ingress: [{
          from: props.from.map((labels) => ({ podSelector: { matchLabels: labels } })),
          ports: props.ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
        }],
      },
    });
  }
}
