import { API_HOST, SECURE_HOST, SITE_HOST, TLS_SECRET } from '../../examples/ingress/chart';
import { getProfile } from '../../examples/profiles';
import { EXTERNAL_REFS_ANNOTATION, externalRefs } from '../../lib';
import { EXAMPLE_NAMES, K8sObject, PROFILE_NAMES, findObject, ofKind, selects, synthExample } from '../helpers';

/**
 * Every Ingress backend that does not resolve: the Service must exist in the same namespace and
 * expose the port (by number or by name). Returns one line per problem.
 */
function unresolvedBackends(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const ingress of ofKind(objects, 'Ingress')) {
    const backends: Array<[string, K8sObject]> = [
      ...(ingress.spec.defaultBackend ? [['defaultBackend', ingress.spec.defaultBackend] as [string, K8sObject]] : []),
      ...(ingress.spec.rules ?? []).flatMap((rule: K8sObject) => (rule.http?.paths ?? []).map((p: K8sObject) => [`${rule.host ?? '*'}${p.path}`, p.backend] as [string, K8sObject])),
    ];
    for (const [where, backend] of backends) {
      const ref = backend.service;
      if (!ref) { problems.push(`${ingress.metadata.name} ${where}: no service backend`); continue; }
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === ref.name && o.metadata.namespace === ingress.metadata.namespace);
      if (!service) { problems.push(`${ingress.metadata.name} ${where}: no Service "${ref.name}"`); continue; }
      const ports: K8sObject[] = service.spec.ports ?? [];
      const found = ref.port?.number !== undefined ? ports.some((p) => p.port === ref.port.number) : ports.some((p) => p.name === ref.port?.name);
      if (!found) problems.push(`${ingress.metadata.name} ${where}: Service "${ref.name}" has no port ${JSON.stringify(ref.port)}`);
    }
  }
  return problems;
}

/** Every TLS Secret an Ingress names that the chart neither creates nor lists as external. */
function unlistedTlsSecrets(objects: K8sObject[]): string[] {
  return ofKind(objects, 'Ingress').flatMap((ingress) => (ingress.spec.tls ?? [])
    .filter((tls: K8sObject) => !objects.some((o) => o.kind === 'Secret' && o.metadata.name === tls.secretName)
      && !externalRefs(ingress.metadata.annotations).includes(`Secret/${tls.secretName}`))
    .map((tls: K8sObject) => `${ingress.metadata.name}: Secret "${tls.secretName}" is neither in the chart nor listed as external`));
}

/** host+path → Service name and port, for every rule of an Ingress. */
const routes = (ingress: K8sObject) => ingress.spec.rules.flatMap((rule: K8sObject) => rule.http.paths.map((p: K8sObject) =>
  [`${rule.host}${p.path}`, p.pathType, p.backend.service.name, p.backend.service.port.number]));

describe('ingress example', () => {
  const objects = synthExample('ingress');
  const demo = findObject(objects, 'Ingress', 'demo');
  const secure = findObject(objects, 'Ingress', 'demo-secure');

  test.each(PROFILE_NAMES)('snapshot (%s)', (profile) => {
    expect(synthExample('ingress', profile)).toMatchSnapshot();
  });

  test('every object is in the ingress-demo namespace, which enforces the restricted standard', () => {
    expect(objects[0].metadata).toMatchObject({ name: 'ingress-demo', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe('ingress-demo');
  });

  test('host- and path-based routes to two Services', () => {
    expect(routes(demo)).toEqual([
      [`${SITE_HOST}/`, 'Prefix', 'web', 80],
      [`${SITE_HOST}/api`, 'Prefix', 'api', 80],
      [`${API_HOST}/`, 'Prefix', 'api', 80],
    ]);
    expect(demo.spec.tls).toBeUndefined();
    expect(demo.metadata.annotations).toBeUndefined();
  });

  test.each(PROFILE_NAMES)('every Ingress backend names an existing Service and one of its ports (%s)', (profile) => {
    expect(unresolvedBackends(synthExample('ingress', profile))).toEqual([]);
  });

  test.each(EXAMPLE_NAMES)('every Ingress backend of the %s example resolves too', (name) => {
    for (const profile of PROFILE_NAMES) expect(unresolvedBackends(synthExample(name, profile))).toEqual([]);
  });

  test.each(['web', 'api'])('Service %s selects only its own pods and targets their container port', (name) => {
    const service = findObject(objects, 'Service', name);
    for (const deployment of ofKind(objects, 'Deployment')) {
      expect(selects(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(deployment.metadata.name === name);
    }
    const container = findObject(objects, 'Deployment', name).spec.template.spec.containers[0];
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: container.ports[0].containerPort }]);
  });

  test.each(PROFILE_NAMES)('ingressClassName comes from the profile, and is left out where the profile has none (%s)', (profile) => {
    const expected = getProfile(profile).ingressClassName;
    for (const ingress of ofKind(synthExample('ingress', profile), 'Ingress')) {
      if (expected === undefined) expect(ingress.spec).not.toHaveProperty('ingressClassName');
      else expect(ingress.spec.ingressClassName).toBe(expected);
    }
  });

  test('the profiles use nginx on minikube, traefik on k3s and the default class on a cloud cluster', () => {
    const classes = Object.fromEntries(PROFILE_NAMES.map((p) => [p, findObject(synthExample('ingress', p), 'Ingress', 'demo').spec.ingressClassName]));
    expect(classes).toEqual({ minikube: 'nginx', k3s: 'traefik', cloud: undefined });
  });

  test('the TLS variant terminates HTTPS for its host with a Secret created out of band, and says so', () => {
    expect(secure.spec.tls).toEqual([{ hosts: [SECURE_HOST], secretName: TLS_SECRET }]);
    expect(routes(secure)).toEqual([[`${SECURE_HOST}/`, 'Prefix', 'web', 80]]);
    expect(secure.metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: `Secret/${TLS_SECRET}` });
    for (const profile of PROFILE_NAMES) {
      // The certificate and its private key are never part of dist/.
      expect(ofKind(synthExample('ingress', profile), 'Secret')).toEqual([]);
    }
  });

  test.each(PROFILE_NAMES)('every TLS Secret an Ingress names is in the chart or listed as external (%s)', (profile) => {
    expect(unlistedTlsSecrets(synthExample('ingress', profile))).toEqual([]);
  });

  test('the TLS check catches an out-of-band Secret that is not listed as external', () => {
    const copy = JSON.parse(JSON.stringify(objects));
    delete findObject(copy, 'Ingress', 'demo-secure').metadata.annotations;
    expect(unlistedTlsSecrets(copy)).toEqual(['demo-secure: Secret "demo-tls" is neither in the chart nor listed as external']);
  });

  test('one whoami pod per app: routing does not need more', () => {
    for (const name of ['web', 'api']) {
      const deployment = findObject(objects, 'Deployment', name);
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.template.spec.containers[0].image).toBe('traefik/whoami:v1.10.1');
    }
  });

  describe('the backend check catches a broken Ingress', () => {
    const broken = (change: (ingress: K8sObject) => void) => {
      const copy = JSON.parse(JSON.stringify(objects));
      change(findObject(copy, 'Ingress', 'demo'));
      return unresolvedBackends(copy);
    };

    test('a Service that does not exist', () => {
      expect(broken((i) => { i.spec.rules[0].http.paths[1].backend.service.name = 'apis'; })).toEqual(['demo demo.test/api: no Service "apis"']);
    });

    test('the container port instead of the Service port', () => {
      expect(broken((i) => { i.spec.rules[1].http.paths[0].backend.service.port.number = 8080; })).toEqual(['demo api.demo.test/: Service "api" has no port {"number":8080}']);
    });

    test('a port name the Service does not have', () => {
      expect(broken((i) => { i.spec.rules[0].http.paths[0].backend.service.port = { name: 'https' }; })).toEqual(['demo demo.test/: Service "web" has no port {"name":"https"}']);
    });

    test('a Service of another namespace', () => {
      expect(broken((i) => { i.metadata.namespace = 'services-demo'; })).toHaveLength(3);
    });
  });
});
