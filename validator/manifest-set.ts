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
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
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

/** Where kubectl puts an object whose manifest names no namespace (with no `-n` and no context namespace). */
export const DEFAULT_NAMESPACE = 'default';

/**
 * The namespace an object lives in: '' for cluster-scoped kinds, `default` when the manifest
 * leaves it out (as kubectl does), so that both spellings of the default namespace are one.
 */
export function namespaceOf(object: { kind?: unknown; metadata?: { namespace?: unknown } }): string {
  if (CLUSTER_SCOPED.has(String(object?.kind))) return '';
  const namespace = object?.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : DEFAULT_NAMESPACE;
}

function nameOf(object: { metadata?: { name?: unknown } }): string | undefined {
  const name = object?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
}

function externalRefsOf(annotations: unknown): string[] {
  return isObject(annotations) ? externalRefs(annotations) : [];
}

/** The pod templates of one namespace, indexed by label, to find what a selector selects. */
interface PodIndex {
  readonly all: PodSpecAt[];
  /** Pods by label key, then by label value. */
  readonly byLabel: Map<string, Map<unknown, PodSpecAt[]>>;
  /** Pods by label key, whatever the value. */
  readonly byKey: Map<string, PodSpecAt[]>;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A selector written out the same way whatever the order of its keys, to remember what it selects. */
function selectorKey(selector: LabelSelector): string {
  const labels = isObject(selector.matchLabels) ? Object.entries(selector.matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  return JSON.stringify([labels, Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []]);
}

/**
 * Objects that are applied together: what one `kubectl apply` sends to one cluster. Rules that
 * relate objects to each other (selectors, references, the budget) look only within one set.
 *
 * Lookups go through indexes built once (by kind, by name, by namespace and label), so that
 * checking a set takes time in proportion to its size, not to its size squared.
 */
export class ManifestSet {
  private pods?: PodSpecAt[];
  private allContainers?: ContainerAt[];
  private readonly index = new Map<string, Manifest[]>();
  private readonly kinds = new Map<unknown, Manifest[]>();
  private podIndexes?: Map<string, PodIndex>;
  private readonly selections = new Map<string, PodSpecAt[]>();
  private readonly memos = new Map<string, unknown>();
  private readonly externalSet: ReadonlySet<string>;

  /**
   * @param manifests the objects
   * @param external objects known to exist in the cluster: `Kind/name` or `Kind/namespace/name`
   */
  constructor(public readonly manifests: readonly Manifest[], external: readonly string[] = []) {
    this.externalSet = new Set(external);
    for (const manifest of manifests) {
      pushTo(this.kinds, manifest.object?.kind, manifest);
      const name = nameOf(manifest.object);
      if (name === undefined) continue;
      pushTo(this.index, `${manifest.object.kind}/${namespaceOf(manifest.object)}/${name}`, manifest);
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

  /** The objects of one kind (the list is shared: do not change it). */
  ofKind(kind: string): readonly Manifest[] {
    return this.kinds.get(kind) ?? [];
  }

  /** The object of that kind and name in the namespace, if the set holds it. */
  find(kind: string, namespace: string, name: string): Manifest | undefined {
    return this.index.get(`${kind}/${CLUSTER_SCOPED.has(kind) ? '' : namespace}/${name}`)?.[0];
  }

  /** Objects with the same kind, namespace and name, by key. */
  duplicates(): Manifest[][] {
    return [...this.index.values()].filter((list) => list.length > 1);
  }

  /**
   * Something derived from the set, computed once: rules use it for their own indexes.
   * @param key names what is computed; the same key must always build the same thing
   */
  memo<T>(key: string, build: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, build());
    return this.memos.get(key) as T;
  }

  private podIndex(namespace: string): PodIndex | undefined {
    if (!this.podIndexes) {
      this.podIndexes = new Map();
      for (const pod of this.podSpecs) {
        const ns = namespaceOf(pod.manifest.object);
        let index = this.podIndexes.get(ns);
        if (!index) this.podIndexes.set(ns, index = { all: [], byLabel: new Map(), byKey: new Map() });
        index.all.push(pod);
        for (const [key, value] of Object.entries(pod.labels)) {
          pushTo(index.byKey, key, pod);
          let values = index.byLabel.get(key);
          if (!values) index.byLabel.set(key, values = new Map());
          pushTo(values, value, pod);
        }
      }
    }
    return this.podIndexes.get(namespace);
  }

  /** The pod templates in a namespace. */
  podsIn(namespace: string): readonly PodSpecAt[] {
    return this.podIndex(namespace)?.all ?? [];
  }

  /** The pod templates in a namespace that a selector selects. */
  podsSelectedBy(namespace: string, selector: LabelSelector): PodSpecAt[] {
    const key = `${namespace}\0${selectorKey(selector)}`;
    let selected = this.selections.get(key);
    if (!selected) {
      const index = this.podIndex(namespace);
      // The fewest candidates any one condition allows; each candidate is then checked in full.
      let candidates = index?.all ?? [];
      const narrow = (list: PodSpecAt[] | undefined) => {
        if ((list?.length ?? 0) < candidates.length) candidates = list ?? [];
      };
      if (index) {
        for (const [label, value] of Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {})) narrow(index.byLabel.get(label)?.get(value));
        for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
          if (e?.operator === 'In' || e?.operator === 'Exists') narrow(index.byKey.get(String(e.key)));
        }
      }
      selected = candidates.filter((p) => selectorMatches(selector, p.labels));
      this.selections.set(key, selected);
    }
    return selected;
  }

  /**
   * Whether `from` may reference `kind`/`name` without the set holding it: the object, its pod
   * template or its Namespace lists it in the external-refs annotation, or the options name it as
   * existing.
   */
  isExternal(from: Manifest, kind: string, name: string): boolean {
    const wanted = `${kind}/${name}`;
    const namespace = namespaceOf(from.object);
    if (this.externalSet.has(wanted) || this.externalSet.has(`${kind}/${namespace}/${name}`)) return true;
    return this.declaredExternal(from).includes(wanted);
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
