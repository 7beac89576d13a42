import { API_HOST, SECURE_HOST, SITE_HOST, TLS_SECRET } from '../../examples/ingress/chart';
import { getProfile } from '../../examples/profiles';
import { EXTERNAL_REFS_ANNOTATION } from '../../lib';
import { ABSENT, K8sObject, field, PROFILE_NAMES, findObject, findingsOf, ofKind, selects, synthExample } from '../helpers';

const unresolvedBackends = (objects: K8sObject[]) => findingsOf(objects, ['ingress-backend']);
const unlistedTlsSecrets = (objects: K8sObject[]) => findingsOf(objects, ['secret-exists']);

/** host+path → Service name and port, for every rule of an Ingress. */
const routes = (ingress: K8sObject) => ingress.spec.rules.flatMap((rule: K8sObject) => rule.http.paths.map((p: K8sObject) =>
  [`${rule.host}${p.path}`, p.pathType, p.backend.service.name, p.backend.service.port.number]));

describe('ingress example', () => {
  const objects = synthExample('ingress');
  const demo = findObject(objects, 'Ingress', 'demo');
  const secure = findObject(objects, 'Ingress', 'demo-secure');

  test('host- and path-based routes to two Services', () => {
    expect(routes(demo)).toEqual([
      [`${SITE_HOST}/`, 'Prefix', 'web', 80],
      [`${SITE_HOST}/api`, 'Prefix', 'api', 80],
      [`${API_HOST}/`, 'Prefix', 'api', 80],
    ]);
    expect(demo.spec.tls).toBeUndefined();
    expect(demo.metadata.annotations).toBeUndefined();
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
      expect(field(ingress.spec, 'ingressClassName')).toBe(expected ?? ABSENT);
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

  test('the TLS check catches an out-of-band Secret that is not listed as external', () => {
    const copy = JSON.parse(JSON.stringify(objects));
    delete findObject(copy, 'Ingress', 'demo-secure').metadata.annotations;
    expect(unlistedTlsSecrets(copy)).toEqual(['secret-exists: Ingress/ingress-demo/demo-secure spec.tls[0].secretName']);
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
      expect(broken((i) => { i.spec.rules[0].http.paths[1].backend.service.name = 'apis'; })).toEqual(['ingress-backend: Ingress/ingress-demo/demo spec.rules[0].http.paths[1].backend.service.name']);
    });

    test('the container port instead of the Service port', () => {
      expect(broken((i) => { i.spec.rules[1].http.paths[0].backend.service.port.number = 8080; })).toEqual(['ingress-backend: Ingress/ingress-demo/demo spec.rules[1].http.paths[0].backend.service.port']);
    });

    test('a port name the Service does not have', () => {
      expect(broken((i) => { i.spec.rules[0].http.paths[0].backend.service.port = { name: 'https' }; })).toEqual(['ingress-backend: Ingress/ingress-demo/demo spec.rules[0].http.paths[0].backend.service.port']);
    });

    test('a Service of another namespace', () => {
      expect(broken((i) => { i.metadata.namespace = 'services-demo'; })).toHaveLength(3);
    });
  });
});
