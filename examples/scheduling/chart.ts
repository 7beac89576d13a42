import { Construct } from 'constructs';
import { NamespacedChart, NodeAgent, WebApp, WhoamiApp, spreadPods } from '../../lib';
import { Profile } from '../profiles';

export interface SchedulingExampleProps {
  readonly profile: Profile;
}

/**
 * Where pods run. A DaemonSet puts one agent pod on every node; a Deployment's pods are spread
 * over the nodes by a topology spread constraint. `ScheduleAnyway` keeps it a preference, so
 * everything still runs on a single-node minikube.
 */
export class SchedulingExample extends NamespacedChart {
  public readonly agent: NodeAgent;
  public readonly web: WebApp;

  constructor(scope: Construct, id: string, props: SchedulingExampleProps) {
    // The quota leaves room for one agent pod on each node the profile's clusters may have.
    super(scope, id, { namespace: 'scheduling-demo', quota: { nodes: props.profile.maxNodes } });
    this.agent = new NodeAgent(this, 'NodeAgent');

    // whoami answers with the pod's name; `kubectl get pods -o wide` shows each pod's node.
    this.web = new WhoamiApp(this, 'Web', { name: 'web', replicas: props.profile.webReplicas });
    spreadPods(this.web.deployment, this.web.selector, { whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 1 });
  }
}
