import { App, Chart, Testing } from 'cdk8s';
import { AllowOnlyFrom, AllowOnlyFromProps, NamespacedChart } from '../../lib';
import { findObject } from '../helpers';

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
