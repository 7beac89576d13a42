import * as fs from 'fs';
import * as path from 'path';
import { STATEFULSET_SECRET } from '../../examples/statefulset/chart';
import { ABSENT, PROFILE_NAMES, K8sObject, field, findObject, findingsOf, ofKind, selects, synthExample } from '../helpers';
import { externalRefs, secretRefs } from '../lib/manifest-checks';

const GUIDE = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'statefulset', 'README.md'), 'utf8');

describe('statefulset example', () => {
  const objects = synthExample('statefulset');
  const sts = findObject(objects, 'StatefulSet', 'postgres');
  const pod = sts.spec.template;
  const container = pod.spec.containers[0];
  const env = (name: string) => container.env.find((e: K8sObject) => e.name === name);
  const mount = (mountPath: string) => container.volumeMounts.find((m: K8sObject) => m.mountPath === mountPath);

  test.each(PROFILE_NAMES)('serviceName is a headless Service that selects the StatefulSet\'s pods (%s)', (profile) => {
    const all = synthExample('statefulset', profile);
    const set = findObject(all, 'StatefulSet', 'postgres');
    const service = findObject(all, 'Service', set.spec.serviceName);
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.type).toBe('ClusterIP');
    expect(selects(service.spec.selector, set.spec.template.metadata.labels)).toBe(true);
    expect(selects(set.spec.selector.matchLabels, set.spec.template.metadata.labels)).toBe(true);
    expect(Object.keys(service.spec.selector).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
  });

  test('the Service forwards the PostgreSQL port to the container port', () => {
    const service = findObject(objects, 'Service', sts.spec.serviceName);
    expect(service.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432 }]);
    expect(container.ports).toEqual([{ containerPort: 5432, name: 'postgres' }]);
  });

  test('each replica gets its own claim: a claim template mounted by the container, not a shared volume', () => {
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    const [template] = sts.spec.volumeClaimTemplates;
    expect(template.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    expect(mount('/var/lib/postgresql/data').name).toBe(template.metadata.name);
    // The pod spec must not declare a volume of that name: then every pod would share it.
    expect((pod.spec.volumes ?? []).map((v: K8sObject) => v.name)).not.toContain(template.metadata.name);
    // The controller names the claim of pod <set>-<ordinal> <template>-<set>-<ordinal>: one per pod.
    const claims = [0, 1].map((ordinal) => `${template.metadata.name}-${sts.metadata.name}-${ordinal}`);
    expect(claims).toEqual(['data-postgres-0', 'data-postgres-1']);
  });

  test('claims stay when the StatefulSet is scaled down or deleted, and their template carries no version label', () => {
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const labels = sts.spec.volumeClaimTemplates[0].metadata.labels;
    expect(selects(sts.spec.selector.matchLabels, labels)).toBe(true);
    expect(labels['app.kubernetes.io/version']).toBeUndefined();
  });

  test.each([['minikube', 'standard'], ['k3s', 'local-path'], ['cloud', undefined]])('the storage class comes from the profile (%s)', (profile, storageClass) => {
    const spec = findObject(synthExample('statefulset', profile), 'StatefulSet', 'postgres').spec.volumeClaimTemplates[0].spec;
    expect(field(spec, 'storageClassName')).toBe(storageClass ?? ABSENT);
  });

  test('pods start one at a time, each once the previous one is ready; one replica', () => {
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.replicas).toBe(1);
  });

  test('the image\'s postgres user (70 in Alpine) runs it and owns the volume', () => {
    expect(container.image).toMatch(/^postgres:\d+\.\d+-alpine$/);
    expect(container.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70 });
    expect(pod.spec.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70, fsGroup: 70 });
  });

  test('PGDATA is a subdirectory of the volume; the socket directory and /tmp are emptyDirs', () => {
    const pgdata = env('PGDATA').value;
    const dataMount = mount('/var/lib/postgresql/data').mountPath;
    expect(pgdata.startsWith(`${dataMount}/`)).toBe(true);
    for (const writable of ['/var/run/postgresql', '/tmp']) {
      const volume = pod.spec.volumes.find((v: K8sObject) => v.name === mount(writable).name);
      expect(volume.emptyDir).toBeDefined();
    }
  });

  test('ready when pg_isready reaches the server over TCP on the container port; no liveness probe', () => {
    expect(container.readinessProbe.exec.command).toEqual(['pg_isready', '--host', '127.0.0.1', '--port', String(container.ports[0].containerPort)]);
    expect(container.livenessProbe).toBeUndefined();
    // pg_isready takes user and database from the environment; both are expanded from earlier entries.
    expect(env('PGUSER').value).toBe('$(POSTGRES_USER)');
    expect(env('PGDATABASE').value).toBe('$(POSTGRES_DB)');
    expect(findingsOf(objects, ['env-var-reference'])).toEqual([]);
  });

  test.each(PROFILE_NAMES)('user and password come from a Secret created out of band, and no credential is in the manifest (%s)', (profile) => {
    const all = synthExample('statefulset', profile);
    const set = findObject(all, 'StatefulSet', 'postgres');
    const c = set.spec.template.spec.containers[0];
    expect(c.env.find((e: K8sObject) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: STATEFULSET_SECRET, key: 'password' });
    expect(c.env.find((e: K8sObject) => e.name === 'POSTGRES_USER').valueFrom.secretKeyRef).toEqual({ name: STATEFULSET_SECRET, key: 'username' });
    expect(ofKind(all, 'Secret')).toEqual([]);
    expect(secretRefs(set.spec.template.spec)).toEqual([`Secret/${STATEFULSET_SECRET}`]);
    expect(externalRefs(set)).toEqual(secretRefs(set.spec.template.spec));
  });

  test('a PodDisruptionBudget lets a drain evict one database pod at a time', () => {
    const pdb = findObject(objects, 'PodDisruptionBudget', 'postgres');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(selects(pdb.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
  });

  test('small requests that fit a default minikube, a memory limit, no CPU limit', () => {
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  });

  test('the toolbox has the PostgreSQL client tools and is not selected by the database Service', () => {
    const toolbox = findObject(objects, 'Deployment', 'toolbox');
    expect(toolbox.spec.template.spec.containers[0].image).toBe(container.image);
    expect(selects(findObject(objects, 'Service', 'postgres').spec.selector, toolbox.spec.template.metadata.labels)).toBe(false);
  });

  test('the guide uses the names the manifest creates', () => {
    const service = findObject(objects, 'Service', sts.spec.serviceName);
    for (const name of [
      `${sts.metadata.name}-0.${service.metadata.name}.${sts.metadata.namespace}.svc.cluster.local`,
      'data-postgres-0', 'data-postgres-1', `secret generic ${STATEFULSET_SECRET}`, 'kubectl apply -f dist/minikube/statefulset.yaml',
    ]) {
      expect(GUIDE).toContain(name);
    }
  });
});
