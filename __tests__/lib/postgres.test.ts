import { App, Chart, Testing } from 'cdk8s';
import { EXTERNAL_REFS_ANNOTATION, NamespacedChart, POSTGRES_IMAGE, Postgres, PostgresProps } from '../../lib';
import { K8sObject, findObject, selects } from '../helpers';

const chart = (): Chart => new NamespacedChart(new App(), 'test', { namespace: 'test' });
const postgres = (props: Partial<PostgresProps> = {}) => new Postgres(chart(), 'Db', {
  database: 'app', credentials: { secretName: 'db-credentials' }, ...props,
});
const synth = (p: Postgres): K8sObject[] => Testing.synth(Chart.of(p));

describe('Postgres', () => {
  test('defaults: one replica of the Alpine image as user 70, 1Gi on the default StorageClass, 50m/64Mi requested', () => {
    const p = postgres();
    const objects = synth(p);
    const sts = findObject(objects, 'StatefulSet', 'postgres');
    const container = sts.spec.template.spec.containers[0];
    expect(sts.spec.replicas).toBe(1);
    expect(container.image).toBe(POSTGRES_IMAGE);
    expect(container.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70 });
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 70, fsGroup: 70 });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    expect(container.env.slice(0, 3)).toEqual([
      { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'username' } } },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
      { name: 'POSTGRES_DB', value: 'app' },
    ]);
    expect([p.podName(0), p.podHost(0), p.claimName(0)]).toEqual(['postgres-0', 'postgres-0.postgres', 'data-postgres-0']);
  });

  test('every prop reaches the output', () => {
    const p = postgres({
      name: 'db', replicas: 3, image: 'postgres:16.4', user: 999, storageClassName: 'fast', storageGiB: 5,
      cpuMillis: 100, memoryMiB: 128, memoryLimitMiB: 512, credentials: { secretName: 's', usernameKey: 'user', passwordKey: 'pass' },
    });
    const sts = findObject(synth(p), 'StatefulSet', 'db');
    const container = sts.spec.template.spec.containers[0];
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.serviceName).toBe('db');
    expect(container.image).toBe('postgres:16.4');
    expect(container.securityContext.runAsUser).toBe(999);
    expect(sts.spec.template.spec.securityContext.fsGroup).toBe(999);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    expect(container.env.slice(0, 2).map((e: K8sObject) => e.valueFrom.secretKeyRef)).toEqual([{ name: 's', key: 'user' }, { name: 's', key: 'pass' }]);
    expect([p.podHost(2), p.claimName(2)]).toEqual(['db-2.db', 'data-db-2']);
    expect(sts.metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: 'Secret/s' });
  });

  test('the Service selects the pods by their labels only: the hashed label cdk8s-plus adds is removed', () => {
    const p = postgres();
    const objects = synth(p);
    const service = findObject(objects, 'Service', 'postgres');
    const podLabels = findObject(objects, 'StatefulSet', 'postgres').spec.template.metadata.labels;
    expect(service.spec.selector).toEqual(p.selector);
    expect(selects(service.spec.selector, podLabels)).toBe(true);
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('the data volume is mounted from the claim template, not from a pod volume', () => {
    const sts = findObject(synth(postgres()), 'StatefulSet', 'postgres');
    const mounts = sts.spec.template.spec.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(sts.spec.template.spec.volumes.map((v: K8sObject) => v.name).sort()).toEqual(['run', 'tmp']);
    expect(Postgres.PGDATA).toBe('/var/lib/postgresql/data/pgdata');
  });
});
