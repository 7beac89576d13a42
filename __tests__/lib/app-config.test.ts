import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppConfig, AppConfigProps, CONFIG_CHECKSUM_ANNOTATION, EXTERNAL_REFS_ANNOTATION, NamespacedChart, secureContainer } from '../../lib';

function setup(props: Partial<AppConfigProps> = {}) {
  const chart = new NamespacedChart(new App(), 'test', { namespace: 'test' });
  const config = new AppConfig(chart, 'Config', { name: 'settings', data: { MODE: 'fast', LEVEL: '3' }, ...props });
  const deployment = new kplus.Deployment(chart, 'App', { metadata: { name: 'app' }, replicas: 1 });
  const container = deployment.addContainer(secureContainer({ name: 'app', image: 'example/app:1.0.0', user: 1000, cpuMillis: 5, memoryMiB: 8 }));
  return { chart, config, deployment, container };
}

const checksum = (props: Partial<AppConfigProps> = {}) => setup(props).config.checksum;
const synth = (chart: Chart) => Testing.synth(chart);
const find = (chart: Chart, kind: string) => synth(chart).filter((o) => o.kind === kind);

describe('AppConfig', () => {
  test('a labelled ConfigMap with the data; no Secret by default', () => {
    const { chart } = setup();
    const [configMap] = find(chart, 'ConfigMap');
    expect(configMap.metadata).toMatchObject({ name: 'settings', labels: { 'app.kubernetes.io/name': 'settings', 'app.kubernetes.io/component': 'config' } });
    expect(configMap.data).toEqual({ MODE: 'fast', LEVEL: '3' });
    expect(find(chart, 'Secret')).toEqual([]);
  });

  test('the three ways to consume it, and the Secret through secretKeyRef', () => {
    const { chart, config, container } = setup({ secret: { name: 'creds', stringData: { token: 'demo' } } });
    container.env.addVariable('WHICH_MODE', config.envValue('MODE'));
    container.env.addVariable('TOKEN', config.secretEnvValue('token'));
    container.env.copyFrom(config.envFrom());
    config.mount(container, '/etc/settings');
    config.mount(container, '/also/here');
    const spec = find(chart, 'Deployment')[0].spec.template.spec;
    expect(spec.containers[0].env).toEqual([
      { name: 'WHICH_MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE', optional: false } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token', optional: false } } },
    ]);
    expect(spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'settings' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'settings', mountPath: '/etc/settings', readOnly: true },
      { name: 'settings', mountPath: '/also/here', readOnly: true },
    ]);
    // Mounted twice, declared once.
    expect(spec.volumes).toEqual([{ name: 'settings', configMap: { name: 'settings' } }]);
    expect(find(chart, 'Secret')[0]).toMatchObject({ metadata: { name: 'creds' }, stringData: { token: 'demo' } });
  });

  test('consumedBy puts the checksum on the pod template', () => {
    const { chart, config, deployment } = setup({ secret: { name: 'creds', stringData: { token: 'demo' } } });
    config.consumedBy(deployment);
    const [object] = find(chart, 'Deployment');
    expect(object.spec.template.metadata.annotations).toEqual({ [CONFIG_CHECKSUM_ANNOTATION]: config.checksum });
    expect(object.metadata.annotations).toBeUndefined();
  });

  test('an out-of-band Secret: not in the chart, referenced by name, listed as external on the workload', () => {
    const { chart, config, deployment, container } = setup({ secret: { name: 'creds', keys: ['token'] } });
    container.env.addVariable('TOKEN', config.secretEnvValue('token'));
    config.consumedBy(deployment);
    expect(config.secretIsExternal).toBe(true);
    expect(find(chart, 'Secret')).toEqual([]);
    const [object] = find(chart, 'Deployment');
    expect(object.metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: 'Secret/creds' });
    expect(object.spec.template.spec.containers[0].env).toEqual([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token', optional: false } } }]);
  });

  describe('checksum', () => {
    const base = checksum();

    test('is a SHA-256, the same on every build and for any key order', () => {
      expect(base).toMatch(/^[0-9a-f]{64}$/);
      expect(checksum()).toBe(base);
      expect(checksum({ data: { LEVEL: '3', MODE: 'fast' } })).toBe(base);
    });

    test.each<[string, Partial<AppConfigProps>]>([
      ['a changed value', { data: { MODE: 'slow', LEVEL: '3' } }],
      ['a new key', { data: { MODE: 'fast', LEVEL: '3', EXTRA: '' } }],
      ['a removed key', { data: { MODE: 'fast' } }],
      ['a renamed ConfigMap', { name: 'settings-v2' }],
      ['an added Secret', { secret: { name: 'creds', stringData: { token: 'a' } } }],
    ])('changes with %s', (_, props) => {
      expect(checksum(props)).not.toBe(base);
    });

    test('changes with a Secret value the chart writes, not with one created out of band', () => {
      const secret = (token: string) => checksum({ secret: { name: 'creds', stringData: { token } } });
      expect(secret('a')).not.toBe(secret('b'));
      expect(checksum({ secret: { name: 'creds', keys: ['token'] } })).toBe(checksum({ secret: { name: 'creds', keys: ['token', 'other'] } }));
    });

    test('a value and a key cannot be confused', () => {
      expect(checksum({ data: { A: 'B,C' } })).not.toBe(checksum({ data: { A: 'B', C: '' } }));
    });
  });

  test('envValue() takes any key of the ConfigMap, also one envFrom() refuses', () => {
    const { config } = setup({ data: { MODE: 'fast', 'app.conf': 'x=1' } });
    expect(() => config.envValue('app.conf')).not.toThrow();
    expect(() => config.envFrom()).toThrow();
  });
});
