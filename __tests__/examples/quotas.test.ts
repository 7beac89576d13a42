import { K8sObject, PROFILE_NAMES, findObject, synthExample } from '../helpers';
import { EXAMPLES } from '../../examples';

describe('quotas example', () => {
  const objects = synthExample('quotas');

  test('the LimitRange gives defaults and a ceiling; it comes before the pods', () => {
    const range = findObject(objects, 'LimitRange', 'defaults');
    expect(range.spec.limits).toEqual([{
      type: 'Container',
      defaultRequest: { cpu: '10m', memory: '16Mi' },
      default: { memory: '32Mi' },
      max: { memory: '128Mi' },
    }]);
    const index = (kind: string, name: string) => objects.findIndex((o: K8sObject) => o.kind === kind && o.metadata.name === name);
    expect(index('LimitRange', 'defaults')).toBeLessThan(index('Deployment', 'web'));
    expect(index('LimitRange', 'defaults')).toBeLessThan(index('Deployment', 'unsized'));
  });

  test('unsized sets no resources, web sets its own', () => {
    const unsized = findObject(objects, 'Deployment', 'unsized').spec.template.spec.containers[0];
    expect(unsized.resources).toBeUndefined();
    expect(unsized.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(findObject(objects, 'Deployment', 'web').spec.template.spec.containers[0].resources)
      .toEqual({ requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '32Mi' } });
  });

  test('the quota counts the defaulted container at the LimitRange\'s values, and one pod of room', () => {
    // web 2 x (5m, 8Mi, 32Mi) + unsized (10m, 16Mi, 32Mi) + the largest pod again (unsized).
    expect(findObject(objects, 'ResourceQuota', 'compute').spec.hard).toEqual({
      'requests.cpu': '30m', 'requests.memory': '48Mi', 'limits.memory': '128Mi', 'pods': '4',
    });
  });

  test('every example in every profile has its quota (the validator\'s quota-covers rule checks that it covers the pods)', () => {
    for (const profile of PROFILE_NAMES) {
      for (const example of EXAMPLES) {
        const all = synthExample(example.name, profile);
        const quotas = all.filter((o: K8sObject) => o.kind === 'ResourceQuota');
        expect([example.name, quotas.map((q: K8sObject) => q.metadata.name)]).toEqual([example.name, ['compute']]);
      }
    }
  });
});
