import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkIngressHost, checkIngressPath, checkObjectKey, showValue } from './checks';
import { addExternalRef } from './external-refs';
import { appLabels } from './labels';

/** One route of a {@link WebIngress}: requests for this host and path go to this Service. */
export interface IngressRoute {
  /**
   * The host the request names (its `Host` header), e.g. `demo.test`.
   *
   * @default - any host
   */
  readonly host?: string;
  /**
   * The path prefix: `/api` matches `/api` and `/api/users`, not `/apis`. Where several routes
   * match, the longest prefix wins.
   *
   * @default '/'
   */
  readonly path?: string;
  /** The Service that answers. It must be in the Ingress's namespace. */
  readonly service: kplus.Service;
  /**
   * The Service port the requests go to (the Service's `port`, not the container's).
   *
   * @default - the Service's only port
   */
  readonly port?: number;
}

/** HTTPS for some hosts of a {@link WebIngress}. */
export interface WebIngressTls {
  /**
   * Name of a `kubernetes.io/tls` Secret (keys `tls.crt` and `tls.key`) created out of band,
   * e.g. `kubectl create secret tls NAME --cert=tls.crt --key=tls.key`. A private key never goes
   * into a chart; the Ingress is annotated so that checks know the Secret is external.
   */
  readonly secretName: string;
  /**
   * The hosts the certificate covers; each must be a host of a route.
   *
   * @default - every host of the routes
   */
  readonly hosts?: string[];
}

export interface WebIngressProps {
  /** Name of the Ingress. */
  readonly name: string;
  /** The routes; at least one. */
  readonly routes: IngressRoute[];
  /**
   * The IngressClass: which ingress controller serves this Ingress (`nginx` on minikube,
   * `traefik` on k3s).
   *
   * @default - no `ingressClassName`: the cluster's default IngressClass serves it
   */
  readonly className?: string;
  /**
   * Terminate HTTPS for some hosts with a certificate from a Secret.
   *
   * @default - HTTP only
   */
  readonly tls?: WebIngressTls;
}

/**
 * HTTP routing into the cluster: an Ingress sends each request to a Service, chosen by the host
 * the request names and the prefix of its path. The Ingress itself is only a set of rules; an
 * ingress controller (ingress-nginx, Traefik, a cloud load balancer) listens on ports 80 and 443
 * and applies them.
 *
 * Every route is checked when the chart is built: the host is a DNS name (not an IP address), the
 * path is one the API server accepts (absolute, no `//` or `/../`), the port is one the Service
 * exposes, and no host and path appear twice.
 */
export class WebIngress extends Construct {
  public readonly ingress: kplus.Ingress;

  constructor(scope: Construct, id: string, props: WebIngressProps) {
    super(scope, id);
    checkDnsLabel('name', props.name);
    if (props.className !== undefined) checkDnsSubdomain('className', props.className);
    if (props.routes.length === 0) throw new Error('routes is empty: an Ingress needs at least one route');
    const seen = new Map<string, number>();
    const ports: number[] = [];
    props.routes.forEach((route, i) => {
      if (route.host !== undefined) {
        checkIngressHost(`routes[${i}].host`, route.host);
        checkObjectKey(`routes[${i}].host`, route.host);
      }
      if (route.path !== undefined) checkIngressPath(`routes[${i}].path`, route.path);
      const where = `${route.host ?? '*'}${route.path ?? '/'}`;
      const first = seen.get(where);
      if (first !== undefined) throw new Error(`routes[${i}] ${showValue(where)} repeats the host and path of routes[${first}]`);
      seen.set(where, i);
      ports.push(servicePort(route, i));
    });
    const routeHosts = [...new Set(props.routes.map((r) => r.host).filter((h): h is string => h !== undefined))];
    const tlsHosts = props.tls?.hosts ?? routeHosts;
    if (props.tls) {
      checkDnsSubdomain('tls.secretName', props.tls.secretName);
      if (tlsHosts.length === 0) throw new Error('tls.hosts is empty: give the routes a host, or list the hosts in tls.hosts');
      tlsHosts.forEach((host, i) => {
        if (!routeHosts.includes(host)) throw new Error(`tls.hosts[${i}] ${showValue(host)} has no route: hosts with routes are ${routeHosts.join(', ') || 'none'}`);
      });
    }

    this.ingress = new kplus.Ingress(this, 'Resource', {
      metadata: { name: props.name, labels: appLabels({ name: props.name, component: 'ingress' }) },
      className: props.className,
      rules: props.routes.map((route, i) => ({
        host: route.host,
        // Without host and path, cdk8s-plus would make the route the default backend; an explicit
        // '/' keeps it a rule, visible in `kubectl describe ingress`.
        path: route.path ?? '/',
        pathType: kplus.HttpIngressPathType.PREFIX,
        backend: kplus.IngressBackend.fromService(route.service, { port: ports[i] }),
      })),
      tls: props.tls ? [{ hosts: tlsHosts, secret: kplus.Secret.fromSecretName(this, 'TlsSecret', props.tls.secretName) }] : undefined,
    });
    if (props.tls) addExternalRef(this.ingress, 'Secret', props.tls.secretName);
  }
}

/** The Service port route `i` goes to; throws unless the Service exposes exactly that port. */
function servicePort(route: IngressRoute, i: number): number {
  const ports = route.service.ports.map((p) => p.port);
  const name = route.service.name;
  if (ports.length === 0) throw new Error(`routes[${i}].service ${showValue(name)} exposes no port`);
  if (route.port === undefined) {
    if (ports.length > 1) throw new Error(`routes[${i}].port is needed: service ${showValue(name)} exposes ports ${ports.join(', ')}`);
    return ports[0];
  }
  if (!ports.includes(route.port)) throw new Error(`routes[${i}].port ${showValue(route.port)} is not a port of service ${showValue(name)}: its ports are ${ports.join(', ')}`);
  return route.port;
}
