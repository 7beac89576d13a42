// How the docs check reads the words of a command: kubectl resource types, which flags take a
// value, positionals and flags, placeholders and label selectors.
import { K8sObject, LabelSelector, podTemplateOf, selectorMatches } from '../../../validator/model';
import { Word } from '../shell-words';

export interface KindInfo {
  readonly kind: string;
  readonly namespaced: boolean;
  /** Whether names of this kind are looked up in dist/. */
  readonly checked: boolean;
}

const KINDS: Array<[string[], KindInfo]> = [
  [['pods', 'pod', 'po'], { kind: 'Pod', namespaced: true, checked: true }],
  [['deployments', 'deployment', 'deploy'], { kind: 'Deployment', namespaced: true, checked: true }],
  [['replicasets', 'replicaset', 'rs'], { kind: 'ReplicaSet', namespaced: true, checked: true }],
  [['statefulsets', 'statefulset', 'sts'], { kind: 'StatefulSet', namespaced: true, checked: true }],
  [['daemonsets', 'daemonset', 'ds'], { kind: 'DaemonSet', namespaced: true, checked: true }],
  [['replicationcontrollers', 'replicationcontroller', 'rc'], { kind: 'ReplicationController', namespaced: true, checked: true }],
  [['jobs', 'job'], { kind: 'Job', namespaced: true, checked: true }],
  [['cronjobs', 'cronjob', 'cj'], { kind: 'CronJob', namespaced: true, checked: true }],
  [['services', 'service', 'svc'], { kind: 'Service', namespaced: true, checked: true }],
  [['endpoints', 'endpoint', 'ep'], { kind: 'Endpoints', namespaced: true, checked: true }],
  [['endpointslices', 'endpointslice'], { kind: 'EndpointSlice', namespaced: true, checked: true }],
  [['ingresses', 'ingress', 'ing'], { kind: 'Ingress', namespaced: true, checked: true }],
  [['configmaps', 'configmap', 'cm'], { kind: 'ConfigMap', namespaced: true, checked: true }],
  [['secrets', 'secret'], { kind: 'Secret', namespaced: true, checked: true }],
  [['persistentvolumeclaims', 'persistentvolumeclaim', 'pvc'], { kind: 'PersistentVolumeClaim', namespaced: true, checked: true }],
  [['networkpolicies', 'networkpolicy', 'netpol'], { kind: 'NetworkPolicy', namespaced: true, checked: true }],
  [['poddisruptionbudgets', 'poddisruptionbudget', 'pdb'], { kind: 'PodDisruptionBudget', namespaced: true, checked: true }],
  [['horizontalpodautoscalers', 'horizontalpodautoscaler', 'hpa'], { kind: 'HorizontalPodAutoscaler', namespaced: true, checked: true }],
  [['serviceaccounts', 'serviceaccount', 'sa'], { kind: 'ServiceAccount', namespaced: true, checked: true }],
  [['roles', 'role'], { kind: 'Role', namespaced: true, checked: true }],
  [['rolebindings', 'rolebinding'], { kind: 'RoleBinding', namespaced: true, checked: true }],
  [['resourcequotas', 'resourcequota', 'quota'], { kind: 'ResourceQuota', namespaced: true, checked: true }],
  [['limitranges', 'limitrange', 'limits'], { kind: 'LimitRange', namespaced: true, checked: true }],
  [['namespaces', 'namespace', 'ns'], { kind: 'Namespace', namespaced: false, checked: true }],
  [['gateways', 'gateway', 'gtw'], { kind: 'Gateway', namespaced: true, checked: true }],
  [['httproutes', 'httproute'], { kind: 'HTTPRoute', namespaced: true, checked: true }],
  // Provided by the cluster, or made by controllers with generated names: not looked up.
  [['events', 'event', 'ev'], { kind: 'Event', namespaced: true, checked: false }],
  [['controllerrevisions', 'controllerrevision'], { kind: 'ControllerRevision', namespaced: true, checked: false }],
  [['leases', 'lease'], { kind: 'Lease', namespaced: true, checked: false }],
  [['nodes', 'node', 'no'], { kind: 'Node', namespaced: false, checked: false }],
  [['persistentvolumes', 'persistentvolume', 'pv'], { kind: 'PersistentVolume', namespaced: false, checked: false }],
  [['storageclasses', 'storageclass', 'sc'], { kind: 'StorageClass', namespaced: false, checked: false }],
  [['ingressclasses', 'ingressclass'], { kind: 'IngressClass', namespaced: false, checked: false }],
  [['gatewayclasses', 'gatewayclass', 'gc'], { kind: 'GatewayClass', namespaced: false, checked: false }],
  [['clusterroles', 'clusterrole'], { kind: 'ClusterRole', namespaced: false, checked: false }],
  [['clusterrolebindings', 'clusterrolebinding'], { kind: 'ClusterRoleBinding', namespaced: false, checked: false }],
  [['priorityclasses', 'priorityclass', 'pc'], { kind: 'PriorityClass', namespaced: false, checked: false }],
  [['customresourcedefinitions', 'customresourcedefinition', 'crd', 'crds'], { kind: 'CustomResourceDefinition', namespaced: false, checked: false }],
  [['apiservices', 'apiservice'], { kind: 'APIService', namespaced: false, checked: false }],
  [['all'], { kind: 'all', namespaced: true, checked: false }],
];

const KIND_BY_NAME = new Map<string, KindInfo>(KINDS.flatMap(([names, info]) => names.map((n) => [n, info] as const)));

/** The kind a kubectl resource word names (`deploy`, `Deployment`, `deployments.apps`), or undefined. */
export function resolveKind(word: string): KindInfo | undefined {
  const plain = word.toLowerCase().split('.')[0];
  return KIND_BY_NAME.get(plain);
}

/** kubectl flags that take a value (as `--flag value` or `--flag=value`). */
export const KUBECTL_VALUE_FLAGS = new Set([
  '-n', '--namespace', '-f', '--filename', '-k', '--kustomize', '-l', '--selector', '-o', '--output', '-c', '--container',
  '--context', '--cluster', '--user', '--kubeconfig', '-s', '--server', '--token', '--as', '--as-group', '-p', '--patch',
  '--type', '--replicas', '--port', '--target-port', '--name', '--image', '--for', '--timeout', '--field-selector',
  '--from-literal', '--from-file', '--from-env-file', '--from', '--revision', '--to-revision', '--since', '--since-time',
  '--tail', '--sort-by', '--request-timeout', '--grace-period', '--cascade', '--overrides', '--restart', '--env',
  '--labels', '-L', '--label-columns', '--template', '--address', '--protocol', '--external-ip', '--load-balancer-ip',
  '--session-affinity', '--cert', '--key', '--docker-server', '--docker-username', '--docker-password', '--docker-email',
  '--min', '--max', '--cpu-percent', '--current-replicas', '--resource-version', '--subresource', '--field-manager',
  '--limits', '--requests', '--serviceaccount', '--pod-running-timeout', '--max-log-requests', '--prune-allowlist',
  '--chunk-size', '--clusterrole', '--role', '--verb', '--resource', '--namespace',
  '--duration', '--audience', '--schedule', '--rule', '--class', '--default-backend', '--annotation', '-e', '--raw',
]);

/** minikube flags that take a value. */
export const MINIKUBE_VALUE_FLAGS = new Set([
  '-n', '--namespace', '-p', '--profile', '--driver', '--nodes', '--cpus', '--memory', '--kubernetes-version', '--format',
  '--interval', '--wait', '--container-runtime', '--disk-size', '--addons', '--node', '-o', '--output',
]);

export interface ParsedArgs {
  readonly positionals: Word[];
  readonly flags: Map<string, Word[]>;
  /** Words after a standalone `--`. */
  readonly rest: Word[] | undefined;
}

/** Splits the words of a command of the docs into positionals and flags, given which flags take a value. */
export function parseCommandWords(words: readonly Word[], valueFlags: ReadonlySet<string>, boolFlags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positionals: Word[] = [];
  const flags = new Map<string, Word[]>();
  const add = (flag: string, value: Word) => flags.set(flag, [...(flags.get(flag) ?? []), value]);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.text === '--') return { positionals: positionals.map(marked), flags: new Map([...flags].map(([k, v]) => [k, v.map(marked)])), rest: words.slice(i + 1).map(marked) };
    if (w.text.startsWith('--') && w.text.includes('=')) {
      const at = w.text.indexOf('=');
      add(w.text.slice(0, at), { text: w.text.slice(at + 1), dynamic: w.dynamic });
    } else if (w.text.startsWith('-') && w.text.length > 1 && !/^-\d/.test(w.text)) {
      const short = /^-[A-Za-z]/.test(w.text) && !w.text.startsWith('--') ? w.text.slice(0, 2) : w.text;
      if (short !== w.text && valueFlags.has(short) && !boolFlags.has(short)) {
        add(short, { text: w.text.slice(2).replace(/^=/, ''), dynamic: w.dynamic }); // -nfoo, -n=foo
      } else if (valueFlags.has(w.text) && !boolFlags.has(w.text)) {
        if (i + 1 < words.length) add(w.text, words[++i]);
        else flags.set(w.text, flags.get(w.text) ?? []); // `kubectl apply -f` quoted in prose: no value
      } else {
        add(w.text, { text: 'true', dynamic: false });
      }
    } else {
      positionals.push(w);
    }
  }
  return { positionals: positionals.map(marked), flags: new Map([...flags].map(([k, v]) => [k, v.map(marked)])), rest: undefined };
}

/** A word whose text is a placeholder counts as dynamic: it is not looked up. */
const marked = (w: Word): Word => (w.dynamic || !isPlaceholder(w.text) ? w : { text: w.text, dynamic: true });

export const flagValue = (args: ParsedArgs, ...names: string[]): Word | undefined => {
  for (const name of names) {
    const values = args.flags.get(name);
    if (values?.length) return values[values.length - 1];
  }
  return undefined;
};
export const hasFlag = (args: ParsedArgs, ...names: string[]) => names.some((n) => args.flags.has(n));

/** Whether an object with these labels (or a pod template with them) matches equality requirements. */
export function labelsMatch(object: K8sObject, pairs: Array<[string, string]>): boolean {
  const selector: LabelSelector = { matchExpressions: pairs.map(([key, value]) => ({ key, operator: 'In', values: [value] })) };
  return [object.metadata?.labels ?? {}, podTemplateOf(object)?.labels ?? {}].some((labels) => selectorMatches(selector, labels));
}

/** The equality requirements of a label selector (`a=b,c==d`); set-based parts are ignored. */
export function equalityPairs(selector: string): Array<[string, string]> {
  const parts = selector.split(/,(?![^(]*\))/).map((s) => s.trim());
  return parts.flatMap((p) => {
    const m = /^([^!=\s]+)\s*==?\s*([^=\s]*)$/.exec(p);
    return m ? [[m[1], m[2]] as [string, string]] : [];
  });
}

/**
 * Whether a name is a placeholder rather than a name: `<pod-name>`, `$POD`, or capitals such as
 * `NAME` and `NAMESPACE` (Kubernetes names are lowercase, so these cannot be real ones).
 */
export function isPlaceholder(text: string): boolean {
  return /[<$]/.test(text) || /^[A-Z][A-Z0-9_]*(-[A-Z0-9_]+)*$/.test(text);
}
