import { EXTERNAL_REFS_ANNOTATION, ManifestSet, isEmptySelector, selectorMatches } from '../manifest-set';
import * as names from '../names';
import { containersOf } from '../pod-specs';
import {
  KUBERNETES_VERSIONS, KubernetesVersion, SchemaProblem, checkObject, compareVersions, groupOf, isBuiltInGroup, lifecycleOf, schema, typeOfKind,
  versionsOfKind,
} from '../schema';
import { Finding, Manifest, Rule } from '../types';
import { Json, asList, finding, isObject, keyPath, quote } from './helpers';

/**
 * Kinds that 1.28 served as alpha and that later releases dropped without lifecycle tags in
 * k8s.io/api (their types are gone from it): what replaces them, if anything.
 */
const SUCCESSOR: Readonly<Record<string, string | undefined>> = {
  'networking.k8s.io/v1alpha1/ClusterCIDR': undefined,
  'resource.k8s.io/v1alpha2/PodSchedulingContext': undefined,
  'resource.k8s.io/v1alpha2/ResourceClaim': 'resource.k8s.io/v1 ResourceClaim (redesigned)',
  'resource.k8s.io/v1alpha2/ResourceClaimTemplate': 'resource.k8s.io/v1 ResourceClaimTemplate (redesigned)',
  'resource.k8s.io/v1alpha2/ResourceClass': 'resource.k8s.io/v1 DeviceClass (redesigned)',
};

/** Kinds that Kubernetes removed altogether before 1.28. */
const REMOVED_KINDS: Readonly<Record<string, string>> = {
  PodSecurityPolicy: 'PodSecurityPolicy was removed in Kubernetes 1.25: label the namespace with pod-security.kubernetes.io/enforce instead',
};

/** Custom resource groups that a CustomResourceDefinition in the set defines, with their kinds. */
function customKinds(set: ManifestSet): Map<string, Set<string>> {
  const kinds = new Map<string, Set<string>>();
  for (const crd of set.ofKind('CustomResourceDefinition')) {
    const spec = crd.object.spec;
    if (!isObject(spec) || typeof spec.group !== 'string') continue;
    for (const version of asList(spec.versions)) {
      const key = `${spec.group}/${version?.name}`;
      let set = kinds.get(key);
      if (!set) kinds.set(key, set = new Set());
      set.add(String(spec.names?.kind));
    }
  }
  return kinds;
}

const isPrerelease = (apiVersion: string) => /(alpha|beta)\d*$/.test(apiVersion);

/** The apiVersions that serve a kind on a release, stable ones only when there are any. */
function preferred(apiVersions: string[]): string[] {
  const stable = apiVersions.filter((v) => !isPrerelease(v));
  return stable.length > 0 ? stable : apiVersions;
}

/** Every apiVersion that serves a kind of this name on a release, in its group or else in any group. */
function servedAs(group: string, kind: string, version: KubernetesVersion): string[] {
  const inGroup = versionsOfKind(group, kind, version);
  return preferred(inGroup.length > 0 ? inGroup : versionsOfKindAnyGroup(kind, version));
}

/** Whether some release the validator knows serves this apiVersion and kind. */
function servedSomewhere(apiVersion: string, kind: string): boolean {
  return KUBERNETES_VERSIONS.some((v) => typeOfKind(apiVersion, kind, v) !== undefined);
}

/** What replaces a kind that a release does not serve: its lifecycle's replacement if served there, else what serves the kind. */
function replacementOn(apiVersion: string, kind: string, version: KubernetesVersion): string | undefined {
  const named = lifecycleOf(apiVersion, kind)?.replacement;
  if (named) {
    const [replacementVersion, replacementKind] = named.split(' ');
    if (typeOfKind(replacementVersion, replacementKind, version)) return replacementKind === kind ? replacementVersion : named;
  }
  if (Object.hasOwn(SUCCESSOR, `${apiVersion}/${kind}`)) return SUCCESSOR[`${apiVersion}/${kind}`];
  const served = servedAs(groupOf(apiVersion), kind, version);
  return served.length > 0 ? served.join(' or ') : undefined;
}

/** What a release says about an apiVersion and kind it does not serve; undefined for custom resources. */
function notServed(apiVersion: string, kind: string, version: KubernetesVersion): { path: string; message: string } | undefined {
  const group = groupOf(apiVersion);
  if (!isBuiltInGroup(group, version) && !KUBERNETES_VERSIONS.some((v) => isBuiltInGroup(group, v)) && group !== 'extensions') return undefined;
  const life = lifecycleOf(apiVersion, kind);
  const use = (replacement: string | undefined) => (replacement ? `use ${replacement}` : 'it has no successor');
  if (life?.introduced && compareVersions(life.introduced, version) > 0) {
    const now = servedAs(group, kind, version);
    return { path: 'apiVersion', message: `${apiVersion} ${kind} is not served yet: it was added in Kubernetes ${life.introduced}${now.length > 0 ? `; before, use ${now.join(' or ')}` : ''}` };
  }
  if (life?.removed && compareVersions(life.removed, version) <= 0) {
    return { path: 'apiVersion', message: `${apiVersion} ${kind} was removed in Kubernetes ${life.removed}: ${use(replacementOn(apiVersion, kind, version))}` };
  }
  if (servedSomewhere(apiVersion, kind)) {
    const older = KUBERNETES_VERSIONS.filter((v) => compareVersions(v, version) < 0 && typeOfKind(apiVersion, kind, v));
    if (older.length > 0) return { path: 'apiVersion', message: `${apiVersion} ${kind} is no longer served (removed after Kubernetes ${older[older.length - 1]}): ${use(replacementOn(apiVersion, kind, version))}` };
    const later = KUBERNETES_VERSIONS.find((v) => compareVersions(v, version) > 0 && typeOfKind(apiVersion, kind, v));
    return { path: 'apiVersion', message: `${apiVersion} ${kind} is not served yet (added after Kubernetes ${version}, by ${later})` };
  }
  const versions = servedAs(group, kind, version);
  if (versions.length > 0 && versionsOfKind(group, kind, version).length > 0) {
    return { path: 'apiVersion', message: `${kind} is not served in ${apiVersion}${life?.removed ? ` (removed in Kubernetes ${life.removed})` : ''}: use ${versions.join(' or ')}` };
  }
  if (versions.length > 0) {
    return { path: 'kind', message: `there is no kind ${quote(kind)} in ${apiVersion}${life?.removed ? ` (removed in Kubernetes ${life.removed})` : ''}: ${kind} is served by ${versions.join(' or ')}` };
  }
  return { path: 'kind', message: `Kubernetes has no kind ${quote(kind)} in ${apiVersion}${similarKind(kind, version)}` };
}

const apiVersionRule: Rule = {
  id: 'api-version',
  family: 'schema',
  description: 'apiVersion and kind are served by each Kubernetes release checked (not added later, not removed, not alpha); custom resources need their CustomResourceDefinition',
  check(set, options) {
    const findings: Finding[] = [];
    let custom: Map<string, Set<string>> | undefined;
    for (const m of set.manifests) {
      const { apiVersion, kind } = m.object;
      const group = groupOf(apiVersion);
      if (Object.hasOwn(REMOVED_KINDS, kind) && (group === 'policy' || group === 'extensions') && !servedSomewhere(apiVersion, kind)) {
        findings.push(finding('api-version', m, 'kind', REMOVED_KINDS[kind]));
        continue;
      }
      let isCustom = false;
      for (const version of options.kubernetesVersions) {
        const at = (path: string, message: string) => findings.push({ ...finding('api-version', m, path, message), versions: [version] });
        if (typeOfKind(apiVersion, kind, version)) {
          if (/alpha\d*$/.test(apiVersion)) at('apiVersion', `${apiVersion} is an alpha API: clusters serve it only when a feature gate enables it`);
          continue;
        }
        const problem = notServed(apiVersion, kind, version);
        if (problem) at(problem.path, problem.message);
        else isCustom = true;
      }
      if (!isCustom) continue;
      custom ??= customKinds(set);
      if (custom.get(apiVersion)?.has(kind)) continue;
      const crdOfGroup = (ref: string) => ref.startsWith('CustomResourceDefinition/') && ref.endsWith(`.${group}`);
      if (options.external.some(crdOfGroup) || set.declaredExternal(m).some(crdOfGroup)) continue;
      findings.push(finding('api-version', m, 'apiVersion', `${kind} of ${apiVersion} is not part of Kubernetes: if it is a custom resource, add its CustomResourceDefinition to the manifests, or name it as existing (--external CustomResourceDefinition/<plural>.${group}, or the ${EXTERNAL_REFS_ANNOTATION} annotation)`));
    }
    return findings;
  },
};

/** Every apiVersion that serves a kind of this name on a release, in any group. */
function versionsOfKindAnyGroup(kind: string, version: KubernetesVersion): string[] {
  return Object.keys(schema(version).kinds).filter((apiVersion) => typeOfKind(apiVersion, kind, version) !== undefined);
}

/** A hint when the kind exists with other capitals (`deployment` for `Deployment`). */
function similarKind(kind: string, version: KubernetesVersion): string {
  const lower = String(kind).toLowerCase();
  for (const [apiVersion, kinds] of Object.entries(schema(version).kinds)) {
    const match = Object.keys(kinds).find((k) => k.toLowerCase() === lower);
    if (match) return ` (kinds are case-sensitive: did you mean ${match} of ${apiVersion}?)`;
  }
  return '';
}

/**
 * The type to check an object's fields against on a release: its own; or, when no release the
 * validator knows serves its apiVersion (extensions/v1beta1 Deployment), the type of the
 * apiVersion that replaces it there, so that the fields to change come with the apiVersion.
 */
function typeFor(object: Json, version: KubernetesVersion): { type: string; as?: string } | undefined {
  const { apiVersion, kind } = object;
  const own = typeOfKind(apiVersion, kind, version);
  if (own) return { type: own };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || servedSomewhere(apiVersion, kind)) return undefined;
  const group = groupOf(apiVersion);
  if (!KUBERNETES_VERSIONS.some((v) => isBuiltInGroup(group, v)) && group !== 'extensions') return undefined;
  const [as] = servedAs(group, kind, version);
  return as ? { type: typeOfKind(as, kind, version) as string, as } : undefined;
}

/** The schema problems of each manifest on each release, computed once for the three rules that report them. */
const problemsCache = new WeakMap<object, Map<KubernetesVersion, SchemaProblem[]>>();
function problemsOf(m: Manifest, version: KubernetesVersion): SchemaProblem[] {
  const object = m.object;
  let byVersion = problemsCache.get(object);
  if (!byVersion) problemsCache.set(object, byVersion = new Map());
  let problems = byVersion.get(version);
  if (!problems) {
    const type = typeFor(object, version);
    problems = !type ? [] : checkObject(object, type.type, version)
      .map((p) => (type.as ? { ...p, message: `${p.message} (as ${type.as}, which replaces ${object.apiVersion})` } : p));
    byVersion.set(version, problems);
  }
  return problems;
}

function schemaRule(id: SchemaProblem['kind'], description: string): Rule {
  return {
    id,
    family: 'schema',
    description,
    check: (set, options) => options.kubernetesVersions.flatMap((version) => set.manifests.flatMap((m) => problemsOf(m, version)
      .filter((p) => p.kind === id)
      .map((p) => ({ ...finding(id, m, p.path, p.message), versions: [version] })))),
  };
}

const unknownField = schemaRule('unknown-field', 'every field is one that the Kubernetes release defines (kubectl apply refuses unknown fields)');
const fieldType = schemaRule('field-type', 'every field has the type Kubernetes expects: a string, integer, boolean, list, object, quantity or base64 text');
const requiredField = schemaRule('required-field', 'every field that the Kubernetes release requires is set');

/** How each kind's name is checked; the rest are DNS subdomains. */
const NAME_FORMAT: Readonly<Record<string, (v: string) => string | undefined>> = {
  Namespace: names.dnsLabel,
  Service: names.dns1035Label,
  Role: names.pathSegment,
  ClusterRole: names.pathSegment,
  RoleBinding: names.pathSegment,
  ClusterRoleBinding: names.pathSegment,
};

/** Longest names, where something derived from the name must fit in 63 characters. */
const NAME_LIMIT: Readonly<Record<string, readonly [number, string]>> = {
  StatefulSet: [52, 'its pods get a controller-revision-hash label of the name plus 11 characters, and label values stop at 63'],
  CronJob: [52, 'the names of its Jobs add 11 characters, and the API server refuses longer CronJob names'],
};

const objectName: Rule = {
  id: 'object-name',
  family: 'schema',
  description: 'metadata.name is set and has the format the API server accepts for the kind (a DNS label for Namespaces and Services, a DNS subdomain for most others); metadata.namespace is a DNS label',
  check(set) {
    const findings: Finding[] = [];
    for (const m of set.manifests) {
      const metadata = m.object.metadata;
      const at = (path: string, message: string) => findings.push(finding('object-name', m, path, message));
      const name = isObject(metadata) ? metadata.name : undefined;
      if (name === undefined || name === null || name === '') {
        if (!isObject(metadata) || typeof metadata.generateName !== 'string') at('metadata.name', 'has no name: kubectl apply needs metadata.name');
      } else if (typeof name === 'string') {
        const kind: string = m.object.kind;
        const problem = (Object.hasOwn(NAME_FORMAT, kind) ? NAME_FORMAT[kind] : names.dnsSubdomain)(name);
        if (problem) at('metadata.name', `name ${quote(name)} ${problem}`);
        const limit = Object.hasOwn(NAME_LIMIT, kind) ? NAME_LIMIT[kind] : undefined;
        if (!problem && limit && name.length > limit[0]) at('metadata.name', `name ${quote(name)} is ${name.length} characters long, over ${limit[0]}: ${limit[1]}`);
      }
      const namespace = isObject(metadata) ? metadata.namespace : undefined;
      if (typeof namespace === 'string') {
        const problem = names.dnsLabel(namespace);
        if (problem) at('metadata.namespace', `namespace ${quote(namespace)} ${problem}`);
      }
    }
    return findings;
  },
};

/** Labels-like maps found anywhere in an object, with their paths. */
function visit(value: Json, path: string, onMap: (key: string, map: Record<string, Json>, path: string) => void, onExpressionKey: (key: Json, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => visit(item, `${path}[${i}]`, onMap, onExpressionKey));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}${keyPath(key)}` : key;
    if ((key === 'labels' || key === 'matchLabels' || key === 'nodeSelector' || key === 'annotations') && isObject(item)) {
      onMap(key, item, here);
    } else if (key === 'openAPIV3Schema') {
      // A CustomResourceDefinition's schema describes fields; its "labels" are not labels.
    } else if (key === 'matchExpressions' && Array.isArray(item)) {
      item.forEach((e, i) => { if (isObject(e)) onExpressionKey(e.key, `${here}[${i}].key`); });
    } else {
      visit(item, here, onMap, onExpressionKey);
    }
  }
}

const MAX_ANNOTATIONS = 256 * 1024;

const labelFormat: Rule = {
  id: 'label-format',
  family: 'schema',
  description: 'label keys and values, selector keys and annotation keys have the formats the API server accepts (keys: optional DNS prefix and a name of at most 63 characters; values: at most 63 characters)',
  check(set) {
    const findings: Finding[] = [];
    for (const m of set.manifests) {
      const at = (path: string, message: string) => findings.push(finding('label-format', m, path, message));
      const checkLabels = (map: Record<string, Json>, path: string, what: string) => {
        for (const [key, value] of Object.entries(map)) {
          const keyProblem = names.qualifiedName(key);
          if (keyProblem) at(`${path}${keyPath(key)}`, `${what} key ${quote(key)} ${keyProblem}`);
          if (typeof value === 'string') {
            const valueProblem = names.labelValue(value);
            if (valueProblem) at(`${path}${keyPath(key)}`, `${what} value ${quote(value)} ${valueProblem}`);
          }
        }
      };
      // In a custom resource only the metadata is known to hold labels.
      const known = servedSomewhere(m.object.apiVersion, m.object.kind);
      visit(known ? m.object : { metadata: m.object.metadata }, '', (key, map, path) => {
        if (key === 'annotations') {
          for (const k of Object.keys(map)) {
            const problem = names.qualifiedName(k);
            if (problem) at(`${path}${keyPath(k)}`, `annotation key ${quote(k)} ${problem}`);
          }
          const size = Object.entries(map).reduce((n, [k, v]) => n + k.length + (typeof v === 'string' ? v.length : 0), 0);
          if (size > MAX_ANNOTATIONS) at(path, `annotations total ${size} bytes, over the 256 KiB the API server accepts`);
        } else {
          checkLabels(map, path, key === 'nodeSelector' ? 'nodeSelector' : key === 'matchLabels' ? 'selector' : 'label');
        }
      }, (key, path) => {
        if (typeof key !== 'string') return;
        const problem = names.qualifiedName(key);
        if (problem) at(path, `selector key ${quote(key)} ${problem}`);
      });
      const kind = m.object.kind;
      if ((kind === 'Service' || kind === 'ReplicationController') && isObject(m.object.spec?.selector)) {
        checkLabels(m.object.spec.selector, 'spec.selector', 'selector');
      }
    }
    return findings;
  },
};

/** Every place a container names a port: probes and lifecycle handlers. */
export function probePorts(container: Json): Array<{ field: string; port: Json }> {
  const found: Array<{ field: string; port: Json }> = [];
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    for (const action of ['httpGet', 'tcpSocket', 'grpc']) {
      const port = container[probe]?.[action]?.port;
      if (port !== undefined) found.push({ field: `${probe}.${action}.port`, port });
    }
  }
  for (const hook of ['postStart', 'preStop']) {
    for (const action of ['httpGet', 'tcpSocket']) {
      const port = container.lifecycle?.[hook]?.[action]?.port;
      if (port !== undefined) found.push({ field: `lifecycle.${hook}.${action}.port`, port });
    }
  }
  return found;
}

const portNameRule: Rule = {
  id: 'port-name',
  family: 'schema',
  description: 'port names are valid and unique: container ports, named targetPorts and probe ports are IANA service names (at most 15 lowercase letters, digits and \'-\'); Service ports are DNS labels, named when there are several',
  check(set) {
    const findings: Finding[] = [];
    for (const c of set.containers) {
      const seen = new Set<string>();
      asList(c.container.ports).forEach((port, i) => {
        if (typeof port?.name !== 'string') return;
        const problem = names.portName(port.name);
        const at = (message: string) => findings.push(finding('port-name', c.pod.manifest, `${c.path}.ports[${i}].name`, message));
        if (problem) at(`port name ${quote(port.name)} ${problem}`);
        else if (seen.has(port.name)) at(`port name ${quote(port.name)} is used twice in the container`);
        seen.add(port.name);
      });
      for (const { field, port } of probePorts(c.container)) {
        if (typeof port !== 'string') continue;
        const problem = names.portName(port);
        if (problem) findings.push(finding('port-name', c.pod.manifest, `${c.path}.${field}`, `port ${quote(port)} ${problem}`));
      }
    }
    for (const m of set.ofKind('Service')) {
      const ports = asList(m.object.spec?.ports);
      const seen = new Set<string>();
      ports.forEach((port, i) => {
        const at = (field: string, message: string) => findings.push(finding('port-name', m, `spec.ports[${i}]${field}`, message));
        if (!isObject(port)) return;
        if (port.name === undefined || port.name === '') {
          if (ports.length > 1) at('.name', 'has no name: a Service with several ports must name each one');
        } else if (typeof port.name === 'string') {
          const problem = names.dnsLabel(port.name);
          if (problem) at('.name', `port name ${quote(port.name)} ${problem}`);
          else if (seen.has(port.name)) at('.name', `port name ${quote(port.name)} is used twice in the Service`);
          seen.add(port.name);
        }
        if (typeof port.targetPort === 'string') {
          const problem = names.portName(port.targetPort);
          if (problem) at('.targetPort', `targetPort ${quote(port.targetPort)} ${problem}`);
        }
      });
    }
    return findings;
  },
};

function outside(value: Json, min: number, max: number): boolean {
  return Number.isInteger(value) && (value < min || value > max);
}

const portNumber: Rule = {
  id: 'port-number',
  family: 'schema',
  description: 'port numbers are in 1-65535 and a Service does not list the same port and protocol twice',
  check(set) {
    const findings: Finding[] = [];
    for (const c of set.containers) {
      asList(c.container.ports).forEach((port, i) => {
        const at = (field: string, message: string) => findings.push(finding('port-number', c.pod.manifest, `${c.path}.ports[${i}].${field}`, message));
        if (outside(port?.containerPort, 1, 65535)) at('containerPort', `containerPort ${port.containerPort} is outside 1-65535`);
        if (outside(port?.hostPort, 0, 65535)) at('hostPort', `hostPort ${port.hostPort} is outside 1-65535`);
      });
      for (const { field, port } of probePorts(c.container)) {
        if (outside(port, 1, 65535)) findings.push(finding('port-number', c.pod.manifest, `${c.path}.${field}`, `port ${port} is outside 1-65535`));
      }
    }
    for (const m of set.ofKind('Service')) {
      const seen = new Set<string>();
      asList(m.object.spec?.ports).forEach((port, i) => {
        const at = (field: string, message: string) => findings.push(finding('port-number', m, `spec.ports[${i}]${field}`, message));
        if (outside(port?.port, 1, 65535)) at('.port', `port ${port.port} is outside 1-65535`);
        if (outside(port?.targetPort, 1, 65535)) at('.targetPort', `targetPort ${port.targetPort} is outside 1-65535`);
        const key = `${port?.port}/${port?.protocol ?? 'TCP'}`;
        if (Number.isInteger(port?.port) && seen.has(key)) at('.port', `port ${port.port} (${port?.protocol ?? 'TCP'}) is listed twice`);
        seen.add(key);
      });
    }
    return findings;
  },
};

const MAX_CONFIG_BYTES = 1024 * 1024;

const configKeyRule: Rule = {
  id: 'config-key',
  family: 'schema',
  description: 'ConfigMap and Secret keys are letters, digits, \'-\', \'_\' and \'.\', each key appears once, and the data fits in 1 MiB',
  check(set) {
    const findings: Finding[] = [];
    for (const m of [...set.ofKind('ConfigMap'), ...set.ofKind('Secret')]) {
      const fields = m.object.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData'];
      const seen = new Map<string, string>();
      let size = 0;
      for (const field of fields) {
        const map = m.object[field];
        if (!isObject(map)) continue;
        for (const [key, value] of Object.entries(map)) {
          const at = (message: string) => findings.push(finding('config-key', m, `${field}${keyPath(key)}`, message));
          const problem = names.configKey(key);
          if (problem) at(`key ${quote(key)} ${problem}`);
          // A Secret's stringData is merged over data on write, so a key may be in both.
          if (m.object.kind === 'ConfigMap' && seen.has(key)) at(`key ${quote(key)} is in both ${seen.get(key)} and ${field}`);
          seen.set(key, field);
          size += key.length + (typeof value === 'string' ? value.length : 0);
        }
      }
      if (size > MAX_CONFIG_BYTES) findings.push(finding('config-key', m, fields[0], `holds ${size} bytes, over the 1 MiB a ${m.object.kind} can hold`));
    }
    return findings;
  },
};

const workloadSelector: Rule = {
  id: 'workload-selector',
  family: 'schema',
  description: 'a workload\'s selector is not empty and selects its own pod template (the API server refuses it otherwise)',
  check(set) {
    const findings: Finding[] = [];
    for (const pod of set.podSpecs) {
      const m = pod.manifest;
      const kind = m.object.kind;
      const selector = m.object.spec?.selector;
      const at = (message: string) => findings.push(finding('workload-selector', m, 'spec.selector', message));
      if (kind === 'Deployment' || kind === 'ReplicaSet' || kind === 'StatefulSet' || kind === 'DaemonSet') {
        if (!isObject(selector)) continue; // required-field reports a missing selector
        if (isEmptySelector(selector)) at('is empty: it would select every pod in the namespace');
        else if (!selectorMatches(selector, pod.labels)) at(`does not select the pod template's labels (${pod.metadataPath}.labels), so the ${kind} could never own its pods`);
      } else if (kind === 'ReplicationController' && isObject(selector)) {
        if (!selectorMatches({ matchLabels: selector }, pod.labels)) at(`does not select the pod template's labels (${pod.metadataPath}.labels)`);
      } else if (kind === 'Job' && selector !== undefined && m.object.spec?.manualSelector !== true) {
        at('is set without manualSelector: true: the Job controller generates the selector itself');
      }
    }
    return findings;
  },
};

const containerName: Rule = {
  id: 'container-name',
  family: 'schema',
  description: 'container names are DNS labels, unique within the pod (init and ephemeral containers included)',
  check(set) {
    const findings: Finding[] = [];
    for (const pod of set.podSpecs) {
      const seen = new Set<string>();
      for (const c of containersOf(pod)) {
        const name = c.container.name;
        if (typeof name !== 'string') continue;
        const problem = names.dnsLabel(name);
        const at = (message: string) => findings.push(finding('container-name', pod.manifest, `${c.path}.name`, message));
        if (problem) at(`container name ${quote(name)} ${problem}`);
        else if (seen.has(name)) at(`container name ${quote(name)} is used twice in the pod`);
        seen.add(name);
      }
    }
    return findings;
  },
};

const volumeName: Rule = {
  id: 'volume-name',
  family: 'schema',
  description: 'volume names are DNS labels, unique within the pod',
  check(set) {
    const findings: Finding[] = [];
    for (const pod of set.podSpecs) {
      const seen = new Set<string>();
      asList(pod.spec.volumes).forEach((volume, i) => {
        const name = volume?.name;
        if (typeof name !== 'string') return;
        const problem = names.dnsLabel(name);
        const at = (message: string) => findings.push(finding('volume-name', pod.manifest, `${pod.path}.volumes[${i}].name`, message));
        if (problem) at(`volume name ${quote(name)} ${problem}`);
        else if (seen.has(name)) at(`volume name ${quote(name)} is used twice in the pod`);
        seen.add(name);
      });
    }
    return findings;
  },
};

/** The rules that decide whether the Kubernetes API accepts each object. */
export const SCHEMA_RULES: readonly Rule[] = [
  apiVersionRule, unknownField, fieldType, requiredField, objectName, labelFormat, portNameRule, portNumber,
  configKeyRule, workloadSelector, containerName, volumeName,
];
