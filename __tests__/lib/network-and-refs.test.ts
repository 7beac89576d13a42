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

  test.each<[string, Partial<AllowOnlyFromProps>, string]>([
    ['an empty pod selector', { pods: {} }, 'pods is empty: a policy with an empty pod selector protects every pod of the namespace'],
    ['no clients', { from: [] }, 'from is empty: list at least one pod selector (with none, no pod may connect)'],
    ['an empty client selector', { from: [{ app: 'web' }, {}] }, 'from[1] is empty: an empty pod selector lets every pod of the namespace connect'],
    ['no ports', { ports: [] }, 'ports is empty: list the ports the clients may connect to'],
    ['a port out of range', { ports: [5432, 70000] }, 'ports[1] 70000 is outside 1-65535'],
    ['a port given twice', { ports: [5432, 5432] }, 'ports 5432 appears twice'],
    ['a name with capitals', { name: 'DB' }, 'name "DB" is not a DNS label: use at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit'],
  ])('refuses %s', (_, p, message) => {
    expect(() => policy(p)).toThrow(new Error(message));
  });
});
