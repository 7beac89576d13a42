import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NamespacedChart, WHOAMI_IMAGE, WebApp, WebAppProps, WhoamiApp } from '../../lib';

const chart = (): Chart => new NamespacedChart(new App(), 'test', { namespace: 'test' });
const webApp = (props: Partial<WebAppProps> = {}) => new WebApp(chart(), 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080, ...props });

describe('WebApp', () => {
  test('defaults: one replica, 10m/16Mi requested, 64Mi limit, user 65532, /tmp writable', () => {
    const app = webApp();
    const deployment = Testing.synth(Chart.of(app)).find((o) => o.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.replicas).toBe(1);
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } });
    expect(container.securityContext.runAsUser).toBe(65532);
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test.each<[string, Partial<WebAppProps>, { requests: { cpu: string; memory: string }; limits: { memory: string } }]>([
    ['a request: the limit follows it, four times', { memoryMiB: 128 }, { requests: { cpu: '10m', memory: '128Mi' }, limits: { memory: '512Mi' } }],
    ['a limit below the default request: the request is lowered to it', { memoryLimitMiB: 8 }, { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '8Mi' } }],
    ['a limit above the default request: the request stays', { memoryLimitMiB: 256 }, { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '256Mi' } }],
    ['both', { memoryMiB: 32, memoryLimitMiB: 48 }, { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '48Mi' } }],
  ])('memory given as %s', (_, props, resources) => {
    const deployment = Testing.synth(Chart.of(webApp(props))).find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].resources).toEqual(resources);
  });

  test('expose() creates a Service that selects the pods and targets the container port', () => {
    const app = webApp();
    app.expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, port: 80, nodePort: 30001 });
    const service = Testing.synth(Chart.of(app)).find((o) => o.kind === 'Service');
    expect(service.spec.selector).toEqual(app.selector);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, nodePort: 30001 }]);
  });

});

describe('WhoamiApp', () => {
  test('defaults: one pod of the pinned whoami image on 8080, 5m/8Mi, nothing writable', () => {
    const app = new WhoamiApp(chart(), 'Web', { name: 'echo' });
    const deployment = Testing.synth(Chart.of(app)).find((o) => o.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.replicas).toBe(1);
    expect([container.image, container.args, container.ports]).toEqual([WHOAMI_IMAGE, ['--port', '8080'], [{ containerPort: 8080, name: 'http' }]]);
    expect(container.resources).toEqual({ requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '32Mi' } });
    expect(container.volumeMounts).toBeUndefined();
  });
});

describe('nodePorts', () => {
  test('two Services of one app cannot claim the same nodePort, even in different charts', () => {
    const app = new App();
    const first = new WebApp(new NamespacedChart(app, 'one', { namespace: 'one' }), 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080 });
    const second = new WebApp(new NamespacedChart(app, 'two', { namespace: 'two' }), 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080 });
    first.expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, nodePort: 30123 });
    second.expose('Other', { name: 'web-other', type: kplus.ServiceType.NODE_PORT, nodePort: 30124 });
    expect(() => second.expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, nodePort: 30123 }))
      .toThrow(new Error('expose() nodePort 30123 is already used by one/Web/Svc: a nodePort must be unique in the whole cluster'));
  });

  test('separate apps do not share the record', () => {
    webApp().expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, nodePort: 30123 });
    expect(() => webApp().expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, nodePort: 30123 })).not.toThrow();
  });
});

describe('NamespacedChart', () => {
  test('puts part-of and managed-by on every object and the Namespace first, without a namespace', () => {
    const c = chart();
    webApp();
    const [ns] = Testing.synth(c);
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'test',
        labels: {
          'app.kubernetes.io/managed-by': 'cdk8s',
          'app.kubernetes.io/name': 'test',
          'app.kubernetes.io/part-of': 'test',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
  });
});
