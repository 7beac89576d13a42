import * as fs from 'fs';
import * as path from 'path';
import { APP_HOST, APP_NODE_PORT, APP_SECRET, MINIFLUX_IMAGE } from '../../examples/app/chart';
import { getProfile } from '../../examples/profiles';
import { ABSENT, PROFILE_NAMES, K8sObject, field, findObject, findingsOf, ofKind, selects, synthExample } from '../helpers';
import { externalRefs, secretRefs } from '../lib/manifest-checks';

const GUIDE = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'app', 'README.md'), 'utf8');

/** The value of an env entry: a literal, or the ConfigMap entry it reads. */
function resolveEnv(objects: K8sObject[], container: K8sObject, name: string): string {
  const entry = container.env.find((e: K8sObject) => e.name === name);
  if (!entry) throw new Error(`no env ${name}`);
  if (entry.value !== undefined) return entry.value;
  const ref = entry.valueFrom?.configMapKeyRef;
  if (!ref) throw new Error(`env ${name} is neither a literal nor a ConfigMap entry`);
  const value = findObject(objects, 'ConfigMap', ref.name).data[ref.key];
  if (value === undefined) throw new Error(`ConfigMap ${ref.name} has no key ${ref.key}`);
  return value;
}

describe('app example', () => {
  const objects = synthExample('app');
  const web = findObject(objects, 'Deployment', 'miniflux');
  const webPod = web.spec.template;
  const app = webPod.spec.containers[0];
  const db = findObject(objects, 'StatefulSet', 'postgres');
  const dbPod = db.spec.template;
  const dbContainer = dbPod.spec.containers[0];
  const toolbox = findObject(objects, 'Deployment', 'toolbox');
  const envOf = (c: K8sObject, name: string) => c.env.find((e: K8sObject) => e.name === name);

  test('one file holds everything', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap', 'Deployment', 'Deployment', 'Ingress', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'ResourceQuota',
      'Service', 'Service', 'Service', 'StatefulSet',
    ]);
  });

  test('the database host and port resolve to the database\'s headless Service and its pod 0', () => {
    const host = resolveEnv(objects, app, 'DB_HOST');
    const port = Number(resolveEnv(objects, app, 'DB_PORT'));
    const [podName, serviceName, ...rest] = host.split('.');
    // <pod>.<service> is found through the pod's DNS search path (<namespace>.svc.cluster.local).
    expect(rest).toEqual([]);
    const service = findObject(objects, 'Service', serviceName);
    expect(db.spec.serviceName).toBe(service.metadata.name);
    expect(service.spec.clusterIP).toBe('None');
    expect(selects(service.spec.selector, dbPod.metadata.labels)).toBe(true);
    const ordinal = Number(podName.slice(db.metadata.name.length + 1));
    expect(podName).toBe(`${db.metadata.name}-${ordinal}`);
    expect(ordinal).toBeLessThan(db.spec.replicas);
    const servicePort = service.spec.ports.find((p: K8sObject) => p.port === port);
    expect(dbContainer.ports.map((p: K8sObject) => p.containerPort)).toContain(servicePort.targetPort);
    expect(resolveEnv(objects, app, 'DB_NAME')).toBe(envOf(dbContainer, 'POSTGRES_DB').value);
  });

  test('DATABASE_URL is assembled from the variables above it, with no literal credential', () => {
    const url = envOf(app, 'DATABASE_URL').value;
    expect(url).toBe('postgres://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST):$(DB_PORT)/$(DB_NAME)?sslmode=disable');
    expect(findingsOf(objects, ['env-var-reference'])).toEqual([]);
  });

  test('a variable used before it is defined is caught', () => {
    const swapped = JSON.parse(JSON.stringify(objects));
    const container = findObject(swapped, 'Deployment', 'miniflux').spec.template.spec.containers[0];
    container.env.reverse();
    const at = container.env.findIndex((e: K8sObject) => e.name === 'DATABASE_URL');
    expect(findingsOf(swapped, ['env-var-reference'])).toEqual([`env-var-reference: Deployment/app-demo/miniflux spec.template.spec.containers[0].env[${at}].value`]);
  });

  test('the app reads the database credentials from the same Secret and keys as the database', () => {
    expect(envOf(app, 'DB_USER').valueFrom.secretKeyRef).toEqual(envOf(dbContainer, 'POSTGRES_USER').valueFrom.secretKeyRef);
    expect(envOf(app, 'DB_PASSWORD').valueFrom.secretKeyRef).toEqual(envOf(dbContainer, 'POSTGRES_PASSWORD').valueFrom.secretKeyRef);
    expect(envOf(app, 'DB_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: APP_SECRET, key: 'password' });
    expect(envOf(app, 'ADMIN_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: APP_SECRET, key: 'admin-password' });
  });

  test('every setting comes from the ConfigMap, and every key it reads exists', () => {
    const settings = findObject(objects, 'ConfigMap', 'miniflux');
    const fromConfigMap = app.env.filter((e: K8sObject) => e.valueFrom?.configMapKeyRef);
    expect(fromConfigMap.map((e: K8sObject) => e.name)).toEqual(['LISTEN_ADDR', 'RUN_MIGRATIONS', 'CREATE_ADMIN', 'ADMIN_USERNAME', 'POLLING_FREQUENCY', 'DB_HOST', 'DB_PORT', 'DB_NAME']);
    for (const e of fromConfigMap) {
      expect(e.valueFrom.configMapKeyRef.name).toBe(settings.metadata.name);
      expect(Object.keys(settings.data)).toContain(e.valueFrom.configMapKeyRef.key);
    }
    expect(resolveEnv(objects, app, 'LISTEN_ADDR')).toBe(`0.0.0.0:${app.ports[0].containerPort}`);
    // Literal env values are only the URL template.
    expect(app.env.filter((e: K8sObject) => e.value !== undefined).map((e: K8sObject) => e.name)).toEqual(['DATABASE_URL']);
  });

  test.each(PROFILE_NAMES)('no credential in the manifest; the out-of-band Secret is declared external (%s)', (profile) => {
    const all = synthExample('app', profile);
    expect(ofKind(all, 'Secret')).toEqual([]);
    for (const workload of [...ofKind(all, 'Deployment'), ...ofKind(all, 'StatefulSet')]) {
      expect(externalRefs(workload)).toEqual(secretRefs(workload.spec.template.spec));
    }
    expect(externalRefs(findObject(all, 'Deployment', 'miniflux'))).toEqual([`Secret/${APP_SECRET}`]);
  });

  test('the NetworkPolicy selects the database pods and admits only the app pods, on the database port', () => {
    const policy = findObject(objects, 'NetworkPolicy', 'postgres-from-miniflux');
    expect(selects(policy.spec.podSelector.matchLabels, dbPod.metadata.labels)).toBe(true);
    expect(selects(policy.spec.podSelector.matchLabels, webPod.metadata.labels)).toBe(false);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(rule.ports).toEqual([{ protocol: 'TCP', port: dbContainer.ports[0].containerPort }]);
    // Peers without a namespaceSelector are pods of the policy's own namespace.
    expect(rule.from.every((peer: K8sObject) => peer.namespaceSelector === undefined && peer.ipBlock === undefined)).toBe(true);
    const admitted = (labels: Record<string, string>) => rule.from.some((peer: K8sObject) => selects(peer.podSelector.matchLabels, labels));
    expect(admitted(webPod.metadata.labels)).toBe(true);
    expect(admitted(toolbox.spec.template.metadata.labels)).toBe(false);
    expect(admitted(dbPod.metadata.labels)).toBe(false);
  });

  test('NodePort and ClusterIP Services select the app pods and target its port', () => {
    for (const name of ['miniflux', 'miniflux-nodeport']) {
      const s = findObject(objects, 'Service', name);
      expect(selects(s.spec.selector, webPod.metadata.labels)).toBe(true);
      expect(s.spec.ports.map((p: K8sObject) => p.targetPort)).toEqual([app.ports[0].containerPort]);
    }
    expect(findObject(objects, 'Service', 'miniflux-nodeport').spec).toMatchObject({ type: 'NodePort', ports: [{ port: 80, nodePort: APP_NODE_PORT }] });
  });

  test.each(PROFILE_NAMES)('the Ingress routes the host to the ClusterIP Service with the profile\'s class (%s)', (profile) => {
    const all = synthExample('app', profile);
    const ingress = findObject(all, 'Ingress', 'miniflux');
    const className = getProfile(profile).ingressClassName;
    expect(field(ingress.spec, 'ingressClassName')).toBe(className ?? ABSENT);
    expect(ingress.spec.rules).toHaveLength(1);
    const [rule] = ingress.spec.rules;
    expect(rule.host).toBe(APP_HOST);
    const backend = rule.http.paths[0].backend.service;
    const service = findObject(all, 'Service', backend.name);
    expect(service.spec.ports.map((p: K8sObject) => p.port)).toContain(backend.port.number);
    expect(selects(service.spec.selector, findObject(all, 'Deployment', 'miniflux').spec.template.metadata.labels)).toBe(true);
  });

  test('Miniflux: pinned, its own numeric user, ready when the database answers, alive when the process answers', () => {
    expect(app.image).toBe(MINIFLUX_IMAGE);
    expect(app.securityContext).toMatchObject({ runAsUser: 65534 });
    expect(app.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(app.readinessProbe.httpGet).toEqual({ path: '/healthcheck', port: 8080, scheme: 'HTTP' });
    expect(app.livenessProbe.httpGet).toEqual({ path: '/liveness', port: 8080, scheme: 'HTTP' });
    expect(web.spec.replicas).toBe(1);
  });

  test('the database is the same construct as in the statefulset example', () => {
    const other = findObject(synthExample('statefulset'), 'StatefulSet', 'postgres');
    expect(dbContainer.image).toBe(other.spec.template.spec.containers[0].image);
    expect(db.spec.volumeClaimTemplates.map((t: K8sObject) => t.metadata.name)).toEqual(other.spec.volumeClaimTemplates.map((t: K8sObject) => t.metadata.name));
    expect(envOf(dbContainer, 'POSTGRES_DB').value).toBe('miniflux');
  });

  test('the guide applies the one file and names what the manifest creates', () => {
    for (const text of ['kubectl apply -f dist/minikube/app.yaml', `secret generic ${APP_SECRET}`, String(APP_NODE_PORT), APP_HOST, 'postgres-from-miniflux', '--from-literal=admin-password=']) {
      expect(GUIDE).toContain(text);
    }
  });
});
