import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NamespacedChart, NodeAgent, NodeAgentProps, TOPOLOGY_ZONE, WebApp, spreadPods } from '../../lib';
import { K8sObject, findObject } from '../helpers';

const chart = (): Chart => new NamespacedChart(new App(), 'test', { namespace: 'test' });

describe('NodeAgent', () => {
  const agent = (props: NodeAgentProps = {}) => findObject(Testing.synth(Chart.of(new NodeAgent(chart(), 'Agent', props))), 'DaemonSet', props.name ?? 'node-agent');

  test('defaults: busybox, a report every 30 seconds, runs on control plane nodes too', () => {
    const ds = agent();
    const c = ds.spec.template.spec.containers[0];
    expect(c.image).toBe('busybox:1.36.1');
    expect(c.env.find((e: K8sObject) => e.name === 'INTERVAL_SECONDS').value).toBe('30');
    expect(ds.spec.template.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(c.resources).toEqual({ requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '16Mi' } });
  });

  test('every prop reaches the output', () => {
    const ds = agent({ name: 'probe', image: 'busybox:1.37.0', intervalSeconds: 5, tolerateControlPlane: false });
    const c = ds.spec.template.spec.containers[0];
    expect(ds.metadata.name).toBe('probe');
    expect(ds.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'probe', 'app.kubernetes.io/instance': 'probe' });
    expect(c.image).toBe('busybox:1.37.0');
    expect(c.env.find((e: K8sObject) => e.name === 'INTERVAL_SECONDS').value).toBe('5');
    expect(ds.spec.template.spec.tolerations).toBeUndefined();
  });

});

describe('spreadPods', () => {
  const web = () => new WebApp(chart(), 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080, replicas: 3 });
  const constraints = (app: WebApp) => findObject(Testing.synth(Chart.of(app)), 'Deployment', 'web').spec.template.spec.topologySpreadConstraints;

  test('defaults: over nodes, maxSkew 1, as a preference', () => {
    const app = web();
    spreadPods(app.deployment, app.selector);
    expect(constraints(app)).toEqual([{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: app.selector } }]);
  });

  test('a second call adds a second constraint', () => {
    const app = web();
    spreadPods(app.deployment, app.selector, { topologyKey: TOPOLOGY_ZONE, maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' });
    spreadPods(app.deployment, app.selector);
    expect(constraints(app).map((c: K8sObject) => [c.topologyKey, c.maxSkew, c.whenUnsatisfiable])).toEqual([
      ['topology.kubernetes.io/zone', 2, 'DoNotSchedule'],
      ['kubernetes.io/hostname', 1, 'ScheduleAnyway'],
    ]);
  });

  test('works on a StatefulSet', () => {
    const c = chart();
    const sts = new kplus.StatefulSet(c, 'Sts', { metadata: { name: 'db' }, containers: [{ image: 'example/db:1.0.0', portNumber: 5432 }] });
    spreadPods(sts, { app: 'db' });
    expect(findObject(Testing.synth(c), 'StatefulSet', 'db').spec.template.spec.topologySpreadConstraints).toHaveLength(1);
  });

});

describe('WebApp livenessPath', () => {
  test('the liveness probe can ask another path than the readiness probe', () => {
    const app = new WebApp(chart(), 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080, healthPath: '/ready', livenessPath: '/alive' });
    const c = findObject(Testing.synth(Chart.of(app)), 'Deployment', 'web').spec.template.spec.containers[0];
    expect([c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual(['/ready', '/alive']);
  });

  test('by default both ask healthPath', () => {
    const app = new WebApp(chart(), 'Web', { name: 'web', image: 'example/web:1.0.0', port: 8080, healthPath: '/health' });
    const c = findObject(Testing.synth(Chart.of(app)), 'Deployment', 'web').spec.template.spec.containers[0];
    expect([c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual(['/health', '/health']);
  });
});
