import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LOG_SHIPPER_SCRIPT, NamespacedChart, addLogShipper, secureContainer } from '../../lib';

/** A chart with one Deployment whose app container writes to an emptyDir `logs` at /var/log/app. */
function setup() {
  const chart = new NamespacedChart(new App(), 'test', { namespace: 'test' });
  const deployment = new kplus.Deployment(chart, 'App', { metadata: { name: 'app' }, replicas: 1 });
  const app = deployment.addContainer(secureContainer({ name: 'app', image: 'example/app:1.0.0', user: 1000, cpuMillis: 5, memoryMiB: 8 }));
  const volume = kplus.Volume.fromEmptyDir(chart, 'Logs', 'logs');
  app.mount('/var/log/app', volume);
  return { chart, deployment, volume };
}

const podSpec = (chart: Chart) => Testing.synth(chart).find((o) => o.kind === 'Deployment').spec.template.spec;

describe('addLogShipper', () => {
  test('defaults: a classic sidecar "log-shipper" (busybox, user 65534, 5m/8Mi) that mounts the volume read-only at /logs', () => {
    const { chart, deployment, volume } = setup();
    addLogShipper(deployment, { volume, files: ['app.log', 'sub/dir/other.log'] });
    const spec = podSpec(chart);
    expect(spec.initContainers).toBeUndefined();
    const shipper = spec.containers[1];
    expect(shipper).toMatchObject({
      name: 'log-shipper',
      image: 'busybox:1.36.1',
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', LOG_SHIPPER_SCRIPT, 'log-shipper', '/logs/app.log', '/logs/sub/dir/other.log'],
      resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '32Mi' } },
      volumeMounts: [{ name: 'logs', mountPath: '/logs', readOnly: true }],
    });
    expect(shipper.restartPolicy).toBeUndefined();
    expect(shipper.securityContext).toMatchObject({ runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true, readOnlyRootFilesystem: true });
    // One volume, declared once, mounted by both containers.
    expect(spec.volumes).toEqual([{ name: 'logs', emptyDir: {} }]);
  });

  test('native: an init container with restartPolicy Always', () => {
    const { chart, deployment, volume } = setup();
    addLogShipper(deployment, { volume, files: ['app.log'], native: true, name: 'shipper', mountPath: '/in/' });
    const spec = podSpec(chart);
    expect(spec.containers.map((c: { name: string }) => c.name)).toEqual(['app']);
    expect(spec.initContainers).toHaveLength(1);
    expect(spec.initContainers[0]).toMatchObject({ name: 'shipper', restartPolicy: 'Always', volumeMounts: [{ name: 'logs', mountPath: '/in/', readOnly: true }] });
    expect(spec.initContainers[0].command.slice(3)).toEqual(['shipper', '/in/app.log']);
  });

  test('the script takes the files as arguments and never splices them into the shell code', () => {
    expect(LOG_SHIPPER_SCRIPT).toContain('tail -n +1 -F "$@"');
    expect(LOG_SHIPPER_SCRIPT).not.toContain('app.log');
  });

  test('a second shipper needs its own name', () => {
    const { deployment, volume } = setup();
    addLogShipper(deployment, { volume, files: ['app.log'], native: true });
    expect(() => addLogShipper(deployment, { volume, files: ['app.log'] })).toThrow(new Error('name "log-shipper" is already a container of this pod'));
  });
});
