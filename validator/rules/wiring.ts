// Whether the objects fit together: what selects, targets, mounts or references something
// finds it in the same namespace. A reference to an object that is not in the manifests is a
// finding unless it is optional, listed in the object's external-refs annotation, or named as
// existing in the options (--external).
import { EXTERNAL_REFS_ANNOTATION, LabelSelector, ManifestSet, isEmptySelector, mapSelectorMatches, namespaceOf } from '../manifest-set';
import { ContainerAt, PodSpecAt, containersOf } from '../pod-specs';
import { Finding, Manifest, Rule } from '../types';
import { Json, asList, containerFinding, finding, isObject, podFinding, quote } from './helpers';
import { probePorts } from './schema';

function rule(id: string, description: string, check: (set: ManifestSet) => Finding[]): Rule {
  return { id, family: 'wiring', description, check: (set) => check(set) };
}

/** How a finding names a namespace. */
function inNamespace(namespace: string): string {
  return namespace === '' ? 'without a namespace' : `in namespace ${quote(namespace)}`;
}

/** What to do about a missing object. */
function missingHint(kind: string, name: string): string {
  return `add it, or if it exists outside these manifests, list ${kind}/${name} in the ${EXTERNAL_REFS_ANNOTATION} annotation (or pass --external ${kind}/${name})`;
}

/** The workload a pod template belongs to, for messages: `Deployment "web"`. */
function owner(pod: PodSpecAt): string {
  return `${pod.manifest.object.kind} ${quote(pod.manifest.object.metadata?.name)}`;
}

/** Containers that serve traffic: app containers and native sidecars. */
function servingContainers(pod: PodSpecAt): ContainerAt[] {
  return containersOf(pod).filter((c) => c.kind === 'containers' || (c.kind === 'initContainers' && c.container.restartPolicy === 'Always'));
}

/** The ports that a pod's serving containers declare, computed once per pod. */
const declaredPorts = new WeakMap<PodSpecAt, Json[]>();
function portsOf(pod: PodSpecAt): Json[] {
  let ports = declaredPorts.get(pod);
  if (!ports) declaredPorts.set(pod, ports = servingContainers(pod).flatMap((c) => asList(c.container.ports)));
  return ports;
}

/** Keys of the objects of one set, computed once per object and set (a caller may change an object between sets). */
function keysIn(set: ManifestSet, object: Json, fields: readonly string[]): ReadonlySet<string> {
  const cache = set.memo(`keys:${fields.join(',')}`, () => new WeakMap<object, ReadonlySet<string>>());
  let keys = cache.get(object);
  if (!keys) cache.set(object, keys = new Set(fields.flatMap((f) => (isObject(object[f]) ? Object.keys(object[f]) : []))));
  return keys;
}

/** The keys of a ConfigMap (data, binaryData) or Secret (data, stringData). */
function keysOf(set: ManifestSet, object: Json): ReadonlySet<string> {
  return keysIn(set, object, object.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData']);
}

/** The keys that envFrom turns into env vars: data and stringData (not binaryData). */
function envKeysOf(set: ManifestSet, object: Json): ReadonlySet<string> {
  return keysIn(set, object, ['data', 'stringData']);
}

/** A list of names for a message, cut after the first 20. */
function listOf(names: Iterable<string>): string {
  const all = [...names];
  return all.length <= 20 ? all.join(', ') : `${all.slice(0, 20).join(', ')} and ${all.length - 20} more`;
}

const serviceSelector = rule('service-selector',
  'a Service\'s selector matches the pod labels of some workload in its namespace (otherwise it has no endpoints)',
  (set) => set.ofKind('Service').flatMap((m) => {
    const selector = m.object.spec?.selector;
    if (m.object.spec?.type === 'ExternalName' || !isObject(selector) || Object.keys(selector).length === 0) return [];
    if (set.podsSelectedBy(namespaceOf(m.object), { matchLabels: selector }).length > 0) return [];
    return [finding('service-selector', m, 'spec.selector', `selects no pods: no pod template ${inNamespace(namespaceOf(m.object))} has the labels ${JSON.stringify(selector)}`)];
  }));

const serviceTargetPort = rule('service-target-port',
  'each targetPort of a Service (a number or a port name; the port when omitted) is a port that every selected pod\'s containers declare',
  (set) => set.ofKind('Service').flatMap((m) => {
    const selector = m.object.spec?.selector;
    if (m.object.spec?.type === 'ExternalName' || !isObject(selector) || Object.keys(selector).length === 0) return [];
    const pods = set.podsSelectedBy(namespaceOf(m.object), { matchLabels: selector });
    const found: Finding[] = [];
    asList(m.object.spec?.ports).forEach((port, i) => {
      const target = port?.targetPort ?? port?.port;
      const protocol = port?.protocol ?? 'TCP';
      for (const pod of pods) {
        const declared = portsOf(pod);
        const exposed = declared.some((p) => (typeof target === 'string'
          ? p?.name === target && (p?.protocol ?? 'TCP') === protocol
          : p?.containerPort === target));
        if (!exposed) {
          const offered = declared.map((p) => (p?.name ? `${p.containerPort} (${p.name})` : `${p?.containerPort}`)).join(', ') || 'no ports';
          found.push(finding('service-target-port', m, `spec.ports[${i}].${port?.targetPort === undefined ? 'port' : 'targetPort'}`,
            `targets port ${quote(target)}, which the pods of ${owner(pod)} do not declare (they declare ${offered})`));
        }
      }
    });
    return found;
  }));

const ingressBackend = rule('ingress-backend',
  'every Ingress backend names a Service in the Ingress\'s namespace, and a port (number or name) of that Service',
  (set) => set.ofKind('Ingress').flatMap((m) => {
    const backends: Array<{ path: string; service: Json }> = [];
    if (isObject(m.object.spec?.defaultBackend?.service)) backends.push({ path: 'spec.defaultBackend.service', service: m.object.spec.defaultBackend.service });
    asList(m.object.spec?.rules).forEach((r, i) => asList(r?.http?.paths).forEach((p, j) => {
      if (isObject(p?.backend?.service)) backends.push({ path: `spec.rules[${i}].http.paths[${j}].backend.service`, service: p.backend.service });
    }));
    const found: Finding[] = [];
    for (const { path, service } of backends) {
      if (typeof service.name !== 'string') continue;
      const target = set.find('Service', namespaceOf(m.object), service.name);
      if (!target) {
        if (!set.isExternal(m, 'Service', service.name)) {
          found.push(finding('ingress-backend', m, `${path}.name`, `sends traffic to Service ${quote(service.name)}, which is not in the manifests ${inNamespace(namespaceOf(m.object))}: ${missingHint('Service', service.name)}`));
        }
        continue;
      }
      if (target.object.spec?.type === 'ExternalName') continue;
      const ports = asList(target.object.spec?.ports);
      const wanted = service.port?.number ?? service.port?.name;
      const ok = service.port?.number !== undefined ? ports.some((p) => p?.port === service.port.number) : ports.some((p) => p?.name === service.port?.name);
      if (wanted !== undefined && !ok) {
        const offered = ports.map((p) => (p?.name ? `${p.port} (${p.name})` : `${p?.port}`)).join(', ') || 'none';
        found.push(finding('ingress-backend', m, `${path}.port`, `sends traffic to port ${quote(wanted)} of Service ${quote(service.name)}, which has no such port (its ports: ${offered})`));
      }
    }
    return found;
  }));

/** A reference from a pod spec or an Ingress to a ConfigMap or Secret. */
interface ConfigRef {
  readonly from: Manifest;
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** The keys it needs, with the path of each. */
  readonly keys: ReadonlyArray<{ key: string; path: string }>;
  readonly optional: boolean;
  readonly path: string;
  /** Who references it, for messages. */
  readonly who: string;
}

function itemKeys(items: Json, path: string): Array<{ key: string; path: string }> {
  return asList(items).flatMap((item, i) => (typeof item?.key === 'string' ? [{ key: item.key, path: `${path}.items[${i}].key` }] : []));
}

/** Every ConfigMap and Secret reference in the set, found once for the rules that need them. */
function configRefs(set: ManifestSet): ConfigRef[] {
  return set.memo('config-refs', () => findConfigRefs(set));
}

function findConfigRefs(set: ManifestSet): ConfigRef[] {
  const refs: ConfigRef[] = [];
  const add = (ref: Omit<ConfigRef, 'name'> & { name: Json }) => {
    if (typeof ref.name === 'string' && ref.name !== '') refs.push(ref as ConfigRef);
  };
  for (const c of set.containers) {
    const from = c.pod.manifest;
    const who = `${c.kind === 'containers' ? 'container' : c.kind === 'initContainers' ? 'init container' : 'ephemeral container'} ${quote(c.container.name)}`;
    asList(c.container.env).forEach((env, i) => {
      for (const [field, kind] of [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const) {
        const ref = env?.valueFrom?.[field];
        if (!isObject(ref)) continue;
        const path = `${c.path}.env[${i}].valueFrom.${field}`;
        add({ from, kind, name: ref.name, keys: typeof ref.key === 'string' ? [{ key: ref.key, path: `${path}.key` }] : [], optional: ref.optional === true, path: `${path}.name`, who: `${who} (env ${quote(env.name)})` });
      }
    });
    asList(c.container.envFrom).forEach((source, i) => {
      for (const [field, kind] of [['configMapRef', 'ConfigMap'], ['secretRef', 'Secret']] as const) {
        const ref = source?.[field];
        if (isObject(ref)) add({ from, kind, name: ref.name, keys: [], optional: ref.optional === true, path: `${c.path}.envFrom[${i}].${field}.name`, who });
      }
    });
  }
  for (const pod of set.podSpecs) {
    asList(pod.spec.volumes).forEach((volume, i) => {
      const base = `${pod.path}.volumes[${i}]`;
      const who = `volume ${quote(volume?.name)}`;
      if (isObject(volume?.configMap)) {
        add({ from: pod.manifest, kind: 'ConfigMap', name: volume.configMap.name, keys: itemKeys(volume.configMap.items, `${base}.configMap`), optional: volume.configMap.optional === true, path: `${base}.configMap.name`, who });
      }
      if (isObject(volume?.secret)) {
        add({ from: pod.manifest, kind: 'Secret', name: volume.secret.secretName, keys: itemKeys(volume.secret.items, `${base}.secret`), optional: volume.secret.optional === true, path: `${base}.secret.secretName`, who });
      }
      asList(volume?.projected?.sources).forEach((source, j) => {
        for (const [field, kind] of [['configMap', 'ConfigMap'], ['secret', 'Secret']] as const) {
          const ref = source?.[field];
          const path = `${base}.projected.sources[${j}].${field}`;
          if (isObject(ref)) add({ from: pod.manifest, kind, name: ref.name, keys: itemKeys(ref.items, path), optional: ref.optional === true, path: `${path}.name`, who });
        }
      });
    });
  }
  for (const m of set.ofKind('Ingress')) {
    asList(m.object.spec?.tls).forEach((tls, i) => add({ from: m, kind: 'Secret', name: tls?.secretName, keys: [], optional: false, path: `spec.tls[${i}].secretName`, who: 'TLS' }));
  }
  return refs;
}

function existsRule(id: string, kind: 'ConfigMap' | 'Secret'): Rule {
  return rule(id, `every ${kind} that a pod (env, envFrom, volumes) or an Ingress (tls) references exists in its namespace, unless the reference is optional`,
    (set) => configRefs(set)
      .filter((ref) => ref.kind === kind && !ref.optional && !set.exists(ref.from, kind, ref.name))
      .map((ref) => finding(id, ref.from, ref.path, `${ref.who} references ${kind} ${quote(ref.name)}, which is not in the manifests ${inNamespace(namespaceOf(ref.from.object))}: ${missingHint(kind, ref.name)}`)));
}

const keyExists = rule('key-exists',
  'every key that a pod takes from a ConfigMap or Secret (configMapKeyRef, secretKeyRef, volume items) is in it, unless the reference is optional',
  (set) => configRefs(set).flatMap((ref) => {
    if (ref.optional || ref.keys.length === 0) return [];
    const target = set.find(ref.kind, namespaceOf(ref.from.object), ref.name);
    if (!target || target.object.type === 'kubernetes.io/service-account-token') return [];
    const keys = keysOf(set, target.object);
    return ref.keys.filter(({ key }) => !keys.has(key)).map(({ key, path }) => finding('key-exists', ref.from, path,
      `${ref.who} needs key ${quote(key)} of ${ref.kind} ${quote(ref.name)}, which has no such key (its keys: ${listOf(keys) || 'none'})`));
  }));

const pvcExists = rule('pvc-exists',
  'every PersistentVolumeClaim that a pod mounts exists in its namespace',
  (set) => set.podSpecs.flatMap((pod) => asList(pod.spec.volumes).flatMap((volume, i) => {
    const claim = volume?.persistentVolumeClaim?.claimName;
    if (typeof claim !== 'string' || set.exists(pod.manifest, 'PersistentVolumeClaim', claim)) return [];
    return [podFinding('pvc-exists', pod, `volumes[${i}].persistentVolumeClaim.claimName`, `volume ${quote(volume.name)} mounts PersistentVolumeClaim ${quote(claim)}, which is not in the manifests ${inNamespace(namespaceOf(pod.manifest.object))}: ${missingHint('PersistentVolumeClaim', claim)}`)];
  })));

const serviceAccountExists = rule('service-account-exists',
  'the ServiceAccount a pod runs as exists in its namespace (every namespace has "default")',
  (set) => set.podSpecs.flatMap((pod) => {
    const field = pod.spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount';
    const name = pod.spec[field];
    if (typeof name !== 'string' || name === '' || name === 'default' || set.exists(pod.manifest, 'ServiceAccount', name)) return [];
    return [podFinding('service-account-exists', pod, field, `runs as ServiceAccount ${quote(name)}, which is not in the manifests ${inNamespace(namespaceOf(pod.manifest.object))}: the pods would not be created; ${missingHint('ServiceAccount', name)}`)];
  }));

const volumeDeclared = rule('volume-declared',
  'every volumeMount and volumeDevice names a volume of the pod (or a volumeClaimTemplate of the StatefulSet)',
  (set) => set.podSpecs.flatMap((pod) => {
    const declared = new Set(asList(pod.spec.volumes).map((v) => v?.name));
    if (pod.manifest.object.kind === 'StatefulSet') {
      for (const t of asList(pod.manifest.object.spec?.volumeClaimTemplates)) declared.add(t?.metadata?.name);
    }
    return containersOf(pod).flatMap((c) => (['volumeMounts', 'volumeDevices'] as const).flatMap((field) => asList(c.container[field]).flatMap((mount, i) => (
      typeof mount?.name !== 'string' || declared.has(mount.name) ? []
        : [containerFinding('volume-declared', c, `${field}[${i}].name`, `mounts volume ${quote(mount.name)}, which the pod does not declare in ${pod.path}.volumes${pod.manifest.object.kind === 'StatefulSet' ? ' or spec.volumeClaimTemplates' : ''}`)]))));
  }));

const statefulSetService = rule('statefulset-service',
  'a StatefulSet\'s serviceName is a headless Service (clusterIP: None) in its namespace that selects its pods, which gives each pod its DNS name',
  (set) => set.ofKind('StatefulSet').flatMap((m) => {
    const name = m.object.spec?.serviceName;
    if (typeof name !== 'string' || name === '') return [];
    const service = set.find('Service', namespaceOf(m.object), name);
    const at = (message: string) => [finding('statefulset-service', m, 'spec.serviceName', message)];
    if (!service) return set.isExternal(m, 'Service', name) ? [] : at(`names Service ${quote(name)}, which is not in the manifests ${inNamespace(namespaceOf(m.object))}: add a headless Service (clusterIP: None) that selects the pods`);
    if (service.object.spec?.clusterIP !== 'None') return at(`names Service ${quote(name)}, which is not headless: set clusterIP: None on it`);
    if (!mapSelectorMatches(service.object.spec?.selector, m.object.spec?.template?.metadata?.labels)) {
      return at(`names Service ${quote(name)}, whose selector does not select this StatefulSet's pods`);
    }
    return [];
  }));

const nodePortRange = rule('node-port-range',
  'a nodePort is in 30000-32767 (the default range) and only on NodePort or LoadBalancer Services',
  (set) => set.ofKind('Service').flatMap((m) => asList(m.object.spec?.ports).flatMap((port, i) => {
    const nodePort = port?.nodePort;
    if (nodePort === undefined || nodePort === null) return [];
    const type = m.object.spec?.type ?? 'ClusterIP';
    if (type !== 'NodePort' && type !== 'LoadBalancer') {
      return [finding('node-port-range', m, `spec.ports[${i}].nodePort`, `sets nodePort ${nodePort} on a ${type} Service: only NodePort and LoadBalancer Services have one`)];
    }
    return Number.isInteger(nodePort) && (nodePort < 30000 || nodePort > 32767)
      ? [finding('node-port-range', m, `spec.ports[${i}].nodePort`, `nodePort ${nodePort} is outside 30000-32767, the range a default cluster allocates from`)] : [];
  })));

const nodePortUnique = rule('node-port-unique',
  'no two Services claim the same nodePort: a nodePort is opened on every node, once for the whole cluster',
  (set) => {
    const owners = new Map<number, Manifest>();
    const found: Finding[] = [];
    for (const m of set.ofKind('Service')) {
      asList(m.object.spec?.ports).forEach((port, i) => {
        if (!Number.isInteger(port?.nodePort)) return;
        const first = owners.get(port.nodePort);
        if (first && first !== m) {
          found.push(finding('node-port-unique', m, `spec.ports[${i}].nodePort`, `nodePort ${port.nodePort} is already claimed by Service ${quote(first.object.metadata?.name)} (${first.file}): choose another`));
        } else {
          owners.set(port.nodePort, m);
        }
      });
    }
    return found;
  });

const uniqueObject = rule('unique-object',
  'no object (kind, namespace and name) is defined twice: the second would silently replace the first',
  (set) => set.duplicates().flatMap(([first, ...rest]) => rest.map((m) => finding('unique-object', m, 'metadata.name',
    `is defined twice: also in ${first.file} (document ${first.index + 1})`))));

function selectorRule(id: string, kind: string, field: string, description: string, emptyMeans: string): Rule {
  return rule(id, description, (set) => set.ofKind(kind).flatMap((m) => {
    const selector = m.object.spec?.[field];
    if (selector === undefined || selector === null) {
      return kind === 'PodDisruptionBudget' ? [finding(id, m, `spec.${field}`, 'has no selector: it protects no pod')] : [];
    }
    if (!isObject(selector) || isEmptySelector(selector as LabelSelector)) return [];
    if (set.podsSelectedBy(namespaceOf(m.object), selector as LabelSelector).length > 0) return [];
    return [finding(id, m, `spec.${field}`, `selects no pods: no pod template ${inNamespace(namespaceOf(m.object))} matches ${JSON.stringify(selector)}${emptyMeans}`)];
  }));
}

const networkPolicySelector = selectorRule('network-policy-selector', 'NetworkPolicy', 'podSelector',
  'a NetworkPolicy\'s podSelector matches some pods in its namespace (an empty one matches all)', ': the policy applies to nothing');
const pdbSelector = selectorRule('pdb-selector', 'PodDisruptionBudget', 'selector',
  'a PodDisruptionBudget\'s selector matches some pods in its namespace', ': the budget protects nothing');

const hpaTarget = rule('hpa-target',
  'a HorizontalPodAutoscaler\'s scaleTargetRef names a workload in its namespace',
  (set) => set.ofKind('HorizontalPodAutoscaler').flatMap((m) => {
    const ref = m.object.spec?.scaleTargetRef;
    if (!isObject(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return [];
    if (set.exists(m, ref.kind, ref.name)) return [];
    return [finding('hpa-target', m, 'spec.scaleTargetRef', `scales ${ref.kind} ${quote(ref.name)}, which is not in the manifests ${inNamespace(namespaceOf(m.object))}: ${missingHint(ref.kind, ref.name)}`)];
  }));

const probePort = rule('probe-port',
  'a probe or lifecycle handler that names a port (rather than a number) names a port of its own container',
  (set) => set.containers.flatMap((c) => probePorts(c.container)
    .filter(({ port }) => typeof port === 'string' && !asList(c.container.ports).some((p) => p?.name === port))
    .map(({ field, port }) => containerFinding('probe-port', c, field, `probes port ${quote(port)}, which is not the name of one of its ports`))));

const envVarReference = rule('env-var-reference',
  'a $(NAME) in an env value names an env var defined earlier in the same container: Kubernetes expands only those and leaves any other $(NAME) as it is',
  (set) => set.containers.flatMap((c) => {
    // Variables from envFrom come first; their names are known only when the source is known.
    const envFrom = asList(c.container.envFrom);
    const defined = new Set<string>();
    for (const from of envFrom) {
      const ref = from?.configMapRef ?? from?.secretRef;
      const kind = from?.configMapRef ? 'ConfigMap' : 'Secret';
      const source = isObject(ref) ? set.find(kind, namespaceOf(c.pod.manifest.object), ref.name) : undefined;
      if (!source) return []; // unknown names: nothing can be said
      for (const key of envKeysOf(set, source.object)) defined.add(`${from.prefix ?? ''}${key}`);
    }
    return asList(c.container.env).flatMap((env, i): Finding[] => {
      const value = isObject(env) && typeof env.value === 'string' ? env.value : '';
      const undefinedNames = [...value.matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]).filter((name) => !defined.has(name));
      if (isObject(env) && typeof env.name === 'string') defined.add(env.name);
      return undefinedNames.length === 0 ? [] : [containerFinding('env-var-reference', c, `env[${i}].value`,
        `(env ${quote(env.name)}) refers to ${undefinedNames.map((n) => `$(${n})`).join(', ')}, not defined by an earlier env entry: the text stays unexpanded (define it above, or write $$(NAME) for a literal)`)];
    });
  }));

/** The rules that decide whether the objects fit together. */
export const WIRING_RULES: readonly Rule[] = [
  serviceSelector, serviceTargetPort, ingressBackend, existsRule('configmap-exists', 'ConfigMap'), existsRule('secret-exists', 'Secret'),
  keyExists, pvcExists, serviceAccountExists, volumeDeclared, statefulSetService, nodePortRange, nodePortUnique, uniqueObject,
  networkPolicySelector, pdbSelector, hpaTarget, probePort, envVarReference,
];
