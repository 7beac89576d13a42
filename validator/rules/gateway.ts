// Gateway API routes fit together: an HTTPRoute attaches to a Gateway of the set (and a listener it
// has), sends requests to Services of the set on ports they expose, and each rule's weights leave
// some traffic to send. The API server accepts all of these broken; the route then shows
// `Accepted: False` or `ResolvedRefs: False` in its status, and requests get a 404 or a 500.
import { ManifestSet, namespaceOf } from '../manifest-set';
import { Finding, Manifest, Rule } from '../types';
import { Json, asList, finding, isObject, quote } from './helpers';

const GROUP = 'gateway.networking.k8s.io';
/** The route kinds whose spec has parentRefs and rules[].backendRefs. */
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];

function rule(id: string, description: string, check: (set: ManifestSet) => Finding[]): Rule {
  return { id, family: 'wiring', description, check: (set) => check(set) };
}

/** The Gateway API routes of the set (objects of the Gateway API group, by kind). */
function routes(set: ManifestSet): Manifest[] {
  return set.manifests.filter((m) => ROUTE_KINDS.includes(m.object?.kind) && String(m.object?.apiVersion).startsWith(`${GROUP}/`));
}

function inNamespace(namespace: string): string {
  return namespace === '' ? 'without a namespace' : `in namespace ${quote(namespace)}`;
}

const gatewayParent = rule('gateway-parent',
  'every parentRef of an HTTPRoute names a Gateway of the set (in the route\'s namespace unless it says another), and a listener of that Gateway when it names one',
  (set) => routes(set).flatMap((m) => asList(m.object.spec?.parentRefs).flatMap((ref, i): Finding[] => {
    if (!isObject(ref) || typeof ref.name !== 'string') return [];
    if ((ref.group ?? GROUP) !== GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') return [];
    const path = `spec.parentRefs[${i}]`;
    const namespace = typeof ref.namespace === 'string' ? ref.namespace : namespaceOf(m.object);
    const gateway = set.find('Gateway', namespace, ref.name);
    if (!gateway) {
      if (set.isExternal(m, 'Gateway', ref.name)) return [];
      return [finding('gateway-parent', m, `${path}.name`, `attaches to Gateway ${quote(ref.name)}, which is not in the manifests ${inNamespace(namespace)}: `
        + `the route is never served; add the Gateway, or if it exists outside these manifests, list Gateway/${ref.name} in the k8s-by-example/external-refs annotation (or pass --external Gateway/${ref.name})`)];
    }
    if (typeof ref.sectionName !== 'string') return [];
    const listeners = asList(gateway.object.spec?.listeners).map((l: Json) => l?.name).filter((n): n is string => typeof n === 'string');
    if (listeners.includes(ref.sectionName)) return [];
    return [finding('gateway-parent', m, `${path}.sectionName`, `attaches to listener ${quote(ref.sectionName)} of Gateway ${quote(ref.name)}, which has no such listener (its listeners: ${listeners.join(', ') || 'none'})`)];
  })));

/** Every backendRef of a route's rules, with its path. */
function backendRefs(m: Manifest): Array<{ ref: Json; path: string }> {
  return asList(m.object.spec?.rules).flatMap((r, i) => asList(r?.backendRefs).map((ref, j) => ({ ref, path: `spec.rules[${i}].backendRefs[${j}]` })));
}

const gatewayBackend = rule('gateway-backend',
  'every backendRef of an HTTPRoute that names a Service names one of the set, with a port that Service exposes (a Service backend needs its port)',
  (set) => routes(set).flatMap((m) => backendRefs(m).flatMap(({ ref, path }): Finding[] => {
    if (!isObject(ref) || typeof ref.name !== 'string') return [];
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') return [];
    const namespace = typeof ref.namespace === 'string' ? ref.namespace : namespaceOf(m.object);
    const service = set.find('Service', namespace, ref.name);
    if (!service) {
      if (set.isExternal(m, 'Service', ref.name)) return [];
      return [finding('gateway-backend', m, `${path}.name`, `sends requests to Service ${quote(ref.name)}, which is not in the manifests ${inNamespace(namespace)}: `
        + `they get a 500; add it, or if it exists outside these manifests, list Service/${ref.name} in the k8s-by-example/external-refs annotation (or pass --external Service/${ref.name})`)];
    }
    if (service.object.spec?.type === 'ExternalName') return [];
    const ports = asList(service.object.spec?.ports);
    const offered = ports.map((p) => `${p?.port}`).join(', ') || 'none';
    if (ref.port === undefined || ref.port === null) {
      return [finding('gateway-backend', m, `${path}.port`, `sends requests to Service ${quote(ref.name)} without a port: a Service backend must name one of its ports (${offered})`)];
    }
    if (ports.some((p) => p?.port === ref.port)) return [];
    return [finding('gateway-backend', m, `${path}.port`, `sends requests to port ${quote(ref.port)} of Service ${quote(ref.name)}, which has no such port (its ports: ${offered})`)];
  })));

const gatewayWeights = rule('gateway-weights',
  'the backends of each HTTPRoute rule have weights that add up to more than 0 (a weight left out counts 1), or the rule answers every request with a 500',
  (set) => routes(set).flatMap((m) => asList(m.object.spec?.rules).flatMap((r, i): Finding[] => {
    const refs = asList(r?.backendRefs);
    if (refs.length === 0) return [];
    const total = refs.reduce((sum: number, ref) => sum + (typeof ref?.weight === 'number' ? ref.weight : 1), 0);
    if (total > 0) return [];
    return [finding('gateway-weights', m, `spec.rules[${i}].backendRefs`, `the weights of the ${refs.length} backends add up to 0: no backend gets a request, and the rule answers every one with a 500; give at least one a weight above 0`)];
  })));

/** The rules for Gateway API objects. */
export const GATEWAY_RULES: readonly Rule[] = [gatewayParent, gatewayBackend, gatewayWeights];
