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

  test('expose() creates a Service that selects the pods and targets the container port', () => {
    const app = webApp();
    app.expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, port: 80, nodePort: 30001 });
    const service = Testing.synth(Chart.of(app)).find((o) => o.kind === 'Service');
    expect(service.spec.selector).toEqual(app.selector);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, nodePort: 30001 }]);
  });

  test.each<[string, Partial<WebAppProps>, string]>([
    ['a privileged port', { port: 80 }, 'port 80 is privileged: a non-root container must listen on 1024-65535'],
    ['a port out of range', { port: 70000 }, 'port 70000 is outside 1-65535'],
    ['negative replicas', { replicas: -1 }, 'replicas -1 is outside 0-1000'],
    ['fractional replicas', { replicas: 1.5 }, 'replicas 1.5 is outside 0-1000'],
    ['an untagged image', { image: 'example/web' }, 'container "web" image "example/web" is not pinned: add a version tag, e.g. "example/web:1.2.3"'],
    ['a latest image', { image: 'localhost:5000/web:latest' }, 'container "web" image "localhost:5000/web:latest" is not pinned: add a version tag, e.g. "localhost:5000/web:1.2.3"'],
    ['a name that is not a DNS label', { name: 'Web_App' }, 'name "Web_App" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit'],
    ['a memory limit below the request', { memoryMiB: 128, memoryLimitMiB: 64 }, 'container "web" memoryLimitMiB 64 is below memoryMiB 128: the limit must be at least the request'],
    ['a root user', { user: 0 }, 'container "web" user 0 is outside 1-2147483647'],
    ['a fraction of a millicore', { cpuMillis: 0.5 }, 'container "web" cpuMillis 0.5 is outside 1-64000'],
    ['a CPU request that is not a number', { cpuMillis: Number('250m') }, 'container "web" cpuMillis NaN is outside 1-64000'],
    ['a negative memory request', { memoryMiB: -16 }, 'container "web" memoryMiB -16 must be a positive number'],
    ['an infinite memory request', { memoryMiB: Infinity }, 'container "web" memoryMiB Infinity must be a positive number'],
    ['a name longer than a DNS label', { name: 'w'.repeat(64) }, `name "${'w'.repeat(64)}" is not a DNS label: use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`],
    ['a relative writable path', { writablePaths: ['tmp'] }, 'writablePaths "tmp" must be an absolute path'],
    ['a writable path given twice', { writablePaths: ['/tmp', '/var/cache', '/tmp/'] }, 'writablePaths "/tmp" appears twice'],
    ['writable paths that make the same volume name', { writablePaths: ['/var/cache', '/var-cache'] }, 'writablePaths volume name "var-cache" appears twice'],
    ['the root as a writable path', { writablePaths: ['/'] }, 'writablePaths volume name "" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit'],
  ])('refuses %s', (_, props, message) => {
    expect(() => webApp(props)).toThrow(new Error(message));
  });

  test.each<[string, Parameters<WebApp['expose']>[1], string]>([
    ['a nodePort out of range', { name: 'web', type: kplus.ServiceType.NODE_PORT, nodePort: 8080 }, 'nodePort 8080 is outside 30000-32767'],
    ['a nodePort on a ClusterIP Service', { name: 'web', nodePort: 30080 }, 'nodePort 30080 needs type NodePort or LoadBalancer, not ClusterIP'],
    ['a headless NodePort', { name: 'web', type: kplus.ServiceType.NODE_PORT, headless: true }, 'headless needs type ClusterIP, not NodePort'],
    ['a Service name with a dot', { name: 'web.v1' }, 'service name "web.v1" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit'],
  ])('expose() refuses %s', (_, props, message) => {
    expect(() => webApp().expose('Svc', props)).toThrow(new Error(message));
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
      .toThrow(new Error('nodePort 30123 is already used by one/Web/Svc: a nodePort must be unique in the whole cluster'));
  });

  test('separate apps do not share the record', () => {
    webApp().expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, nodePort: 30123 });
    expect(() => webApp().expose('Svc', { name: 'web', type: kplus.ServiceType.NODE_PORT, nodePort: 30123 })).not.toThrow();
  });
});

describe('NamespacedChart', () => {
  test('refuses a namespace that is not a DNS label', () => {
    expect(() => new NamespacedChart(new App(), 'x', { namespace: 'My.Namespace' })).toThrow(new Error('namespace "My.Namespace" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit'));
  });

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
