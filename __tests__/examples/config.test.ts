import { App, Testing } from 'cdk8s';
import { CONFIG_DIR, CONFIG_MAP, ConfigExample, DEMO_TOKEN, SECRET, SECRET_KEY, SETTINGS, appScript } from '../../examples/config/chart';
import { getProfile } from '../../examples/profiles';
import { CONFIG_CHECKSUM_ANNOTATION, EXTERNAL_REFS_ANNOTATION } from '../../lib';
import { EXAMPLE_NAMES, K8sObject, PROFILE_NAMES, findObject, findingsOf, ofKind, synthExample } from '../helpers';

/** The validator rules that resolve ConfigMap and Secret references and their keys. */
const REFERENCE_RULES = ['configmap-exists', 'secret-exists', 'key-exists'];
const unresolvedRefs = (objects: K8sObject[]) => findingsOf(objects, REFERENCE_RULES);
const literalCredentials = (objects: K8sObject[]) => findingsOf(objects, ['no-literal-credential']);

describe('config example', () => {
  const objects = synthExample('config');
  const deployment = findObject(objects, 'Deployment', 'web');
  const template = deployment.spec.template;
  const container = template.spec.containers[0];
  const withSettings = (settings: Record<string, string>, profile = 'minikube') =>
    Testing.synth(new ConfigExample(new App(), 'config', { profile: getProfile(profile), settings }));

  test('the ConfigMap holds the settings', () => {
    expect(findObject(objects, 'ConfigMap', CONFIG_MAP).data).toEqual(SETTINGS);
  });

  describe('the same ConfigMap, consumed three ways', () => {
    test('1. one key as an env var (configMapKeyRef)', () => {
      expect(container.env).toContainEqual({ name: 'MESSAGE', valueFrom: { configMapKeyRef: { name: CONFIG_MAP, key: 'GREETING', optional: false } } });
    });

    test('2. every key as an env var of the same name (envFrom)', () => {
      expect(container.envFrom).toEqual([{ configMapRef: { name: CONFIG_MAP } }]);
    });

    test('3. every key as a file, mounted read-only where the app reads it', () => {
      const mount = container.volumeMounts.find((m: K8sObject) => m.mountPath === CONFIG_DIR);
      expect(mount).toEqual({ name: CONFIG_MAP, mountPath: CONFIG_DIR, readOnly: true });
      expect(mount.subPath).toBeUndefined(); // a subPath mount would never see an update
      expect(template.spec.volumes).toContainEqual({ name: mount.name, configMap: { name: CONFIG_MAP } });
      // The app's script reads every file of that folder, and each variable envFrom sets.
      const script = container.args[2];
      expect(container.args.slice(0, 2)).toEqual(['sh', '-c']);
      expect(script).toBe(appScript(SETTINGS));
      expect(script).toContain(`for f in ${CONFIG_DIR}/*; do`);
      expect(script).toContain('$(cat "$f")');
      for (const key of Object.keys(SETTINGS)) expect(script).toContain(`$${key}`);
    });
  });

  test.each(PROFILE_NAMES)('the Secret value reaches the container only through secretKeyRef (%s)', (profile) => {
    const all = synthExample('config', profile);
    const c = findObject(all, 'Deployment', 'web').spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: SECRET, key: SECRET_KEY, optional: false } } });
    expect(c.args[2]).toContain('${#API_TOKEN} characters, not shown');
    const outsideSecrets = JSON.stringify(all.filter((o) => o.kind !== 'Secret'));
    expect(outsideSecrets).not.toContain(DEMO_TOKEN);
  });

  test('local profiles write the demo Secret with stringData; the Deployment lists no external ref', () => {
    for (const profile of ['minikube', 'k3s']) {
      const all = synthExample('config', profile);
      expect(findObject(all, 'Secret', SECRET)).toMatchObject({ stringData: { [SECRET_KEY]: DEMO_TOKEN } });
      expect(findObject(all, 'Secret', SECRET).data).toBeUndefined();
      expect(findObject(all, 'Deployment', 'web').metadata.annotations).toBeUndefined();
    }
  });

  test('the cloud profile ships no credential: no Secret value in any example, and the config Secret is listed as external', () => {
    for (const name of EXAMPLE_NAMES) {
      const withValues = ofKind(synthExample(name, 'cloud'), 'Secret').filter((s) => s.data || s.stringData);
      expect(withValues).toEqual([]);
    }
    const cloud = synthExample('config', 'cloud');
    expect(ofKind(cloud, 'Secret')).toEqual([]);
    expect(findObject(cloud, 'Deployment', 'web').metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: `Secret/${SECRET}` });
  });

  describe('a config edit rolls the pods', () => {
    const annotation = (all: K8sObject[]) => findObject(all, 'Deployment', 'web').spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];

    test('the pod template carries a SHA-256 checksum of the configuration', () => {
      expect(template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    });

    test('a changed value changes the pod template, through the checksum alone', () => {
      const edited = withSettings({ ...SETTINGS, COLOR: 'orange' });
      const newTemplate = findObject(edited, 'Deployment', 'web').spec.template;
      expect(findObject(edited, 'ConfigMap', CONFIG_MAP).data.COLOR).toBe('orange');
      expect(newTemplate).not.toEqual(template);
      expect(annotation(edited)).not.toBe(annotation(objects));
      // Apart from the checksum, the template is the same: the checksum alone makes the rollout.
      const withoutChecksum = (t: K8sObject) => ({ ...t, metadata: { ...t.metadata, annotations: undefined } });
      expect(withoutChecksum(newTemplate)).toEqual(withoutChecksum(template));
      // The selector is immutable and stays.
      expect(findObject(edited, 'Deployment', 'web').spec.selector).toEqual(deployment.spec.selector);
    });

    test('a new key changes it too', () => {
      expect(annotation(withSettings({ ...SETTINGS, SIZE: 'large' }))).not.toBe(annotation(objects));
    });

    test('the checksum is deterministic: the same settings, in any order, give the same template', () => {
      const reordered = Object.fromEntries(Object.entries(SETTINGS).reverse());
      expect(Object.keys(reordered)).not.toEqual(Object.keys(SETTINGS));
      expect(findObject(withSettings(reordered), 'Deployment', 'web').spec.template).toEqual(template);
      expect(synthExample('config')).toEqual(objects);
    });
  });

  describe('the checks catch a broken manifest', () => {
    const broken = (change: (all: K8sObject[]) => void, profile = 'minikube') => {
      const copy = JSON.parse(JSON.stringify(synthExample('config', profile)));
      change(copy);
      return copy;
    };
    const web = (all: K8sObject[]) => findObject(all, 'Deployment', 'web');
    const c0 = (all: K8sObject[]) => web(all).spec.template.spec.containers[0];

    test('a configMapKeyRef to a missing key', () => {
      const copy = broken((all) => { c0(all).env[0].valueFrom.configMapKeyRef.key = 'GREETINGS'; });
      expect(unresolvedRefs(copy)).toEqual(['key-exists: Deployment/config-demo/web spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.key']);
    });

    test('a secretKeyRef to a missing key', () => {
      const copy = broken((all) => { c0(all).env[1].valueFrom.secretKeyRef.key = 'token'; });
      expect(unresolvedRefs(copy)).toEqual(['key-exists: Deployment/config-demo/web spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.key']);
    });

    test('an envFrom and a volume naming a ConfigMap that does not exist', () => {
      const copy = broken((all) => { findObject(all, 'ConfigMap', CONFIG_MAP).metadata.name = 'app-settings'; });
      expect(unresolvedRefs(copy)).toEqual([
        'configmap-exists: Deployment/config-demo/web spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name',
        'configmap-exists: Deployment/config-demo/web spec.template.spec.containers[0].envFrom[0].configMapRef.name',
        'configmap-exists: Deployment/config-demo/web spec.template.spec.volumes[1].configMap.name',
      ]);
    });

    test('a volume item with a missing key', () => {
      const copy = broken((all) => { web(all).spec.template.spec.volumes[1].configMap.items = [{ key: 'COLOUR', path: 'colour' }]; });
      expect(unresolvedRefs(copy)).toEqual(['key-exists: Deployment/config-demo/web spec.template.spec.volumes[1].configMap.items[0].key']);
    });

    test('an out-of-band Secret that is not listed as external', () => {
      const copy = broken((all) => { delete web(all).metadata.annotations; }, 'cloud');
      expect(unresolvedRefs(copy)).toEqual(['secret-exists: Deployment/config-demo/web spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name']);
    });

    test('a credential written as a literal env value', () => {
      const copy = broken((all) => { c0(all).env[1] = { name: 'API_TOKEN', value: DEMO_TOKEN }; });
      expect(literalCredentials(copy)).toEqual(['no-literal-credential: Deployment/config-demo/web spec.template.spec.containers[0].env[1].value']);
    });
  });
});
