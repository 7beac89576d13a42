import { EXAMPLE_NAMES, PROFILE_NAMES, synthExample } from '../helpers';

// What every example shares; each example's own test checks its concept, the validator suite
// (__tests__/validator/examples.test.ts) checks every rule, and dist.test.ts the whole output.
describe('every example', () => {
  test.each(PROFILE_NAMES.flatMap((p) => EXAMPLE_NAMES.map((e) => [e, p])))('%s (%s): its own namespace first, enforcing the restricted standard, and every object in it', (name, profile) => {
    const [namespace, ...rest] = synthExample(name, profile);
    expect(namespace).toMatchObject({ kind: 'Namespace', metadata: { name: `${name}-demo`, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    expect(namespace.metadata.namespace).toBeUndefined();
    expect(rest.filter((o) => o.metadata.namespace !== `${name}-demo`).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });
});
