// Docs that cannot drift: reads every kubectl, minikube, npm run and curl/wget command of the
// guides and checks that each namespace, object, container, port, label selector and file it
// names exists in dist/. A guide that says `kubectl -n shop-demo logs deploy/web -c sidecar`
// fails as soon as the example no longer has that namespace, Deployment or container.
//
// What is not checked, on purpose:
// - words only known when the command runs: `$VAR`, `$(...)`, placeholders such as `<pod-name>`;
// - objects the cluster provides (nodes, events, IngressClasses, StorageClasses...), and objects in
//   the namespaces of the cluster's own components (CLUSTER_NAMESPACES);
// - names created earlier in the same document (`kubectl create secret generic db-credentials`,
//   `kubectl expose ... --name=web-exposed`, `kubectl run`): they count as existing from there on.
//
// What the document did earlier also counts: a `kubectl port-forward` opens its local port,
// `minikube tunnel` opens the ingress controller's ports 80 and 443 on 127.0.0.1, and
// `kubectl scale statefulset` makes pods and claims with higher ordinals.
import { K8sObject, containerPorts, containersOf, podTemplate } from '../manifests';
import { codeBlocks, inlineCodes } from './markdown';
import { Command, Word, programWords, splitCommands } from './shell-words';

/** Namespaces of the cluster's own components: they exist without any example, and their objects are not checked. */
export const CLUSTER_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'ingress-nginx', 'envoy-gateway-system'];

/** What the commands are checked against. */
export interface DocsWorld {
  /** Every object of every file of dist/ (the same object may appear once per profile). */
  readonly objects: readonly K8sObject[];
  /** The examples of dist/ (file names without `.yaml`) and its profiles (folder names). */
  readonly examples: readonly string[];
  readonly profiles: readonly string[];
  /** Whether a path relative to the repository root exists. */
  readonly fileExists: (path: string) => boolean;
}

export interface DocProblem {
  readonly file: string;
  readonly line: number;
  readonly command: string;
  readonly message: string;
}

export const formatProblem = (p: DocProblem): string => `${p.file}:${p.line}: ${p.message} (in: ${p.command})`;

interface KindInfo {
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
const KUBECTL_VALUE_FLAGS = new Set([
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
const MINIKUBE_VALUE_FLAGS = new Set([
  '-n', '--namespace', '-p', '--profile', '--driver', '--nodes', '--cpus', '--memory', '--kubernetes-version', '--format',
  '--interval', '--wait', '--container-runtime', '--disk-size', '--addons', '--node', '-o', '--output',
]);

interface ParsedArgs {
  readonly positionals: Word[];
  readonly flags: Map<string, Word[]>;
  /** Words after a standalone `--`. */
  readonly rest: Word[] | undefined;
}

/** Splits command words into positionals and flags, given which flags take a value. */
function parseArgs(words: readonly Word[], valueFlags: ReadonlySet<string>, boolFlags: ReadonlySet<string> = new Set()): ParsedArgs {
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

const flagValue = (args: ParsedArgs, ...names: string[]): Word | undefined => {
  for (const name of names) {
    const values = args.flags.get(name);
    if (values?.length) return values[values.length - 1];
  }
  return undefined;
};
const hasFlag = (args: ParsedArgs, ...names: string[]) => names.some((n) => args.flags.has(n));

/** Whether an object with these labels (or a pod template with them) matches an equality selector. */
function labelsMatch(object: K8sObject, pairs: Array<[string, string]>): boolean {
  const sets = [object.metadata?.labels ?? {}, podTemplate(object)?.labels ?? {}];
  return sets.some((labels) => pairs.every(([k, v]) => labels[k] === v));
}

/** The equality requirements of a label selector (`a=b,c==d`); set-based parts are ignored. */
function equalityPairs(selector: string): Array<[string, string]> {
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

/** The objects of dist/, indexed for look-ups. */
class World {
  readonly namespaces = new Set<string>();
  private readonly objects: K8sObject[];

  constructor(readonly world: DocsWorld) {
    this.objects = world.objects.filter((o) => o?.kind && o.metadata?.name);
    for (const o of this.objects) {
      if (o.kind === 'Namespace') this.namespaces.add(o.metadata.name);
      if (o.metadata.namespace) this.namespaces.add(o.metadata.namespace);
    }
  }

  find(kind: string, namespace: string | undefined, name: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? '') === namespace));
  }

  inNamespace(namespace: string | undefined): K8sObject[] {
    return this.objects.filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  nodePorts(): Set<number> {
    const ports = new Set<number>();
    for (const s of this.objects.filter((o) => o.kind === 'Service')) {
      for (const p of s.spec?.ports ?? []) {
        if (p.nodePort) ports.add(p.nodePort);
        if (s.spec?.type === 'LoadBalancer') ports.add(p.port);
      }
    }
    if (this.hasIngress()) { ports.add(80); ports.add(443); }
    return ports;
  }

  hasIngress(): boolean {
    return this.objects.some((o) => o.kind === 'Ingress');
  }
}

/** What a document has set up so far: objects it created, the namespace it switched to, ports it forwarded. */
interface DocState {
  readonly created: Set<string>;
  namespace: string | undefined;
  readonly localPorts: Set<number>;
  /** `namespace|key=value` labels set by `kubectl label` earlier in the document. */
  readonly labels: Set<string>;
  /** Whether the document ran `minikube tunnel` (ingress-nginx then answers on 127.0.0.1:80 and :443). */
  tunnel: boolean;
  /** `namespace/name` of a StatefulSet → the most replicas `kubectl scale` gave it in the document. */
  readonly scaledTo: Map<string, number>;
}

const createdKey = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
/** What `kubectl exec`, logs or port-forward name: an object of dist/ when it is one. */
interface ExecTarget { readonly kind: string; readonly name: string; readonly object?: K8sObject }
const scaledKey = (sts: K8sObject) => `${sts.metadata.namespace ?? ''}/${sts.metadata.name}`;

/** Checks the commands of one document, in order. */
class DocChecker {
  readonly problems: DocProblem[] = [];
  private readonly state: DocState = {
    created: new Set(), namespace: undefined, localPorts: new Set(), labels: new Set(), tunnel: false, scaledTo: new Map(),
  };

  constructor(private readonly w: World, private readonly file: string) {}

  private problem(command: Command, message: string): void {
    this.problems.push({ file: this.file, line: command.line, command: command.source, message });
  }

  check(command: Command): void {
    const words = programWords(command.words);
    const program = words[0]?.text;
    if (!program || words[0].dynamic) return;
    const args = words.slice(1);
    switch (program) {
      case 'kubectl': this.kubectl(command, args); break;
      case 'minikube': this.minikube(command, args); break;
      case 'npm': this.npm(command, args); break;
      case 'curl': case 'wget': this.httpClient(command, args, undefined); break;
      default: break;
    }
  }

  // --- kubectl -------------------------------------------------------------------------------

  private kubectl(command: Command, words: Word[]): void {
    const verbIndex = (() => {
      for (let i = 0; i < words.length; i++) {
        const t = words[i].text;
        if (t === '--') return -1;
        if (!t.startsWith('-')) return i;
        if (KUBECTL_VALUE_FLAGS.has(t)) i++;
      }
      return -1;
    })();
    if (verbIndex < 0) return;
    const verb = words[verbIndex].text;
    // `kubectl logs -f` follows and `-p` shows the previous container; elsewhere they take a value.
    const boolFlags = new Set(verb === 'logs' ? ['-p', '-f'] : []);
    const args = parseArgs([...words.slice(0, verbIndex), ...words.slice(verbIndex + 1)], KUBECTL_VALUE_FLAGS, boolFlags);
    const nsWord = flagValue(args, '-n', '--namespace');
    const allNamespaces = hasFlag(args, '-A', '--all-namespaces');
    if (nsWord && !nsWord.dynamic) this.checkNamespace(command, nsWord.text);
    const ns = nsWord ? (nsWord.dynamic ? null : nsWord.text) : (allNamespaces ? undefined : (this.state.namespace ?? 'default'));
    const ctx = { command, args, ns };

    // A flag this verb takes without a value (`kubectl logs -f`: follow) names no file.
    for (const flag of ['-f', '--filename', '-k', '--kustomize'].filter((f) => !boolFlags.has(f))) {
      for (const f of args.flags.get(flag) ?? []) this.checkFile(command, f);
    }
    const selector = flagValue(args, '-l', '--selector');
    // `run`, `create` and `expose` take `-l` as labels to set, not as a selector.
    if (selector && !selector.dynamic && ns !== null && !['run', 'create', 'expose'].includes(verb)) this.checkSelector(command, selector.text, ns);

    const p = args.positionals;
    switch (verb) {
      case 'get': case 'describe': case 'delete': case 'edit': case 'patch': case 'wait': case 'scale': case 'annotate': case 'label': {
        const targets = this.resources(ctx, p, verb === 'label' || verb === 'annotate');
        if (verb === 'label' && typeof ns === 'string') {
          for (const w of p.slice(1).filter((x) => !x.dynamic && /^[^=]+=[^=]*$/.test(x.text))) this.state.labels.add(`${ns}|${w.text}`);
        }
        const replicas = flagValue(args, '--replicas');
        if (verb === 'scale' && replicas && /^\d+$/.test(replicas.text)) {
          for (const t of targets.filter((x) => x.kind === 'StatefulSet' && x.object)) {
            const key = scaledKey(t.object!);
            this.state.scaledTo.set(key, Math.max(this.state.scaledTo.get(key) ?? 0, Number(replicas.text)));
          }
        }
        break;
      }
      case 'rollout':
        if (!['status', 'history', 'undo', 'restart', 'pause', 'resume'].includes(p[0]?.text ?? '')) {
          this.problem(command, `unknown kubectl rollout subcommand "${p[0]?.text ?? ''}"`);
          break;
        }
        this.resources(ctx, p.slice(1), false);
        break;
      case 'set': {
        const targets = this.resources(ctx, p.slice(1), true);
        if (p[0]?.text === 'image') {
          for (const pair of p.slice(1).filter((w) => w.text.includes('=') && !w.dynamic)) {
            const container = pair.text.split('=')[0];
            if (container !== '*') for (const t of targets) this.checkContainer(command, t, container);
          }
        }
        break;
      }
      case 'top':
        if (['pod', 'pods', 'po'].includes(p[0]?.text ?? '')) this.resources(ctx, p, false);
        break;
      case 'logs': case 'exec': case 'attach': case 'port-forward': case 'debug':
        this.podCommand(ctx, verb, p, args.rest);
        break;
      case 'expose': {
        const targets = this.resources(ctx, p, false);
        const targetPort = flagValue(args, '--target-port');
        if (targetPort && !targetPort.dynamic) for (const t of targets) this.checkContainerPort(command, t, targetPort.text);
        const name = flagValue(args, '--name')?.text ?? (p[0]?.text.includes('/') ? p[0].text.split('/')[1] : p[1]?.text);
        if (name && ns) this.state.created.add(createdKey('Service', ns, name));
        break;
      }
      case 'create': this.create(ctx, p); break;
      case 'run':
        if (p[0] && !p[0].dynamic && ns) this.state.created.add(createdKey('Pod', ns, p[0].text));
        break;
      case 'autoscale': {
        const targets = this.resources(ctx, p, false);
        const name = flagValue(args, '--name')?.text ?? targets[0]?.name;
        if (name && ns) this.state.created.add(createdKey('HorizontalPodAutoscaler', ns, name));
        break;
      }
      case 'events': {
        const forRef = flagValue(args, '--for');
        if (forRef) this.resources(ctx, [forRef], false);
        break;
      }
      case 'config':
        if (p[0]?.text === 'set-context') {
          const to = flagValue(args, '--namespace');
          if (to && !to.dynamic) this.state.namespace = to.text;
        }
        break;
      case 'apply': case 'diff': case 'replace': case 'kustomize': case 'cp': case 'version': case 'cluster-info': case 'api-resources':
      case 'api-versions': case 'explain': case 'auth': case 'certificate': case 'proxy': case 'plugin': case 'completion': case 'cordon':
      case 'uncordon': case 'drain': case 'taint': case 'alpha':
        break;
      default:
        this.problem(command, `unknown kubectl command "${verb}"`);
    }
  }

  /** Checks `TYPE NAME...`, `TYPE/NAME...` or `TYPE1,TYPE2`; returns the objects found. */
  private resources(ctx: { command: Command; ns: string | null | undefined }, words: Word[], stopAtAssignments: boolean): Array<{ kind: string; name: string; object?: K8sObject }> {
    const found: Array<{ kind: string; name: string; object?: K8sObject }> = [];
    const firstAssignment = stopAtAssignments ? words.findIndex((w, i) => i > 0 && /=|-$/.test(w.text)) : -1;
    const list = firstAssignment > 0 ? words.slice(0, firstAssignment) : words;
    if (list.length === 0) return found;
    const first = list[0];
    if (first.dynamic) return found;
    if (first.text.includes('/')) {
      for (const w of list) {
        if (w.dynamic || !w.text.includes('/')) continue;
        const [type, name] = w.text.split('/', 2);
        found.push(...this.resource(ctx, type, name));
      }
      return found;
    }
    const types = first.text.split(',');
    for (const type of types) {
      if (!resolveKind(type)) { this.problem(ctx.command, `unknown resource type "${type}"`); return found; }
    }
    if (types.length !== 1) return found;
    for (const w of list.slice(1)) {
      if (w.dynamic) continue;
      found.push(...this.resource(ctx, types[0], w.text));
    }
    return found;
  }

  /** Checks one named object; returns it (possibly once per profile) when it is in dist/. */
  private resource(ctx: { command: Command; ns: string | null | undefined }, type: string, name: string): Array<{ kind: string; name: string; object?: K8sObject }> {
    const info = resolveKind(type);
    if (!info) { this.problem(ctx.command, `unknown resource type "${type}"`); return []; }
    if (!info.checked || ctx.ns === null || isPlaceholder(name)) return [];
    const ns = info.namespaced ? ctx.ns : undefined;
    if (ns !== undefined && CLUSTER_NAMESPACES.includes(ns) && ns !== 'default') return [];
    if (this.state.created.has(createdKey(info.kind, ns, name))) return [{ kind: info.kind, name }];
    if (info.kind === 'Namespace') {
      if (!this.w.namespaces.has(name) && !CLUSTER_NAMESPACES.includes(name)) this.problem(ctx.command, `no namespace "${name}" in dist/`);
      return [];
    }
    const where = ns === undefined ? 'any namespace' : `namespace ${ns}`;
    const direct = this.w.find(info.kind, ns, name);
    if (direct.length > 0) return direct.map((object) => ({ kind: info.kind, name, object }));
    const generated = this.generatedOwner(info.kind, ns, name);
    if (generated !== undefined) return generated ? [{ kind: info.kind, name, object: generated }] : [];
    const hint = ns === 'default' && !this.state.namespace ? ' (no -n: kubectl looks in namespace default)' : '';
    this.problem(ctx.command, `no ${info.kind} "${name}" in ${where} of dist/${hint}`);
    return [];
  }

  /**
   * Objects that controllers create with predictable names: StatefulSet pods (`db-0`) and their
   * claims (`data-db-0`), ReplicaSets of a Deployment (`web-<hash>`), Endpoints and EndpointSlices
   * of a Service, Jobs of a CronJob. Returns the owner's pod template source, null when the name
   * is known but has no template, or undefined when no owner explains the name.
   */
  private generatedOwner(kind: string, ns: string | undefined, name: string): K8sObject | null | undefined {
    const inNs = this.w.inNamespace(ns);
    switch (kind) {
      case 'Pod': return inNs.find((o) => o.kind === 'StatefulSet' && this.ordinalOf(o, name, '') !== undefined);
      case 'PersistentVolumeClaim': {
        const owner = inNs.find((o) => o.kind === 'StatefulSet'
          && (o.spec?.volumeClaimTemplates ?? []).some((t: K8sObject) => this.ordinalOf(o, name, `${t.metadata?.name}-`) !== undefined));
        return owner ? null : undefined;
      }
      case 'ReplicaSet': return inNs.find((o) => o.kind === 'Deployment' && name.startsWith(`${o.metadata.name}-`) && /^[a-z0-9]+$/.test(name.slice(o.metadata.name.length + 1)));
      case 'Endpoints': return inNs.some((o) => o.kind === 'Service' && o.metadata.name === name) ? null : undefined;
      case 'EndpointSlice': return inNs.some((o) => o.kind === 'Service' && name.startsWith(`${o.metadata.name}-`)) ? null : undefined;
      case 'Job': return inNs.find((o) => o.kind === 'CronJob' && name.startsWith(`${o.metadata.name}-`));
      default: return undefined;
    }
  }

  /**
   * The ordinal of `<prefix><statefulset>-<n>` when n is below the StatefulSet's replicas, or
   * below the most replicas a `kubectl scale` earlier in the document gave it (a claim outlives
   * a scale-down, and a pod's name is worth showing as it goes).
   */
  private ordinalOf(sts: K8sObject, name: string, prefix: string): number | undefined {
    const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${sts.metadata.name}-(\\d+)$`).exec(name);
    if (!m) return undefined;
    const n = Number(m[1]);
    return n < Math.max(sts.spec?.replicas ?? 1, this.state.scaledTo.get(scaledKey(sts)) ?? 0) ? n : undefined;
  }

  private checkNamespace(command: Command, name: string): void {
    if (!this.w.namespaces.has(name) && !CLUSTER_NAMESPACES.includes(name) && !this.state.created.has(createdKey('Namespace', undefined, name))) {
      this.problem(command, `no namespace "${name}" in dist/`);
    }
  }

  private checkFile(command: Command, file: Word): void {
    if (file.dynamic || file.text === '-' || /^https?:\/\//.test(file.text)) return;
    const rel = file.text.replace(/^\.\//, '');
    if (!this.w.world.fileExists(rel)) this.problem(command, `no file "${file.text}"${rel.startsWith('dist/') ? ' in dist/ (run npm run synth?)' : ''}`);
  }

  private checkSelector(command: Command, selector: string, ns: string | undefined): void {
    if (ns !== undefined && CLUSTER_NAMESPACES.includes(ns) && ns !== 'default') return;
    // Labels set by an earlier `kubectl label` of this document exist too.
    const pairs = equalityPairs(selector).filter(([k, v]) => !this.state.labels.has(`${ns}|${k}=${v}`));
    if (pairs.length === 0) return;
    if (!this.w.inNamespace(ns).some((o) => labelsMatch(o, pairs))) {
      this.problem(command, `no object in ${ns === undefined ? 'dist/' : `namespace ${ns}`} has the labels ${pairs.map(([k, v]) => `${k}=${v}`).join(',')}`);
    }
  }

  private checkContainer(command: Command, target: { kind: string; name: string; object?: K8sObject }, container: string): void {
    if (!target.object) return;
    const names = containersOf(podTemplate(target.object)?.spec).map((c) => c.container.name);
    if (!names.includes(container)) this.problem(command, `${target.kind} "${target.name}" has no container "${container}" (it has: ${names.join(', ')})`);
  }

  private checkContainerPort(command: Command, target: { kind: string; name: string; object?: K8sObject }, port: string): void {
    if (!target.object) return;
    const ports = containerPorts(podTemplate(target.object)?.spec);
    if (!ports.some((p) => String(p.containerPort) === port || p.name === port)) {
      this.problem(command, `${target.kind} "${target.name}" exposes no container port ${port} (it has: ${ports.map((p) => p.containerPort).join(', ') || 'none'})`);
    }
  }

  /** logs, exec, attach, port-forward, debug: `POD` or `TYPE/NAME`, then the verb's own arguments. */
  private podCommand(ctx: { command: Command; args: ParsedArgs; ns: string | null | undefined }, verb: string, p: Word[], rest: Word[] | undefined): void {
    const { command, args } = ctx;
    const target = p[0];
    let targets: Array<{ kind: string; name: string; object?: K8sObject }> = [];
    if (target && !target.dynamic) targets = target.text.includes('/') ? this.resources(ctx, [target], false) : this.resource(ctx, 'pod', target.text);
    if (!target && ctx.ns !== null) {
      const selector = flagValue(args, '-l', '--selector');
      if (selector && !selector.dynamic) {
        const pairs = equalityPairs(selector.text);
        targets = this.w.inNamespace(ctx.ns ?? undefined).filter((o) => podTemplate(o) && labelsMatch(o, pairs))
          .map((o) => ({ kind: o.kind, name: o.metadata.name, object: o }));
      }
    }
    const container = flagValue(args, '-c', '--container') ?? (verb === 'logs' && p[1] && !p[1].dynamic ? p[1] : undefined);
    if (container && !container.dynamic && targets.length > 0 && !targets.some((t) => this.hasContainer(t.object, container.text))) {
      this.checkContainer(command, targets[0], container.text);
    }
    if (verb === 'port-forward') {
      for (const spec of p.slice(1)) {
        if (spec.dynamic) continue;
        const [local, remote] = spec.text.includes(':') ? spec.text.split(':', 2) : [spec.text, spec.text];
        if (/^\d+$/.test(local)) this.state.localPorts.add(Number(local));
        for (const t of targets) this.checkForwardPort(command, t, remote);
      }
    }
    if (verb === 'exec' && rest && ctx.ns !== null) this.inCluster(command, rest, ctx.ns ?? undefined, targets);
  }

  /** `localhost:PORT` inside a pod: some container of the pod must listen on that port. */
  private checkPodLocalPort(command: Command, pods: readonly ExecTarget[], port: number): void {
    const known = pods.filter((t) => t.object && podTemplate(t.object));
    if (known.length === 0) return;
    if (known.some((t) => containerPorts(podTemplate(t.object)!.spec).some((p) => p.containerPort === port))) return;
    const t = known[0];
    const ports = containerPorts(podTemplate(t.object)!.spec).map((p) => p.containerPort);
    this.problem(command, `localhost:${port} inside a pod of ${t.kind} "${t.name}": no container of the pod listens on ${port} (container ports: ${ports.join(', ') || 'none'})`);
  }

  private hasContainer(object: K8sObject | undefined, name: string): boolean {
    return !object || containersOf(podTemplate(object)?.spec).some((c) => c.container.name === name);
  }

  private checkForwardPort(command: Command, target: { kind: string; name: string; object?: K8sObject }, remote: string): void {
    if (!target.object) return;
    if (target.kind === 'Service') {
      const ports = target.object.spec?.ports ?? [];
      if (!ports.some((p: K8sObject) => String(p.port) === remote || p.name === remote)) {
        this.problem(command, `Service "${target.name}" has no port ${remote} (it has: ${ports.map((p: K8sObject) => p.port).join(', ') || 'none'})`);
      }
      return;
    }
    this.checkContainerPort(command, target, remote);
  }

  private create(ctx: { command: Command; args: ParsedArgs; ns: string | null | undefined }, p: Word[]): void {
    const type = p[0]?.text;
    if (!type || p[0].dynamic) return;
    const withSubtype = ['secret', 'service', 'svc'].includes(type);
    const nameWord = p[withSubtype ? 2 : 1];
    const info = resolveKind(type === 'token' ? 'serviceaccount' : type);
    if (type === 'token') {
      if (nameWord && !nameWord.dynamic) this.resource(ctx, 'serviceaccount', nameWord.text);
      return;
    }
    if (!info) { this.problem(ctx.command, `unknown resource type "${type}"`); return; }
    if (type === 'job') {
      const from = flagValue(ctx.args, '--from');
      if (from && !from.dynamic) this.resources(ctx, [from], false);
    }
    if (!nameWord || nameWord.dynamic) return;
    const ns = info.namespaced ? (ctx.ns === null ? undefined : ctx.ns) : undefined;
    this.state.created.add(createdKey(info.kind, ns, nameWord.text));
  }

  // --- commands run inside a pod: wget, curl, nslookup ----------------------------------------

  /** A command run by `kubectl exec` in a pod of `pods` (the workloads the exec names, when known). */
  private inCluster(command: Command, words: Word[], ns: string | undefined, pods: readonly ExecTarget[]): void {
    const program = words[0]?.text;
    if (!program || words[0].dynamic) return;
    if ((program === 'sh' || program === 'bash' || program === 'ash') && words[1]?.text === '-c' && words[2] && !words[2].dynamic) {
      for (const inner of splitCommands(words[2].text, command.line)) this.inCluster({ ...inner, line: command.line, source: command.source }, inner.words, ns, pods);
      return;
    }
    if (program === 'wget' || program === 'curl') this.httpClient(command, words.slice(1), ns, pods);
    if (program === 'nslookup' || program === 'host' || program === 'dig') {
      const name = words.slice(1).find((w) => !w.text.startsWith('-') && !w.text.startsWith('@'));
      if (name && !name.dynamic) this.resolveClusterName(command, name.text, ns, undefined);
    }
  }

  /**
   * Checks the URLs given to curl or wget. Inside a pod (`ns` set), a host that is a Service name
   * must be a Service of dist/ with that port, and `localhost` is the pod itself: the port must be
   * a container port of one of its containers (they share the pod's network). On your machine,
   * `localhost:PORT` must be a port forwarded earlier in the document (or 80 and 443 after
   * `minikube tunnel`, when dist/ has an Ingress), and a placeholder host (`$(minikube ip)`,
   * `<EXTERNAL-IP>`) with a port must use a NodePort or LoadBalancer port of dist/.
   */
  private httpClient(command: Command, words: Word[], ns: string | undefined, pods: readonly ExecTarget[] = []): void {
    for (const w of words) {
      const m = /^(?:(https?):\/\/)?([^/:?#\s]+|<[^>]+>|\$\([^)]*\)|\$\{?[A-Za-z_]+\}?)(?::(\d+))?([/?#].*)?$/.exec(w.text);
      if (!m || w.text.startsWith('-')) continue;
      const [, scheme, host, portText] = m;
      if (!scheme && !portText) continue;
      const port = portText ? Number(portText) : (scheme === 'https' ? 443 : 80);
      const dynamicHost = /[$<]/.test(host);
      const local = host === 'localhost' || host === '127.0.0.1';
      if (ns !== undefined && local) {
        this.checkPodLocalPort(command, pods, port);
        continue;
      }
      if (ns !== undefined && !dynamicHost) {
        this.resolveClusterName(command, host, ns, port);
        continue;
      }
      if (ns !== undefined) continue;
      if (local) {
        const tunnelled = this.state.tunnel && (port === 80 || port === 443) && this.w.hasIngress();
        if (!this.state.localPorts.has(port) && !tunnelled) {
          this.problem(command, `nothing forwards local port ${port}: no kubectl port-forward to it earlier in this document`
            + (port === 80 || port === 443 ? ' (nor minikube tunnel, for an Ingress)' : ''));
        }
      } else if (dynamicHost && portText && !this.w.nodePorts().has(port)) {
        this.problem(command, `port ${port} is not a NodePort, LoadBalancer or Ingress port of dist/`);
      }
    }
  }

  /**
   * Resolves a DNS name as a pod would: `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`, and
   * `pod.svc...` for the pods of a headless Service. Names outside the cluster (with a dot and no
   * known namespace) are left alone. With a port, the port must be one the Service serves.
   */
  private resolveClusterName(command: Command, host: string, ns: string | undefined, port: number | undefined, depth = 0): void {
    const name = host.replace(/\.$/, '').replace(/\.svc(\.cluster\.local)?$/, '');
    const parts = name.split('.');
    const clusterSuffix = /\.svc(\.cluster\.local)?\.?$/.test(host);
    let candidates: Array<{ svc: string; ns: string | undefined; pod?: string }> = [];
    if (parts.length === 1) candidates = [{ svc: parts[0], ns }];
    else if (parts.length === 2) candidates = [{ svc: parts[0], ns: parts[1] }, { svc: parts[1], ns, pod: parts[0] }];
    else if (parts.length === 3) candidates = [{ svc: parts[1], ns: parts[2], pod: parts[0] }];
    const isClusterName = clusterSuffix || parts.length === 1
      || this.w.namespaces.has(parts[parts.length - 1]) || CLUSTER_NAMESPACES.includes(parts[parts.length - 1])
      || (parts.length === 2 && this.w.find('Service', ns, parts[1]).length > 0);
    if (!isClusterName) return;
    // Names in the cluster's own namespaces (`kubernetes.default`) are the cluster's business.
    if (candidates.some((c) => c.ns !== undefined && CLUSTER_NAMESPACES.includes(c.ns))) return;
    for (const c of candidates) {
      const services = this.w.find('Service', c.ns, c.svc);
      if (services.length === 0) continue;
      const svc = services[0];
      if (svc.spec?.type === 'ExternalName' && depth < 3) {
        this.resolveClusterName(command, svc.spec.externalName, c.ns, port, depth + 1);
        return;
      }
      if (port === undefined) return;
      const headless = svc.spec?.clusterIP === 'None';
      const ok = services.some((s) => (s.spec?.ports ?? []).some((p: K8sObject) => p.port === port || (headless && p.targetPort === port)));
      if (!ok) this.problem(command, `Service "${c.svc}" in namespace ${c.ns} has no port ${port}`);
      return;
    }
    this.problem(command, `no Service "${candidates[0]?.svc ?? host}" in namespace ${candidates[0]?.ns ?? '?'} of dist/ answers to "${host}"`);
  }

  // --- minikube, npm -------------------------------------------------------------------------

  private minikube(command: Command, words: Word[]): void {
    const args = parseArgs(words, MINIKUBE_VALUE_FLAGS);
    const nsWord = flagValue(args, '-n', '--namespace');
    if (nsWord && !nsWord.dynamic) this.checkNamespace(command, nsWord.text);
    if (args.positionals[0]?.text === 'tunnel') this.state.tunnel = true;
    if (args.positionals[0]?.text !== 'service') return;
    const name = args.positionals[1];
    if (!name || name.dynamic || name.text === 'list' || (nsWord?.dynamic ?? false)) return;
    const ns = nsWord?.text ?? 'default';
    const services = this.w.find('Service', ns, name.text);
    if (services.length === 0) {
      if (!this.state.created.has(createdKey('Service', ns, name.text))) this.problem(command, `no Service "${name.text}" in namespace ${ns} of dist/`);
      return;
    }
    if (!services.some((s) => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer')) {
      this.problem(command, `Service "${name.text}" is ${services[0].spec?.type ?? 'ClusterIP'}: minikube service needs a NodePort or LoadBalancer Service`);
    }
  }

  private npm(command: Command, words: Word[]): void {
    if (words[0]?.text !== 'run' && words[0]?.text !== 'run-script') return;
    const script = words[1]?.text;
    const dashes = words.findIndex((w) => w.text === '--');
    const extra = dashes >= 0 ? words.slice(dashes + 1) : [];
    if (script === 'deploy' || script === 'destroy' || script === 'smoke') {
      const positional = extra.filter((w) => !w.text.startsWith('-'));
      const [example, profile] = positional;
      if (!example) this.problem(command, `npm run ${script} needs an example`);
      else if (!example.dynamic && !this.w.world.examples.includes(example.text)) this.problem(command, `no example "${example.text}" in dist/`);
      if (profile && !profile.dynamic && !this.w.world.profiles.includes(profile.text)) this.problem(command, `no profile "${profile.text}" in dist/`);
    }
    if (script === 'synth') {
      const args = parseArgs(extra, new Set(['--profile', '--outdir']));
      const profile = flagValue(args, '--profile');
      if (profile && !profile.dynamic && !this.w.world.profiles.includes(profile.text)) this.problem(command, `no profile "${profile.text}" in dist/`);
    }
  }
}

/** The shell snippets of a document: `sh`/`bash`/`shell` blocks, and inline code that is a command. */
export function docCommands(markdown: string): Command[] {
  const commands: Command[] = [];
  for (const block of codeBlocks(markdown)) {
    if (['sh', 'bash', 'shell', 'console'].includes(block.lang)) {
      const body = block.lang === 'console' ? block.body.split('\n').map((l) => (l.startsWith('$ ') ? l.slice(2) : '')).join('\n') : block.body;
      commands.push(...splitCommands(body, block.line));
    }
  }
  for (const inline of inlineCodes(markdown)) {
    if (/^(sudo |k3s )?(kubectl|minikube|curl|wget|npm run) /.test(inline.code) || /\bkubectl .*-n /.test(inline.code) || /; do kubectl /.test(inline.code)) {
      commands.push(...splitCommands(inline.code, inline.line));
    }
  }
  return commands.sort((a, b) => a.line - b.line);
}

/** Checks every command of the documents against dist/; an empty list means the docs agree with it. */
export function checkDocs(docs: ReadonlyArray<{ file: string; text: string }>, world: DocsWorld): DocProblem[] {
  const w = new World(world);
  return docs.flatMap(({ file, text }) => {
    const checker = new DocChecker(w, file);
    for (const command of docCommands(text)) checker.check(command);
    return checker.problems;
  });
}
