// Draws how the objects of one example connect, as a Mermaid flowchart (GitHub renders it):
// Ingress → Service → workload → pods, and the pods' ConfigMaps, Secrets, volume claims and
// ServiceAccount, with the policies (NetworkPolicy, PodDisruptionBudget, autoscaler) that act on
// them. The input is the synthesized objects, so the picture cannot disagree with the manifests.
import {
  K8sObject, Manifest, ManifestSet, containerRole, containersOf, mapSelectorMatches, mountPaths, podRefs, podTemplateOf, selectorMatches,
} from '../../validator/model';

type Shape = 'rect' | 'round' | 'stadium' | 'hexagon' | 'cylinder' | 'subroutine' | 'parallelogram' | 'circle';

interface Node {
  readonly id: string;
  readonly label: string;
  readonly shape: Shape;
  /** The namespace it is drawn in; undefined outside every namespace. */
  readonly namespace?: string;
  readonly external: boolean;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly labels: string[];
  /** Solid: traffic, or an object that creates another. Dotted: a reference. */
  readonly dotted: boolean;
}

const SHAPES: Record<Shape, [string, string]> = {
  rect: ['[', ']'],
  round: ['(', ')'],
  stadium: ['([', '])'],
  hexagon: ['{{', '}}'],
  cylinder: ['[(', ')]'],
  subroutine: ['[[', ']]'],
  parallelogram: ['[/', '/]'],
  circle: ['((', '))'],
};

/** The short name kubectl accepts for a kind, used to build readable node ids. */
const ID_PREFIX: Record<string, string> = {
  Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds', ReplicaSet: 'rs', Job: 'job', CronJob: 'cj', Pod: 'pod',
  Service: 'svc', Ingress: 'ing', ConfigMap: 'cm', Secret: 'secret', PersistentVolumeClaim: 'pvc', NetworkPolicy: 'netpol',
  PodDisruptionBudget: 'pdb', HorizontalPodAutoscaler: 'hpa', ServiceAccount: 'sa', Role: 'role', RoleBinding: 'rb',
  Gateway: 'gtw', HTTPRoute: 'httproute',
};

/** Kinds not drawn as nodes: the namespace is the frame around everything else. */
const FRAME_KINDS = new Set(['Namespace']);

const SHAPE_OF: Record<string, Shape> = {
  Ingress: 'parallelogram', Gateway: 'parallelogram', HTTPRoute: 'rect', Service: 'stadium', ConfigMap: 'rect', Secret: 'rect', PersistentVolumeClaim: 'cylinder',
  NetworkPolicy: 'hexagon', PodDisruptionBudget: 'hexagon', HorizontalPodAutoscaler: 'hexagon',
};

/** Text in a quoted Mermaid label: double quotes are the only character that must be escaped. */
const escapeLabel = (text: string): string => text.replace(/"/g, '#quot;');

/** A Mermaid flowchart of how the objects connect; the same objects always give the same text. */
export class Diagram {
  private readonly nodes = new Map<string, Node>();
  private readonly edges = new Map<string, Edge>();
  private readonly ids = new Set<string>();
  /** Namespace name → id of its subgraph, in the order they were met. */
  private readonly namespaces = new Map<string, string>();

  /** A Mermaid id made of letters, digits and `_`, unique in the diagram. */
  private newId(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
    const start = /^[A-Za-z]/.test(base) ? base : `n_${base}`;
    let id = start;
    for (let i = 2; this.ids.has(id); i++) id = `${start}_${i}`;
    this.ids.add(id);
    return id;
  }

  /** Adds a node once per key and returns its id. */
  node(key: string, idHint: string, label: string, shape: Shape, namespace?: string, external = false): string {
    const existing = this.nodes.get(key);
    if (existing) return existing.id;
    if (namespace !== undefined) this.namespace(namespace);
    const id = this.newId(idHint);
    this.nodes.set(key, { id, label, shape, namespace, external });
    return id;
  }

  /** Replaces the label of a node. */
  relabel(key: string, label: string): void {
    const existing = this.nodes.get(key);
    if (existing) this.nodes.set(key, { ...existing, label });
  }

  /** Adds an edge, or a label to the edge that already joins the same nodes in the same style. */
  edge(from: string, to: string, label: string | undefined, dotted: boolean): void {
    const key = `${from}|${to}|${dotted}`;
    const edge = this.edges.get(key) ?? { from, to, labels: [], dotted };
    if (label && !edge.labels.includes(label)) edge.labels.push(label);
    this.edges.set(key, edge);
  }

  /** Declares a namespace, drawn as a frame around its objects. */
  namespace(name: string): void {
    if (!this.namespaces.has(name)) this.namespaces.set(name, this.newId(`ns_${name}`));
  }

  render(): string {
    const lines = ['flowchart LR'];
    const nodeLine = (n: Node, indent: string) => {
      const [open, close] = SHAPES[n.shape];
      return `${indent}${n.id}${open}"${escapeLabel(n.label)}"${close}`;
    };
    const all = [...this.nodes.values()];
    for (const n of all.filter((x) => x.namespace === undefined)) lines.push(nodeLine(n, '  '));
    for (const [ns, id] of this.namespaces) {
      lines.push(`  subgraph ${id}["namespace ${escapeLabel(ns)}"]`);
      for (const n of all.filter((x) => x.namespace === ns)) lines.push(nodeLine(n, '    '));
      lines.push('  end');
    }
    for (const e of this.edges.values()) {
      const arrow = e.dotted ? '-.->' : '-->';
      const label = e.labels.length > 0 ? `|"${escapeLabel(e.labels.join(', '))}"|` : '';
      lines.push(`  ${e.from} ${arrow}${label} ${e.to}`);
    }
    const external = all.filter((n) => n.external).map((n) => n.id);
    if (external.length > 0) {
      lines.push('  classDef external stroke-dasharray: 5 5');
      lines.push(`  class ${external.join(',')} external`);
    }
    return lines.join('\n');
  }
}

const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;
const plural = (n: number, word: string) => `${n} ${n === 1 ? word : `${word}s`}`;

/** What a pods node says about the pods of a workload. */
function podsLabel(object: K8sObject): string {
  const name = object.metadata?.name ?? '';
  const n = object.spec?.replicas ?? 1;
  const titles: Record<string, string> = {
    Pod: `Pod ${name}`,
    StatefulSet: `pods ${name}-0${n > 1 ? ` … ${name}-${n - 1}` : ''}`,
    DaemonSet: `pods ${name}-…, one per node`,
  };
  const containers = containersOf(podTemplateOf(object)).map((c) => {
    const { container } = c;
    const role = containerRole(c);
    const ports = (container.ports ?? []).map((p: K8sObject) => `:${p.containerPort}`).join(' ');
    const prefix = role === 'container' ? '' : `${role} `;
    return `${prefix}${container.name}: ${container.image ?? '(no image)'}${ports ? ` ${ports}` : ''}`;
  });
  return [titles[object.kind] ?? `pods ${name}-…`, ...containers].join('<br/>');
}

/** How a workload makes its pods, as the label of the edge between them, per kind. */
const CREATES: Record<string, (object: K8sObject, replicas: number) => string> = {
  Deployment: (_, replicas) => `ReplicaSet, ${plural(replicas, 'replica')}`,
  ReplicaSet: (_, replicas) => plural(replicas, 'replica'),
  ReplicationController: (_, replicas) => plural(replicas, 'replica'),
  StatefulSet: (_, replicas) => `${plural(replicas, 'replica')}, in order`,
  DaemonSet: () => 'one per node',
  Job: () => 'runs to completion',
  CronJob: (object) => `a Job on schedule ${object.spec?.schedule ?? '?'}`,
};

/** What a node says under the kind and name of an object, per kind (nothing for other kinds). */
const DETAILS: Record<string, (object: K8sObject, spec: K8sObject) => string | undefined> = {
  Service: (_, spec) => {
    if (spec.type === 'ExternalName') return `ExternalName → ${spec.externalName}`;
    const type = spec.clusterIP === 'None' ? 'headless' : (spec.type ?? 'ClusterIP');
    const ports = (spec.ports ?? []).map((p: K8sObject) => (p.nodePort ? `:${p.port} node :${p.nodePort}` : `:${p.port}`)).join(' ');
    return `${type}${ports ? ` ${ports}` : ''}`;
  },
  Ingress: (_, spec) => (spec.ingressClassName ? `class ${spec.ingressClassName}` : undefined),
  Gateway: (_, spec) => [`class ${spec.gatewayClassName}`, (spec.listeners ?? []).map((l: K8sObject) => `${l.name} ${l.protocol} :${l.port}`).join(', ')]
    .filter(Boolean).join('<br/>'),
  HTTPRoute: (_, spec) => (spec.hostnames?.length ? spec.hostnames.join(', ') : undefined),
  PersistentVolumeClaim: (_, spec) => claimDetails(spec),
  ConfigMap: (object) => dataKeys(object),
  Secret: (object) => dataKeys(object),
  NetworkPolicy: (_, spec) => {
    const types: string[] = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
    const denied = types.filter((t) => (t === 'Ingress' ? !spec.ingress?.length : !spec.egress?.length));
    return denied.length > 0 ? `denies all ${denied.map((t) => t.toLowerCase()).join(' and ')}` : undefined;
  },
};

/** The size and class of a claim: `1Gi, class standard`. */
const claimDetails = (spec: K8sObject): string =>
  [spec?.resources?.requests?.storage, spec?.storageClassName ? `class ${spec.storageClassName}` : undefined].filter(Boolean).join(', ');

const dataKeys = (object: K8sObject): string => Object.keys({ ...object.data, ...object.stringData, ...object.binaryData }).join(', ');

function objectLabel(object: K8sObject): string {
  const title = `${object.kind} ${object.metadata?.name ?? '(no name)'}`;
  const details = DETAILS[object.kind]?.(object, object.spec ?? {});
  return details ? `${title}<br/>${details}` : title;
}

/** A workload (or bare Pod) and the node of its pods. */
interface Workload {
  readonly object: K8sObject;
  readonly pods: string;
  readonly labels: Readonly<Record<string, unknown>>;
}

/** The objects being drawn, and how the renderers reach their nodes. */
class Drawing {
  readonly d = new Diagram();
  readonly workloads: Workload[] = [];
  private readonly declared: Set<string>;
  private readonly set: ManifestSet;
  private readonly manifestOf: Map<K8sObject, Manifest>;
  private readonly outOfBand = new Set<string>();
  private outside?: string;

  constructor(objects: readonly K8sObject[]) {
    this.declared = new Set(objects.filter((o) => o?.kind && o.metadata?.name).map((o) => keyOf(o.kind, o.metadata.namespace, o.metadata.name)));
    this.set = ManifestSet.fromObjects(objects);
    this.manifestOf = new Map(objects.map((o, i) => [o, this.set.manifests[i]]));
  }

  has(kind: string, namespace: string | undefined, name: string): boolean {
    return this.declared.has(keyOf(kind, namespace, name));
  }

  /**
   * The node of an object of the manifests, or a dashed node for one they only refer to: created
   * out of band when some object that refers to it (`from`) lists it in the external-refs
   * annotation, on itself, its pod template or its Namespace.
   */
  ref(kind: string, namespace: string | undefined, name: string, from: K8sObject): string {
    const key = keyOf(kind, namespace, name);
    const idHint = `${ID_PREFIX[kind] ?? kind.toLowerCase()}_${name}`;
    if (this.declared.has(key)) return this.d.node(key, idHint, '', 'rect', namespace);
    const referrer = this.manifestOf.get(from);
    if (referrer && this.set.isExternal(referrer, kind, name)) this.outOfBand.add(key);
    const label = `${kind} ${name}<br/>${this.outOfBand.has(key) ? 'created out of band' : 'not in these manifests'}`;
    const id = this.d.node(key, idHint, label, SHAPE_OF[kind] ?? 'rect', namespace, true);
    this.d.relabel(key, label);
    return id;
  }

  /** The pods of the workloads in a namespace whose labels match. */
  podsSelectedBy(namespace: string | undefined, match: (labels: Readonly<Record<string, unknown>>) => boolean): string[] {
    return this.workloads.filter((w) => w.object.metadata?.namespace === namespace && match(w.labels)).map((w) => w.pods);
  }

  /** An edge from the one node that stands for everything outside the cluster. */
  fromOutside(to: string, label: string): void {
    this.outside ??= this.d.node('outside', 'outside', 'outside the cluster', 'circle');
    this.d.edge(this.outside, to, label, false);
  }
}

/** Draws the edges that start at one object of a kind; `self` is its node. */
type EdgeRenderer = (object: K8sObject, self: () => string, drawing: Drawing) => void;

const drawIngress: EdgeRenderer = (o, self, drawing) => {
  const { d } = drawing;
  const spec = o.spec ?? {};
  const ns = o.metadata.namespace;
  drawing.fromOutside(self(), (spec.tls?.length ? 'HTTP, HTTPS' : 'HTTP'));
  const backend = (b: K8sObject, label: string) => {
    if (!b?.service?.name) return;
    const port = b.service.port?.number ?? b.service.port?.name;
    d.edge(self(), drawing.ref('Service', ns, b.service.name, o), `${label}${port !== undefined ? ` → :${port}` : ''}`, false);
  };
  if (spec.defaultBackend) backend(spec.defaultBackend, 'default');
  for (const rule of spec.rules ?? []) {
    for (const p of rule.http?.paths ?? []) backend(p.backend, `${rule.host ?? '*'}${p.path ?? '/'}`);
  }
  for (const tls of spec.tls ?? []) {
    if (tls.secretName) d.edge(self(), drawing.ref('Secret', ns, tls.secretName, o), `TLS ${(tls.hosts ?? []).join(' ')}`.trim(), true);
  }
};

const drawGateway: EdgeRenderer = (o, self, drawing) => {
  drawing.fromOutside(self(), [...new Set<string>((o.spec?.listeners ?? []).map((l: K8sObject) => `${l.protocol} :${l.port}`))].join(', '));
};

/** Traffic through an HTTPRoute: Gateway → route → Services, each with its share where a rule splits by weight. */
const drawHttpRoute: EdgeRenderer = (o, self, drawing) => {
  const { d } = drawing;
  const spec = o.spec ?? {};
  const ns = o.metadata.namespace;
  for (const parent of spec.parentRefs ?? []) {
    if ((parent.kind ?? 'Gateway') !== 'Gateway' || !parent.name) continue;
    d.edge(drawing.ref('Gateway', parent.namespace ?? ns, parent.name, o), self(), parent.sectionName ? `listener ${parent.sectionName}` : undefined, false);
  }
  const hosts: string[] = spec.hostnames?.length ? spec.hostnames : ['*'];
  for (const rule of spec.rules ?? []) {
    const paths: string[] = (rule.matches?.length ? rule.matches : [{}]).map((m: K8sObject) => m.path?.value ?? '/');
    const backends = (rule.backendRefs ?? []).filter((b: K8sObject) => (b.kind ?? 'Service') === 'Service' && b.name);
    const total = backends.reduce((sum: number, b: K8sObject) => sum + (b.weight ?? 1), 0);
    const where = hosts.flatMap((h) => paths.map((p) => `${h}${p}`)).join(' ');
    for (const b of backends) {
      const share = backends.length > 1 && total > 0 ? ` ${Math.round(((b.weight ?? 1) * 100) / total)}%` : '';
      d.edge(self(), drawing.ref('Service', b.namespace ?? ns, b.name, o), `${where} → :${b.port}${share}`, false);
    }
  }
};

const drawService: EdgeRenderer = (o, self, drawing) => {
  const { d } = drawing;
  const spec = o.spec ?? {};
  if (spec.type === 'ExternalName') {
    const target = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?\.?$/.exec(spec.externalName ?? '');
    const to = target && drawing.has('Service', target[2], target[1])
      ? drawing.ref('Service', target[2], target[1], o)
      : d.node(`dns/${spec.externalName}`, `dns_${spec.externalName}`, `DNS name ${spec.externalName}`, 'round', undefined, true);
    d.edge(self(), to, 'CNAME', true);
    return;
  }
  for (const p of spec.ports ?? []) {
    if (spec.type === 'NodePort') drawing.fromOutside(self(), p.nodePort ? `node port ${p.nodePort}` : 'node port');
    if (spec.type === 'LoadBalancer') drawing.fromOutside(self(), `load balancer :${p.port}`);
  }
  const ports = (spec.ports ?? []).map((p: K8sObject) => `:${p.port} → ${p.targetPort ?? p.port}`).join(', ');
  for (const pods of drawing.podsSelectedBy(o.metadata.namespace, (labels) => mapSelectorMatches(spec.selector, labels))) d.edge(self(), pods, ports, false);
};

/** The nodes a NetworkPolicy peer stands for: addresses, namespaces, or the pods it selects. */
function peerNodes(drawing: Drawing, namespace: string | undefined, peers: K8sObject[]): string[] {
  const { d } = drawing;
  if (peers.length === 0) return [d.node('anywhere', 'anywhere', 'any pod or address', 'round', undefined, true)];
  return peers.flatMap((peer) => {
    if (peer.ipBlock) return [d.node(`ip/${peer.ipBlock.cidr}`, `ip_${peer.ipBlock.cidr}`, `addresses ${peer.ipBlock.cidr}`, 'round', undefined, true)];
    if (peer.namespaceSelector) {
      const text = Object.entries(peer.namespaceSelector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'every namespace';
      return [d.node(`nssel/${text}`, `namespaces_${text}`, `pods in namespaces ${text}`, 'round', undefined, true)];
    }
    return drawing.podsSelectedBy(namespace, (labels) => selectorMatches(peer.podSelector ?? {}, labels));
  });
}

const drawNetworkPolicy: EdgeRenderer = (o, self, drawing) => {
  const { d } = drawing;
  const spec = o.spec ?? {};
  const ns = o.metadata.namespace;
  for (const pods of drawing.podsSelectedBy(ns, (labels) => selectorMatches(spec.podSelector ?? {}, labels))) d.edge(self(), pods, 'applies to', true);
  for (const direction of ['from', 'to'] as const) {
    for (const rule of (direction === 'from' ? spec.ingress : spec.egress) ?? []) {
      const ports = (rule.ports ?? []).map((p: K8sObject) => `:${p.port ?? 'any'}`).join(' ');
      const label = `${direction === 'from' ? 'may connect' : 'may be reached'}${ports ? ` ${ports}` : ''}`;
      for (const peer of peerNodes(drawing, ns, rule[direction] ?? [])) {
        if (direction === 'from') d.edge(peer, self(), label, true);
        else d.edge(self(), peer, label, true);
      }
    }
  }
};

const drawDisruptionBudget: EdgeRenderer = (o, self, drawing) => {
  const spec = o.spec ?? {};
  const label = spec.minAvailable !== undefined ? `keeps ${spec.minAvailable} available` : `at most ${spec.maxUnavailable} down`;
  for (const pods of drawing.podsSelectedBy(o.metadata.namespace, (labels) => selectorMatches(spec.selector ?? {}, labels))) drawing.d.edge(self(), pods, label, true);
};

const drawAutoscaler: EdgeRenderer = (o, self, drawing) => {
  const spec = o.spec ?? {};
  const target = spec.scaleTargetRef;
  if (target?.kind && target.name) drawing.d.edge(self(), drawing.ref(target.kind, o.metadata.namespace, target.name, o), `scales ${spec.minReplicas ?? 1}–${spec.maxReplicas}`, true);
};

const drawRoleBinding: EdgeRenderer = (o, self, drawing) => {
  const ns = o.metadata.namespace;
  if (o.roleRef?.name) drawing.d.edge(self(), drawing.ref(o.roleRef.kind ?? 'Role', o.roleRef.kind === 'ClusterRole' ? undefined : ns, o.roleRef.name, o), 'grants', true);
  for (const s of o.subjects ?? []) {
    if (s.kind === 'ServiceAccount') drawing.d.edge(self(), drawing.ref('ServiceAccount', s.namespace ?? ns, s.name, o), 'to', true);
  }
};

/** The edges each kind draws from its objects; kinds not listed draw none of their own. */
const EDGES: Readonly<Record<string, EdgeRenderer>> = {
  Ingress: drawIngress,
  Gateway: drawGateway,
  HTTPRoute: drawHttpRoute,
  Service: drawService,
  NetworkPolicy: drawNetworkPolicy,
  PodDisruptionBudget: drawDisruptionBudget,
  HorizontalPodAutoscaler: drawAutoscaler,
  RoleBinding: drawRoleBinding,
};

/** A StatefulSet's claims from volumeClaimTemplates, one node per template, mounted by its pods. */
function drawClaimTemplates(drawing: Drawing, { object, pods }: Workload): void {
  const spec = object.spec ?? {};
  const name = object.metadata.name;
  const ns = object.metadata.namespace;
  const n = spec.replicas ?? 1;
  for (const claim of spec.volumeClaimTemplates ?? []) {
    const claimName = claim.metadata?.name ?? 'data';
    const names = `${claimName}-${name}-0${n > 1 ? ` … ${claimName}-${name}-${n - 1}` : ''}`;
    const claims = drawing.d.node(`claims/${keyOf(object.kind, ns, name)}/${claimName}`, `pvc_${name}_${claimName}`,
      [`PersistentVolumeClaims ${names}`, 'one per pod, from volumeClaimTemplates', claimDetails(claim.spec)].filter(Boolean).join('<br/>'), 'cylinder', ns);
    drawing.d.edge(pods, claims, ['volume', ...mountPaths(podTemplateOf(object), claimName)].join(' '), true);
  }
}

/** A workload: the edge to its pods, a StatefulSet's Service and claims, and what the pods use. */
function drawWorkload(drawing: Drawing, workload: Workload): void {
  const { object, pods } = workload;
  const ns = object.metadata.namespace;
  const self = () => drawing.ref(object.kind, ns, object.metadata.name, object);
  if (object.kind !== 'Pod') drawing.d.edge(self(), pods, CREATES[object.kind]?.(object, object.spec?.replicas ?? 1) ?? '', false);
  if (object.kind === 'StatefulSet') {
    if (object.spec?.serviceName) drawing.d.edge(self(), drawing.ref('Service', ns, object.spec.serviceName, object), 'serviceName', true);
    drawClaimTemplates(drawing, workload);
  }
  for (const r of podRefs(podTemplateOf(object))) drawing.d.edge(pods, drawing.ref(r.kind, ns, r.name, object), r.how, true);
}

/** Draws the objects of one or more namespaces as a Mermaid flowchart. */
export function renderDiagram(objects: readonly K8sObject[]): string {
  const drawing = new Drawing(objects);
  const { d } = drawing;
  const named = objects.filter((o) => o?.kind && o.metadata?.name);
  for (const o of named) if (o.kind === 'Namespace') d.namespace(o.metadata.name);
  // Nodes first, in manifest order, so the drawing follows the file.
  for (const o of named.filter((x) => !FRAME_KINDS.has(x.kind))) {
    const ns = o.metadata.namespace;
    const template = podTemplateOf(o);
    if (o.kind === 'Pod') {
      // A bare Pod is drawn once, as its pods.
      const pods = d.node(keyOf('Pod', ns, o.metadata.name), `pod_${o.metadata.name}`, podsLabel(o), 'subroutine', ns);
      drawing.workloads.push({ object: o, pods, labels: template?.labels ?? {} });
      continue;
    }
    d.node(keyOf(o.kind, ns, o.metadata.name), `${ID_PREFIX[o.kind] ?? o.kind.toLowerCase()}_${o.metadata.name}`, objectLabel(o), SHAPE_OF[o.kind] ?? 'rect', ns);
    if (!template) continue;
    const pods = d.node(`pods/${keyOf(o.kind, ns, o.metadata.name)}`, `pods_${o.metadata.name}`, podsLabel(o), 'subroutine', ns);
    drawing.workloads.push({ object: o, pods, labels: template.labels });
  }
  for (const o of named) EDGES[o.kind]?.(o, () => drawing.ref(o.kind, o.metadata.namespace, o.metadata.name, o), drawing);
  for (const w of drawing.workloads) drawWorkload(drawing, w);
  return d.render();
}

/** The sentence under every diagram that says how to read it. */
export const DIAGRAM_LEGEND = 'Solid arrows: traffic, or an object that creates another. Dotted arrows: a reference '
  + '(configuration, volume, identity, policy). Dashed boxes: objects the manifests refer to but do not contain.';
