import { Construct } from 'constructs';
import { NamespacedChart, NodeAgent, WebApp, spreadPods } from '../../lib';
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
    super(scope, id, { namespace: 'scheduling-demo' });
    this.agent = new NodeAgent(this, 'NodeAgent');

    // whoami answers with the pod's name; `kubectl get pods -o wide` shows each pod's node.
    this.web = new WebApp(this, 'Web', {
      name: 'web',
      image: 'traefik/whoami:v1.10.1',
      args: ['--port', '8080'],
      port: 8080,
      writablePaths: [],
      replicas: props.profile.webReplicas,
      cpuMillis: 5,
      memoryMiB: 8,
      memoryLimitMiB: 32,
    });
    spreadPods(this.web.deployment, this.web.selector, { whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 1 });
  }
}
