import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EXTERNAL_REFS_ANNOTATION, IngressRoute, NamespacedChart, WebApp, WebIngress, WebIngressProps } from '../../lib';

function setup() {
  const chart = new NamespacedChart(new App(), 'test', { namespace: 'test' });
  const app = new WebApp(chart, 'App', { name: 'app', image: 'example/app:1.0.0', port: 8080 });
  const service = app.expose('Service', { name: 'app', port: 80 });
  const twoPorts = new kplus.Service(chart, 'TwoPorts', { metadata: { name: 'two' }, ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }] });
  return { chart, service, twoPorts };
}

const ingressOf = (chart: Chart) => Testing.synth(chart).find((o) => o.kind === 'Ingress');

describe('WebIngress', () => {
  test('defaults: no ingressClassName, path / with Prefix, the Service\'s only port, labels, no TLS', () => {
    const { chart, service } = setup();
    new WebIngress(chart, 'Ingress', { name: 'site', routes: [{ host: 'site.test', service }] });
    const ingress = ingressOf(chart);
    expect(ingress.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'site', 'app.kubernetes.io/component': 'ingress' });
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(ingress.spec).toEqual({
      rules: [{ host: 'site.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 80 } } } }] } }],
    });
  });

  test('a route without host matches any host and stays a rule, not the default backend', () => {
    const { chart, service } = setup();
    new WebIngress(chart, 'Ingress', { name: 'site', className: 'nginx', routes: [{ service }] });
    const ingress = ingressOf(chart);
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.defaultBackend).toBeUndefined();
    expect(ingress.spec.rules).toEqual([{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 80 } } } }] } }]);
  });

  test('a port chosen among several', () => {
    const { chart, twoPorts } = setup();
    new WebIngress(chart, 'Ingress', { name: 'site', routes: [{ path: '/secure', service: twoPorts, port: 443 }] });
    expect(ingressOf(chart).spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'two', port: { number: 443 } } });
  });

  test('tls: every host of the routes by default, and the out-of-band Secret is listed as external', () => {
    const { chart, service } = setup();
    new WebIngress(chart, 'Ingress', {
      name: 'site',
      routes: [{ host: 'a.test', service }, { host: 'a.test', path: '/x', service }, { host: 'b.test', service }],
      tls: { secretName: 'site-tls' },
    });
    const ingress = ingressOf(chart);
    expect(ingress.spec.tls).toEqual([{ hosts: ['a.test', 'b.test'], secretName: 'site-tls' }]);
    expect(ingress.metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: 'Secret/site-tls' });
    expect(Testing.synth(chart).filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  type Case = [string, (s: ReturnType<typeof setup>) => Partial<WebIngressProps>, string];
  test.each<Case>([
    ['no routes', () => ({ routes: [] }), 'routes is empty: an Ingress needs at least one route'],
    ['a host with capitals', ({ service }) => ({ routes: [{ host: 'Site.test', service }] }), 'host "Site.test" is not a DNS name: use lowercase letters, digits, \'-\' and \'.\', without a port'],
    ['a host with a port', ({ service }) => ({ routes: [{ host: 'site.test:8080', service }] }), 'host "site.test:8080" is not a DNS name: use lowercase letters, digits, \'-\' and \'.\', without a port'],
    ['a path without a leading slash', ({ service }) => ({ routes: [{ path: 'api', service }] }), 'path "api" must start with \'/\''],
    ['the same host and path twice', ({ service }) => ({ routes: [{ host: 'a.test', path: '/', service }, { host: 'a.test', service }] }), 'route a.test/ is defined twice'],
    ['the container port instead of the Service port', ({ service }) => ({ routes: [{ host: 'a.test', service, port: 8080 }] }), 'route a.test/: service "app" has no port 8080: its ports are 80'],
    ['no port for a Service with several', ({ twoPorts }) => ({ routes: [{ path: '/x', service: twoPorts }] }), 'route */x: service "two" exposes ports 80, 443: choose one with port'],
    ['a TLS host without a route', ({ service }) => ({ routes: [{ host: 'a.test', service }], tls: { secretName: 't', hosts: ['b.test'] } }), 'tls host "b.test" has no route: hosts with routes are a.test'],
    ['TLS without any host', ({ service }) => ({ routes: [{ service }], tls: { secretName: 't' } }), 'tls needs hosts: give the routes a host, or list tls.hosts'],
    ['a TLS Secret name that is not an object name', ({ service }) => ({ routes: [{ host: 'a.test', service }], tls: { secretName: 'Site_TLS' } }), 'name "Site_TLS" is not a valid object name: use at most 253 lowercase letters, digits, \'-\' and \'.\''],
    ['an IngressClass name with capitals', ({ service }) => ({ className: 'NGINX', routes: [{ service }] }), 'className "NGINX" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit'],
  ])('refuses %s', (_, props, message) => {
    const s = setup();
    expect(() => new WebIngress(s.chart, 'Ingress', { name: 'site', routes: [] as IngressRoute[], ...props(s) })).toThrow(new Error(message));
  });

  test('a Service without ports is refused', () => {
    const { chart } = setup();
    const service = new kplus.Service(chart, 'NoPorts', { metadata: { name: 'none' }, type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'example.com' });
    expect(() => new WebIngress(chart, 'Ingress', { name: 'site', routes: [{ service }] })).toThrow(new Error('route */: service "none" exposes no port'));
  });
});
