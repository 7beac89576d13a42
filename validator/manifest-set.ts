import { ContainerAt, PodSpecAt, containersOf, podSpecOf } from './pod-specs';
import { K8sObject, Manifest, manifestsOf } from './manifest';
import { externalRefs } from '../lib/external-refs';

/**
 * The annotation by which an object says that some objects it references live outside the
 * manifests, on purpose: a comma-separated list of `Kind/name`, e.g.
 * `Secret/web-tls,Secret/postgres-credentials`. It may sit on the referencing object, on its pod
 * template, or on its Namespace (then it holds for every object in the namespace).
 */
export { EXTERNAL_REFS_ANNOTATION } from '../lib/external-refs';

/** Kinds that have no namespace. */
export const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CSIDriver', 'CSINode',
  'VolumeAttachment', 'IngressClass', 'PriorityClass', 'RuntimeClass', 'CustomResourceDefinition', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'CertificateSigningRequest', 'ClusterTrustBundle', 'ComponentStatus', 'FlowSchema',
  'PriorityLevelConfiguration', 'ClusterCIDR', 'IPAddress', 'ResourceClass', 'StorageVersion', 'SelfSubjectReview',
  'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'TokenReview',
  // Custom resources that are cluster-scoped by their CustomResourceDefinition.
  'GatewayClass',
]);

/** A label selector: `matchLabels` and `matchExpressions`. */
export interface LabelSelector {
  readonly matchLabels?: Record<string, unknown>;
  readonly matchExpressions?: ReadonlyArray<{ key?: unknown; operator?: unknown; values?: unknown }>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a label selector selects these labels. An empty selector selects everything. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, unknown>>): boolean {
  for (const [key, value] of Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const key = String(e?.key);
    const values = Array.isArray(e?.values) ? e.values : [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e?.operator) {
      case 'In': if (!has || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/**
 * Whether a selector that is a plain map of labels (a Service's, a ReplicationController's)
 * selects these labels: every pair matches. An empty or missing one selects nothing.
 */
export function mapSelectorMatches(selector: unknown, labels: unknown): boolean {
  return isObject(selector) && Object.keys(selector).length > 0 && selectorMatches({ matchLabels: selector }, isObject(labels) ? labels : {});
}

/** Whether a selector has no condition at all (it then selects every pod). */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !selector
    || (Object.keys(isObject(selector.matchLabels) ? selector.matchLabels : {}).length === 0
      && (!Array.isArray(selector.matchExpressions) || selector.matchExpressions.length === 0));
}

/** The namespace an object lives in ('' when the manifest leaves it to kubectl). */
export function namespaceOf(object: { kind?: unknown; metadata?: { namespace?: unknown } }): string {
  if (CLUSTER_SCOPED.has(String(object?.kind))) return '';
  const namespace = object?.metadata?.namespace;
  return typeof namespace === 'string' ? namespace : '';
}

function nameOf(object: { metadata?: { name?: unknown } }): string | undefined {
  const name = object?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
}

function externalRefsOf(annotations: unknown): string[] {
  return isObject(annotations) ? externalRefs(annotations) : [];
}

/**
 * Objects that are applied together: what one `kubectl apply` sends to one cluster. Rules that
 * relate objects to each other (selectors, references, the budget) look only within one set.
 */
export class ManifestSet {
  private pods?: PodSpecAt[];
  private allContainers?: ContainerAt[];
  private readonly index = new Map<string, Manifest[]>();

  /**
   * @param manifests the objects
   * @param external objects known to exist in the cluster: `Kind/name` or `Kind/namespace/name`
   */
  constructor(public readonly manifests: readonly Manifest[], private readonly external: readonly string[] = []) {
    for (const manifest of manifests) {
      const name = nameOf(manifest.object);
      if (name === undefined) continue;
      const key = `${manifest.object.kind}/${namespaceOf(manifest.object)}/${name}`;
      this.index.set(key, [...(this.index.get(key) ?? []), manifest]);
    }
  }

  /** Objects held in memory (synthesized, or read by a tool), as one set. */
  static fromObjects(objects: readonly K8sObject[], file?: string): ManifestSet {
    return new ManifestSet(manifestsOf(objects, file));
  }

  /** Every pod spec: bare pods and the templates of workloads. */
  get podSpecs(): PodSpecAt[] {
    this.pods ??= this.manifests.map(podSpecOf).filter((p): p is PodSpecAt => p !== undefined);
    return this.pods;
  }

  /** Every container of every pod spec. */
  get containers(): ContainerAt[] {
    this.allContainers ??= this.podSpecs.flatMap(containersOf);
    return this.allContainers;
  }

  /** The objects of one kind. */
  ofKind(kind: string): Manifest[] {
    return this.manifests.filter((m) => m.object?.kind === kind);
  }

  /** The object of that kind and name in the namespace, if the set holds it. */
  find(kind: string, namespace: string, name: string): Manifest | undefined {
    return this.index.get(`${kind}/${CLUSTER_SCOPED.has(kind) ? '' : namespace}/${name}`)?.[0];
  }

  /** Objects with the same kind, namespace and name, by key. */
  duplicates(): Manifest[][] {
    return [...this.index.values()].filter((list) => list.length > 1);
  }

  /** The pod templates in a namespace that a selector selects. */
  podsSelectedBy(namespace: string, selector: LabelSelector): PodSpecAt[] {
    return this.podSpecs.filter((p) => namespaceOf(p.manifest.object) === namespace && selectorMatches(selector, p.labels));
  }

  /**
   * Whether `from` may reference `kind`/`name` without the set holding it: the object, its pod
   * template or its Namespace lists it in the external-refs annotation, or the options name it as
   * existing.
   */
  isExternal(from: Manifest, kind: string, name: string): boolean {
    const wanted = `${kind}/${name}`;
    if (this.declaredExternal(from).includes(wanted)) return true;
    const namespace = namespaceOf(from.object);
    return this.external.some((ref) => ref === wanted || ref === `${kind}/${namespace}/${name}`);
  }

  /**
   * The `Kind/name` entries of the external-refs annotation that hold for `from`: on the object,
   * on its pod template and on its Namespace.
   */
  declaredExternal(from: Manifest): string[] {
    const namespace = namespaceOf(from.object);
    return [
      ...externalRefsOf(from.object?.metadata?.annotations),
      ...externalRefsOf(podSpecOf(from)?.annotations),
      ...(namespace === '' ? [] : externalRefsOf(this.find('Namespace', '', namespace)?.object?.metadata?.annotations)),
    ];
  }

  /** Whether the set holds `kind`/`name` in the namespace of `from`, or may reference it as external. */
  exists(from: Manifest, kind: string, name: string): boolean {
    return this.find(kind, namespaceOf(from.object), name) !== undefined || this.isExternal(from, kind, name);
  }
}
