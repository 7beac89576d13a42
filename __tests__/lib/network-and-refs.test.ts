import { App, Chart, Testing } from 'cdk8s';
import { AllowOnlyFrom, AllowOnlyFromProps, EXTERNAL_REFS_ANNOTATION, NamespacedChart } from '../../lib';
import { K8sObject, findObject } from '../helpers';
import { externalRefs, secretRefs } from './manifest-checks';

const chart = (): Chart => new NamespacedChart(new App(), 'test', { namespace: 'test' });

describe('AllowOnlyFrom', () => {
  const props: AllowOnlyFromProps = { name: 'db-from-web', pods: { app: 'db' }, from: [{ app: 'web' }, { app: 'worker' }], ports: [5432, 9187] };
  const policy = (p: Partial<AllowOnlyFromProps> = {}) => findObject(Testing.synth(Chart.of(new AllowOnlyFrom(chart(), 'Policy', { ...props, ...p }))), 'NetworkPolicy', p.name ?? props.name);

  test('one ingress rule: from any of the selected pods, to any of the ports; egress untouched', () => {
    expect(policy().spec).toEqual({
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: { app: 'web' } } }, { podSelector: { matchLabels: { app: 'worker' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 9187 }],
      }],
    });
  });

});

describe('the manifest checks the example tests use catch what they look for', () => {
  const container: K8sObject = {
    name: 'app',
    env: [
      { name: 'HOST', value: 'db' },
      { name: 'URL', value: 'postgres://$(USER)@$(HOST)/$$(LITERAL)' },
      { name: 'USER', valueFrom: { secretKeyRef: { name: 's', key: 'user' } } },
      { name: 'DB_PASSWORD', value: 'hunter2' },
    ],
    envFrom: [{ secretRef: { name: 'bulk' } }],
  };

  test('secretRefs and externalRefs: env, envFrom and volumes', () => {
    const spec = { containers: [container], volumes: [{ name: 'tls', secret: { secretName: 'tls' } }] };
    expect(secretRefs(spec)).toEqual(['Secret/bulk', 'Secret/s', 'Secret/tls']);
    expect(externalRefs({ metadata: { annotations: { [EXTERNAL_REFS_ANNOTATION]: 'Secret/s,Secret/bulk' } } })).toEqual(['Secret/bulk', 'Secret/s']);
    expect(externalRefs({ metadata: {} })).toEqual([]);
  });
});
