import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NamespacedChart, Toolbox, WebApp, WhoamiApp, appLabels } from '../../lib';
import { Profile } from '../profiles';

export interface ServicesExampleProps {
  readonly profile: Profile;
}

/** The NodePort of the example; every example uses its own, since a NodePort is cluster-wide. */
export const SERVICES_NODE_PORT = 30080;

/**
 * One app, reached five ways. Every Service but the ExternalName one selects the app's pods by
 * their labels; each answer names the pod that served it, so load balancing is visible.
 */
export class ServicesExample extends NamespacedChart {
  public readonly web: WebApp;

  constructor(scope: Construct, id: string, props: ServicesExampleProps) {
    super(scope, id, { namespace: 'services-demo' });
    // whoami answers every request with the pod's hostname, its IPs and the request headers.
    this.web = new WhoamiApp(this, 'Web', { name: 'web', replicas: props.profile.webReplicas });

    // ClusterIP: a stable virtual IP and DNS name (web.services-demo.svc.cluster.local), inside
    // the cluster only. This is what `kubectl expose deployment web --port 80 --target-port 8080`
    // creates.
    this.web.expose('ClusterIp', { name: 'web', port: 80 });
    // NodePort: additionally opens nodePort 30080 on every node; node:30080 -> Service port 80
    // -> container targetPort 8080.
    this.web.expose('NodePort', { name: 'web-nodeport', type: kplus.ServiceType.NODE_PORT, port: 80, nodePort: SERVICES_NODE_PORT });
    // LoadBalancer: additionally asks for an external IP (`minikube tunnel`, k3s ServiceLB or a
    // cloud load balancer). Port 8000, since k3s's Traefik already holds 80 on the node.
    this.web.expose('LoadBalancer', { name: 'web-lb', type: kplus.ServiceType.LOAD_BALANCER, port: 8000 });
    // Headless: no virtual IP; the DNS name resolves to every ready pod's own IP.
    this.web.expose('Headless', { name: 'web-headless', headless: true, port: 8080 });
    // ExternalName: no pods, no proxy; only a DNS CNAME to another name. Usually that name is
    // outside the cluster (a managed database); here it is the ClusterIP Service, so it answers.
    new kplus.Service(this, 'ExternalName', {
      metadata: { name: 'web-alias', labels: appLabels({ name: 'web-alias', component: 'web' }) },
      type: kplus.ServiceType.EXTERNAL_NAME,
      externalName: `web.${this.namespace}.svc.cluster.local`,
    });

    new Toolbox(this, 'Toolbox');
  }
}
