import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EXTERNAL_REFS_ANNOTATION, NamespacedChart, WebApp, WebIngress } from '../../lib';

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
});
