import { GatewayExample, SHOP_HOST, SITE_HOST } from '../../examples/gateway/chart';
import { PROFILES, getProfile } from '../../examples/profiles';
import { App, Testing } from 'cdk8s';
import { K8sObject, PROFILE_NAMES, findObject, findingsOf, ofKind, selects, synthExample } from '../helpers';

const GATEWAY_RULES = ['gateway-parent', 'gateway-backend', 'gateway-weights', 'api-version'];

/** host+path → [Service, port, weight] of every rule of an HTTPRoute. */
const routes = (route: K8sObject) => route.spec.rules.flatMap((rule: K8sObject) => rule.matches.map((m: K8sObject) =>
  [`${route.spec.hostnames.join(',')}${m.path.value}`, m.path.type, rule.backendRefs.map((b: K8sObject) => [b.name, b.port, b.weight])]));

describe('gateway example', () => {
  const objects = synthExample('gateway');
  const gateway = findObject(objects, 'Gateway', 'demo');

  test.each(PROFILES.map((p) => [p.name, p.gateway.className, p.gateway.httpPort] as const))('the profile decides the class and the listener port (%s: %s, %d)', (profile, className, port) => {
    const g = findObject(synthExample('gateway', profile), 'Gateway', 'demo');
    expect(g.spec.gatewayClassName).toBe(className);
    expect(g.spec.listeners).toEqual([{ name: 'http', protocol: 'HTTP', port, allowedRoutes: { namespaces: { from: 'Same' } } }]);
  });

  test('k3s uses Traefik on its web entry point, minikube Envoy Gateway', () => {
    expect(getProfile('k3s').gateway).toEqual({ className: 'traefik', httpPort: 8000 });
    expect(getProfile('minikube').gateway).toEqual({ className: 'eg', httpPort: 80 });
  });

  test('routes by host and path to two Services, attached to the listener http', () => {
    const site = findObject(objects, 'HTTPRoute', 'site');
    expect(site.spec.parentRefs).toEqual([{ name: gateway.metadata.name, sectionName: 'http' }]);
    expect(routes(site)).toEqual([
      [`${SITE_HOST}/`, 'PathPrefix', [['web', 80, undefined]]],
      [`${SITE_HOST}/api`, 'PathPrefix', [['api', 80, undefined]]],
    ]);
  });

  test('the canary: 90/10 between two versions of shop by default', () => {
    const shop = findObject(objects, 'HTTPRoute', 'shop');
    expect(routes(shop)).toEqual([[`${SHOP_HOST}/`, 'PathPrefix', [['shop-v1', 80, 90], ['shop-v2', 80, 10]]]]);
  });

  test.each([[0, 100, 0], [50, 50, 50], [100, 0, 100]])('canaryPercent %d moves the weight: v1 %d, v2 %d', (percent, v1, v2) => {
    const chart = new GatewayExample(new App(), 'gateway', { profile: getProfile('minikube'), canaryPercent: percent });
    const shop = findObject(Testing.synth(chart), 'HTTPRoute', 'shop');
    expect(shop.spec.rules[0].backendRefs.map((b: K8sObject) => b.weight)).toEqual([v1, v2]);
  });

  test.each([-1, 101, 12.5])('canaryPercent %d is refused', (percent) => {
    expect(() => new GatewayExample(new App(), 'gateway', { profile: getProfile('minikube'), canaryPercent: percent }))
      .toThrow(new Error(`canaryPercent ${percent} is outside 0-100`));
  });

  test.each(['web', 'api', 'shop-v1', 'shop-v2'])('Service %s selects only its own pods', (name) => {
    const service = findObject(objects, 'Service', name);
    for (const deployment of ofKind(objects, 'Deployment')) {
      expect(selects(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(deployment.metadata.name === name);
    }
  });

  test.each(PROFILE_NAMES)('every route attaches to a Gateway of the example, and every backend resolves (%s)', (profile) => {
    expect(findingsOf(synthExample('gateway', profile), GATEWAY_RULES)).toEqual([]);
  });

  test('the checks bite: a route to a missing Service and weights of 0 are found', () => {
    const broken = synthExample('gateway').map((o) => (o.kind === 'HTTPRoute' && o.metadata.name === 'shop'
      ? { ...o, spec: { ...o.spec, rules: [{ ...o.spec.rules[0], backendRefs: [{ name: 'shop-v3', port: 80, weight: 0 }] }] } } : o));
    expect(findingsOf(broken, GATEWAY_RULES)).toEqual([
      'gateway-backend: HTTPRoute/gateway-demo/shop spec.rules[0].backendRefs[0].name',
      'gateway-weights: HTTPRoute/gateway-demo/shop spec.rules[0].backendRefs',
    ]);
  });
});
