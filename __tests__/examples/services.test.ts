import { SERVICES_NODE_PORT } from '../../examples/services/chart';
import { PROFILE_NAMES, findObject, ofKind, selects, synthExample } from '../helpers';

describe('services example', () => {
  const objects = synthExample('services');
  const web = findObject(objects, 'Deployment', 'web');
  const podLabels = web.spec.template.metadata.labels;
  const container = web.spec.template.spec.containers[0];
  const service = (name: string) => findObject(objects, 'Service', name);

  test('one Service of each type', () => {
    expect(ofKind(objects, 'Service').map((s) => [s.metadata.name, s.spec.type, s.spec.clusterIP])).toEqual([
      ['web', 'ClusterIP', undefined],
      ['web-nodeport', 'NodePort', undefined],
      ['web-lb', 'LoadBalancer', undefined],
      ['web-headless', 'ClusterIP', 'None'],
      ['web-alias', 'ExternalName', undefined],
    ]);
  });

  test.each(['web', 'web-nodeport', 'web-lb', 'web-headless'])('Service %s selects the web pods and targets the container port', (name) => {
    const s = service(name);
    expect(selects(s.spec.selector, podLabels)).toBe(true);
    expect(s.spec.ports.map((p: { targetPort: number }) => p.targetPort)).toEqual([container.ports[0].containerPort]);
  });

  test('no Service selects the toolbox pod', () => {
    const toolboxLabels = findObject(objects, 'Deployment', 'toolbox').spec.template.metadata.labels;
    for (const s of ofKind(objects, 'Service').filter((x) => x.spec.selector)) {
      expect(selects(s.spec.selector, toolboxLabels)).toBe(false);
    }
  });

  test('NodePort: port, targetPort and nodePort are three different numbers', () => {
    expect(service('web-nodeport').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, nodePort: SERVICES_NODE_PORT }]);
  });

  test('LoadBalancer avoids port 80, which Traefik holds on k3s nodes', () => {
    expect(service('web-lb').spec.ports[0].port).toBe(8000);
  });

  test('ExternalName points at the ClusterIP Service of the same namespace and selects nothing', () => {
    const alias = service('web-alias');
    expect(alias.spec.externalName).toBe('web.services-demo.svc.cluster.local');
    expect(alias.spec.selector).toBeUndefined();
    expect(service('web').metadata.namespace).toBe('services-demo');
  });

  test('the app shows which pod answered: several replicas in every profile', () => {
    for (const profile of PROFILE_NAMES) {
      expect(findObject(synthExample('services', profile), 'Deployment', 'web').spec.replicas).toBeGreaterThan(1);
    }
    expect(container.image).toBe('traefik/whoami:v1.10.1');
    expect(container.args).toEqual(['--port', '8080']);
  });
});
