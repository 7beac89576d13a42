import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EXTERNAL_REFS_ANNOTATION, HttpRoutes, HttpRoutesProps, NamespacedChart, WebApp, WebGateway, WebGatewayProps } from '../../lib';

function setup() {
  const chart = new NamespacedChart(new App(), 'test', { namespace: 'test' });
  const app = new WebApp(chart, 'App', { name: 'app', image: 'example/app:1.0.0', port: 8080 });
  const service = app.expose('Service', { name: 'app', port: 80 });
  const next = app.expose('Next', { name: 'app-next', port: 80 });
  const twoPorts = new kplus.Service(chart, 'TwoPorts', { metadata: { name: 'two' }, ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }] });
  const gateway = new WebGateway(chart, 'Gateway', { name: 'edge', className: 'eg' });
  return { chart, service, next, twoPorts, gateway };
}

const one = (chart: Chart, kind: string) => Testing.synth(chart).find((o) => o.kind === kind);

describe('WebGateway', () => {
  test('one HTTP listener "http" on port 80 for routes of its own namespace, labelled, its CRD listed as external', () => {
    const { chart } = setup();
    const gateway = one(chart, 'Gateway');
    expect(gateway.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gateway.metadata).toMatchObject({ name: 'edge', namespace: 'test', labels: { 'app.kubernetes.io/name': 'edge', 'app.kubernetes.io/component': 'gateway' } });
    expect(gateway.metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: 'CustomResourceDefinition/gateways.gateway.networking.k8s.io' });
    expect(gateway.spec).toEqual({
      gatewayClassName: 'eg',
      listeners: [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' } } }],
    });
  });

  test('port and host', () => {
    const chart = new NamespacedChart(new App(), 'test', { namespace: 'test' });
    new WebGateway(chart, 'Gateway', { name: 'edge', className: 'traefik', port: 8000, host: '*.demo.test' });
    expect(one(chart, 'Gateway').spec.listeners[0]).toMatchObject({ port: 8000, hostname: '*.demo.test' });
  });

  test.each<[string, Partial<WebGatewayProps>, string]>([
    ['a class that is not a name', { className: 'Envoy' }, 'className "Envoy" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit'],
    ['port 0', { port: 0 }, 'port 0 is outside 1-65535'],
    ['a host with a port', { host: 'demo.test:80' }, 'host "demo.test:80" is not a hostname: use lowercase letters, digits, \'-\' and \'.\' (a leading \'*.\' for a wildcard), without a port or an IP address'],
    ['an IP address as host', { host: '10.0.0.1' }, 'host "10.0.0.1" is not a hostname: use lowercase letters, digits, \'-\' and \'.\' (a leading \'*.\' for a wildcard), without a port or an IP address'],
  ])('refuses %s', (_, props, message) => {
    const chart = new NamespacedChart(new App(), 'test', { namespace: 'test' });
    expect(() => new WebGateway(chart, 'Gateway', { name: 'edge', className: 'eg', ...props })).toThrow(new Error(message));
  });
});

describe('HttpRoutes', () => {
  test('parentRef to the listener, hosts, PathPrefix rules, the Service port, weights only where given', () => {
    const { chart, service, next, gateway } = setup();
    new HttpRoutes(chart, 'Routes', {
      name: 'site',
      gateway,
      listener: 'http',
      hosts: ['demo.test'],
      rules: [
        { backends: [{ service }] },
        { path: '/health', match: 'Exact', backends: [{ service: next }] },
        { path: '/shop', backends: [{ service, weight: 90 }, { service: next, weight: 10 }] },
      ],
    });
    const route = one(chart, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toMatchObject({ name: 'site', namespace: 'test', labels: { 'app.kubernetes.io/name': 'site', 'app.kubernetes.io/component': 'route' } });
    expect(route.metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: 'CustomResourceDefinition/httproutes.gateway.networking.k8s.io' });
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'http' }],
      hostnames: ['demo.test'],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'app', port: 80 }] },
        { matches: [{ path: { type: 'Exact', value: '/health' } }], backendRefs: [{ name: 'app-next', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/shop' } }], backendRefs: [{ name: 'app', port: 80, weight: 90 }, { name: 'app-next', port: 80, weight: 10 }] },
      ],
    });
  });

  test('without listener and hosts: every listener, every host', () => {
    const { chart, service, gateway } = setup();
    new HttpRoutes(chart, 'Routes', { name: 'site', gateway, rules: [{ backends: [{ service }] }] });
    const route = one(chart, 'HTTPRoute');
    expect(route.spec.parentRefs).toEqual([{ name: 'edge' }]);
    expect(route.spec.hostnames).toBeUndefined();
  });

  test('a weight of 0 is kept: the backend gets nothing while the others get everything', () => {
    const { chart, service, next, gateway } = setup();
    new HttpRoutes(chart, 'Routes', { name: 'site', gateway, rules: [{ backends: [{ service, weight: 100 }, { service: next, weight: 0 }] }] });
    expect(one(chart, 'HTTPRoute').spec.rules[0].backendRefs.map((b: { weight: number }) => b.weight)).toEqual([100, 0]);
  });

  test('a gateway of another namespace is refused: its listener accepts routes of its own namespace only', () => {
    const { gateway, service } = setup();
    const other = new NamespacedChart(new App(), 'other', { namespace: 'other' });
    expect(() => new HttpRoutes(other, 'Routes', { name: 'site', gateway, rules: [{ backends: [{ service }] }] })).toThrow(new Error(
      'gateway "edge" is in namespace test, not other: its listener accepts routes of its own namespace only'));
  });

  type Case = [string, (s: ReturnType<typeof setup>) => Partial<HttpRoutesProps>, string];
  test.each<Case>([
    ['a listener the gateway does not have', () => ({ listener: 'https' }), 'listener "https" is not a listener of gateway "edge": its listeners are http'],
    ['no rules', () => ({ rules: [] }), 'rules is empty: an HTTPRoute needs at least one rule'],
    ['17 rules', ({ service }) => ({ rules: Array.from({ length: 17 }, (_, i) => ({ path: `/p${i}`, backends: [{ service }] })) }), 'rules has 17 entries: an HTTPRoute takes at most 16'],
    ['17 hosts', () => ({ hosts: Array.from({ length: 17 }, (_, i) => `h${i}.test`) }), 'hosts has 17 entries: an HTTPRoute takes at most 16'],
    ['a host with capitals', () => ({ hosts: ['Demo.test'] }), 'hosts[0] "Demo.test" is not a hostname: use lowercase letters, digits, \'-\' and \'.\' (a leading \'*.\' for a wildcard), without a port or an IP address'],
    ['a host twice', () => ({ hosts: ['demo.test', 'demo.test'] }), 'hosts[1] "demo.test" repeats hosts[0]'],
    ['a path without a leading slash', ({ service }) => ({ rules: [{ path: 'api', backends: [{ service }] }] }), 'rules[0].path "api" must start with \'/\''],
    ['a path with //', ({ service }) => ({ rules: [{ path: '/api//v1', backends: [{ service }] }] }), 'rules[0].path "/api//v1" may not contain \'//\''],
    ['a path with /../', ({ service }) => ({ rules: [{ path: '/api/../admin', backends: [{ service }] }] }), 'rules[0].path "/api/../admin" may not contain \'/../\''],
    ['a path ending in /.', ({ service }) => ({ rules: [{ path: '/api/.', backends: [{ service }] }] }), 'rules[0].path "/api/." may not end with \'/.\''],
    ['a path with #', ({ service }) => ({ rules: [{ path: '/api#top', backends: [{ service }] }] }), 'rules[0].path "/api#top" may not contain \'#\''],
    ['a path with a space', ({ service }) => ({ rules: [{ path: '/my api', backends: [{ service }] }] }),
      'rules[0].path "/my api" may contain only letters, digits, \'%\' escapes and -/._~!$&\'()*+,;=:@'],
    ['a path over 1024 characters', ({ service }) => ({ rules: [{ path: `/${'a'.repeat(1024)}`, backends: [{ service }] }] }),
      `rules[0].path "/${'a'.repeat(1024)}" is 1025 characters long: at most 1024`],
    ['a path twice', ({ service }) => ({ rules: [{ path: '/api', backends: [{ service }] }, { path: '/api', backends: [{ service }] }] }), 'rules[1] repeats the match (PathPrefix /api) of rules[0]'],
    ['a rule without backends', () => ({ rules: [{ backends: [] }] }), 'rules[0].backends is empty: a rule needs at least one backend'],
    ['a Service twice in a rule', ({ service }) => ({ rules: [{ backends: [{ service }, { service }] }] }), 'rules[0].backends[1] "app" repeats rules[0].backends[0]'],
    ['a port the Service lacks', ({ service }) => ({ rules: [{ backends: [{ service, port: 8080 }] }] }), 'rules[0].backends[0].port 8080 is not a port of service "app": its ports are 80'],
    ['no port for a Service with two', ({ twoPorts }) => ({ rules: [{ backends: [{ service: twoPorts }] }] }), 'rules[0].backends[0].service "two" exposes ports 80, 443: choose one with rules[0].backends[0].port'],
    ['a negative weight', ({ service }) => ({ rules: [{ backends: [{ service, weight: -1 }] }] }), 'rules[0].backends[0].weight -1 is outside 0-1000000'],
    ['a fractional weight', ({ service }) => ({ rules: [{ backends: [{ service, weight: 0.5 }] }] }), 'rules[0].backends[0].weight 0.5 is outside 0-1000000'],
    ['weights that add up to 0', ({ service, next }) => ({ rules: [{ backends: [{ service, weight: 0 }, { service: next, weight: 0 }] }] }),
      'rules[0].backends: the weights add up to 0: give at least one backend a weight above 0, or the rule answers every request with an error'],
  ])('refuses %s', (_, props, message) => {
    const s = setup();
    expect(() => new HttpRoutes(s.chart, 'Routes', { name: 'site', gateway: s.gateway, rules: [{ backends: [{ service: s.service }] }], ...props(s) })).toThrow(new Error(message));
  });
});
