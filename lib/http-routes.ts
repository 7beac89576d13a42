// Gateway API: the successor of Ingress. A Gateway is an entry point (listeners: a port and a
// protocol) run by the implementation its GatewayClass names; HTTPRoutes attach to it and send
// each request, by host and path, to Services, optionally split by weight.
//
// The Gateway API is not built into Kubernetes: its kinds are CustomResourceDefinitions, installed
// into the cluster by hand (or by the distribution), and cdk8s-plus has no constructs for them.
// The classes below come from `npm run import:gateway` (`cdk8s import` of the v1.6.1 CRDs): copy
// imports/gateway.networking.k8s.io.ts along with this file, or import the CRDs into your app.
import * as kplus from 'cdk8s-plus-28';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, HttpRoute, HttpRouteSpecRulesMatchesPathType,
} from '../imports/gateway.networking.k8s.io';
import { checkDnsLabel, checkHttpRoutePath, checkIntegerInRange, checkUnique } from './checks';
import { addExternalRef } from './external-refs';
import { appLabels } from './labels';

/** The CRDs behind these kinds: created out of band, so checks know the kinds are installed on purpose. */
export const GATEWAY_CRD = 'gateways.gateway.networking.k8s.io';
export const HTTP_ROUTE_CRD = 'httproutes.gateway.networking.k8s.io';

/** A hostname as Gateway API takes it: a DNS name, optionally with a leading `*.` label; no IP, no port. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkHostname(prop: string, host: string): void {
  if (host.length > 253 || !HOSTNAME.test(host) || /^[0-9.]+$/.test(host)) {
    throw new Error(`${prop} "${host}" is not a hostname: use lowercase letters, digits, '-' and '.' (a leading '*.' for a wildcard), without a port or an IP address`);
  }
}

export interface WebGatewayProps {
  /** Name of the Gateway. */
  readonly name: string;
  /**
   * The GatewayClass: which implementation runs the Gateway (`eg` for Envoy Gateway, `traefik`
   * for Traefik). Gateway API has no default class.
   */
  readonly className: string;
  /**
   * The port of the HTTP listener, named `http`. What the implementation accepts differs: Envoy
   * Gateway takes any port, Traefik only the port of one of its entry points (8000).
   *
   * @default 80
   */
  readonly port?: number;
  /**
   * Accept only requests for this host (and attach only routes whose hosts match it).
   *
   * @default - any host
   */
  readonly host?: string;
}

/**
 * A Gateway with one HTTP listener, `http`, that accepts HTTPRoutes of its own namespace. The
 * implementation of its class watches it and starts (or configures) a proxy that listens on the
 * port; `kubectl get gateway` shows its address once it is programmed.
 */
export class WebGateway extends Construct {
  public readonly name: string;
  public readonly gateway: Gateway;
  /** The listener names, for routes to attach to. */
  public readonly listeners: readonly string[] = ['http'];

  constructor(scope: Construct, id: string, props: WebGatewayProps) {
    super(scope, id);
    checkDnsLabel('name', props.name);
    checkDnsLabel('className', props.className);
    const port = props.port ?? 80;
    checkIntegerInRange('port', port, 1, 65535);
    if (props.host !== undefined) checkHostname('host', props.host);
    this.name = props.name;
    this.gateway = new Gateway(this, 'Resource', {
      metadata: { name: props.name, labels: appLabels({ name: props.name, component: 'gateway' }) },
      spec: {
        gatewayClassName: props.className,
        listeners: [{
          name: 'http',
          protocol: 'HTTP',
          port,
          hostname: props.host,
          allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } },
        }],
      },
    });
    addExternalRef(this.gateway, 'CustomResourceDefinition', GATEWAY_CRD);
  }
}

/** Where a rule sends requests: a Service, one of its ports, and a share of the traffic. */
export interface RouteBackend {
  /** The Service; it must be in the route's namespace. */
  readonly service: kplus.Service;
  /**
   * The Service port (the Service's `port`, not the container's).
   *
   * @default - the Service's only port
   */
  readonly port?: number;
  /**
   * This backend's share of the rule's requests, relative to the other backends of the rule:
   * weights 90 and 10 send 9 requests in 10 here and 1 there. 0 sends none. Between 0 and 1000000.
   *
   * @default 1
   */
  readonly weight?: number;
}

/** One rule of an {@link HttpRoutes}: requests whose path matches go to the backends. */
export interface RouteRule {
  /**
   * The path. As a prefix, `/api` matches `/api` and `/api/users`, not `/apis`; where several
   * rules match, the longest path wins. It starts with `/` and holds no `//`, `/./`, `/../`,
   * `%2f` or `#`: the API server refuses those.
   *
   * @default '/'
   */
  readonly path?: string;
  /**
   * How the path matches: as a prefix of whole segments, or exactly.
   *
   * @default 'PathPrefix'
   */
  readonly match?: 'PathPrefix' | 'Exact';
  /** The backends, at least one, at most 16. */
  readonly backends: RouteBackend[];
}

export interface HttpRoutesProps {
  /** Name of the HTTPRoute. */
  readonly name: string;
  /** The Gateway whose listener accepts the requests; it must be in the route's namespace. */
  readonly gateway: WebGateway;
  /**
   * The listener of the Gateway the route attaches to.
   *
   * @default - every listener of the Gateway
   */
  readonly listener?: string;
  /**
   * The hosts the route answers for (the request's `Host` header), at most 16.
   *
   * @default - every host the listener accepts
   */
  readonly hosts?: string[];
  /** The rules, at least one, at most 16. */
  readonly rules: RouteRule[];
}

/**
 * An HTTPRoute: attaches to a Gateway's listener and routes each request, by the host it names and
 * its path, to Services, split by weight where a rule has several backends (a canary: 90 to the
 * current version, 10 to the next).
 *
 * Checked when the chart is built: the listener exists, hosts are hostnames, paths are what the
 * HTTPRoute CRD accepts (they start with `/`, no `//`, `/./`, `/../`, `%2f` or `#`) and appear once, each port is one its Service exposes, and every rule's weights add up to
 * more than 0 (otherwise the rule answers every request with an error).
 */
export class HttpRoutes extends Construct {
  public readonly route: HttpRoute;

  constructor(scope: Construct, id: string, props: HttpRoutesProps) {
    super(scope, id);
    checkDnsLabel('name', props.name);
    const gateway = props.gateway;
    if (props.listener !== undefined && !gateway.listeners.includes(props.listener)) {
      throw new Error(`listener "${props.listener}" is not a listener of gateway "${gateway.name}": its listeners are ${gateway.listeners.join(', ')}`);
    }
    if (Chart.of(gateway).namespace !== Chart.of(this).namespace) {
      throw new Error(`gateway "${gateway.name}" is in namespace ${Chart.of(gateway).namespace}, not ${Chart.of(this).namespace}: its listener accepts routes of its own namespace only`);
    }
    const hosts = props.hosts ?? [];
    if (hosts.length > 16) throw new Error(`hosts has ${hosts.length} entries: an HTTPRoute takes at most 16`);
    hosts.forEach((host, i) => checkHostname(`hosts[${i}]`, host));
    checkUnique('hosts', hosts);
    if (props.rules.length === 0) throw new Error('rules is empty: an HTTPRoute needs at least one rule');
    if (props.rules.length > 16) throw new Error(`rules has ${props.rules.length} entries: an HTTPRoute takes at most 16`);
    const seen = new Map<string, number>();
    const rules = props.rules.map((rule, i) => {
      const path = rule.path ?? '/';
      const match = rule.match ?? 'PathPrefix';
      const where = `rules[${i}]`;
      checkHttpRoutePath(`${where}.path`, path);
      const first = seen.get(`${match} ${path}`);
      if (first !== undefined) throw new Error(`${where} repeats the match (${match} ${path}) of rules[${first}]`);
      seen.set(`${match} ${path}`, i);
      if (rule.backends.length === 0) throw new Error(`${where}.backends is empty: a rule needs at least one backend`);
      if (rule.backends.length > 16) throw new Error(`${where}.backends has ${rule.backends.length} entries: a rule takes at most 16`);
      checkUnique(`${where}.backends`, rule.backends.map((b) => b.service.name));
      const backendRefs = rule.backends.map((backend, j) => {
        if (backend.weight !== undefined) checkIntegerInRange(`${where}.backends[${j}].weight`, backend.weight, 0, 1000000);
        return { name: backend.service.name, port: servicePort(backend, `${where}.backends[${j}]`), weight: backend.weight };
      });
      if (backendRefs.every((b) => (b.weight ?? 1) === 0)) {
        throw new Error(`${where}.backends: the weights add up to 0: give at least one backend a weight above 0, or the rule answers every request with an error`);
      }
      return {
        matches: [{ path: { type: match === 'Exact' ? HttpRouteSpecRulesMatchesPathType.EXACT : HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: path } }],
        backendRefs,
      };
    });

    this.route = new HttpRoute(this, 'Resource', {
      metadata: { name: props.name, labels: appLabels({ name: props.name, component: 'route' }) },
      spec: {
        parentRefs: [{ name: gateway.name, sectionName: props.listener }],
        hostnames: hosts.length > 0 ? hosts : undefined,
        rules,
      },
    });
    addExternalRef(this.route, 'CustomResourceDefinition', HTTP_ROUTE_CRD);
  }
}

/** The Service port a backend uses; throws unless the Service exposes exactly that port. */
function servicePort(backend: RouteBackend, where: string): number {
  const ports = backend.service.ports.map((p) => p.port);
  const name = backend.service.name;
  if (ports.length === 0) throw new Error(`${where}.service "${name}" exposes no port`);
  if (backend.port === undefined) {
    if (ports.length > 1) throw new Error(`${where}.service "${name}" exposes ports ${ports.join(', ')}: choose one with ${where}.port`);
    return ports[0];
  }
  if (!ports.includes(backend.port)) throw new Error(`${where}.port ${backend.port} is not a port of service "${name}": its ports are ${ports.join(', ')}`);
  return backend.port;
}
