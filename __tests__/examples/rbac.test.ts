import * as fs from 'fs';
import * as path from 'path';
import { GRANTED_CONFIG_MAP, OTHER_CONFIG_MAP, READER, READER_SCRIPT } from '../../examples/rbac/chart';
import { K8sObject, PROFILE_NAMES, findObject, synthExample } from '../helpers';

const GUIDE = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'rbac', 'README.md'), 'utf8');

describe('rbac example', () => {
  const objects = synthExample('rbac');
  const role = findObject(objects, 'Role', READER);
  const binding = findObject(objects, 'RoleBinding', READER);
  const account = findObject(objects, 'ServiceAccount', READER);
  const reader = findObject(objects, 'Deployment', READER).spec.template.spec;
  const toolbox = findObject(objects, 'Deployment', 'toolbox').spec.template.spec;

  test('the Role grants get and watch on one ConfigMap by name, and nothing else', () => {
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: [GRANTED_CONFIG_MAP], verbs: ['get', 'watch'] }]);
    expect(objects.filter((o: K8sObject) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
  });

  test('the RoleBinding gives that Role to the reader\'s ServiceAccount, in its namespace', () => {
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name, namespace: 'rbac-demo' }]);
  });

  test('only the reader runs as the account and gets a token; the account itself mounts none', () => {
    expect(account.automountServiceAccountToken).toBe(false);
    expect(reader.serviceAccountName).toBe(READER);
    expect(reader.automountServiceAccountToken).toBe(true);
    expect(toolbox.serviceAccountName).toBeUndefined();
    expect(toolbox.automountServiceAccountToken).toBe(false);
  });

  test('the reader asks for the granted ConfigMap, the other one, Secrets and another namespace', () => {
    expect(reader.containers[0].command).toEqual(['sh', '-c', READER_SCRIPT]);
    for (const asked of [`configmaps/${GRANTED_CONFIG_MAP}`, `configmaps/${OTHER_CONFIG_MAP}`, '/secrets', 'namespaces/default/']) {
      expect(READER_SCRIPT).toContain(asked);
    }
    expect(findObject(objects, 'ConfigMap', GRANTED_CONFIG_MAP).data).toBeDefined();
    expect(findObject(objects, 'ConfigMap', OTHER_CONFIG_MAP).data).toBeDefined();
  });

  test('the same in every profile', () => {
    for (const profile of PROFILE_NAMES) expect(findObject(synthExample('rbac', profile), 'Role', READER).rules).toEqual(role.rules);
  });

  test('the guide asks kubectl auth can-i for what is granted and what is not', () => {
    const as = `--as=system:serviceaccount:rbac-demo:${READER} -n rbac-demo`;
    for (const question of [`get configmaps/${GRANTED_CONFIG_MAP}`, `get configmaps/${OTHER_CONFIG_MAP}`, 'list configmaps', 'get secrets']) {
      expect(GUIDE).toContain(`kubectl auth can-i ${question} ${as}`);
    }
    expect(GUIDE).toContain(`kubectl auth can-i get configmaps/${GRANTED_CONFIG_MAP} --as=system:serviceaccount:rbac-demo:${READER} -n default`);
  });
});
