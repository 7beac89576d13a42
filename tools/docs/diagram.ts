// Draws how the objects of one example connect, as a Mermaid flowchart (GitHub renders it):
// Ingress → Service → workload → pods, and the pods' ConfigMaps, Secrets, volume claims and
// ServiceAccount, with the policies (NetworkPolicy, PodDisruptionBudget, autoscaler) that act on
// them. The input is the synthesized objects, so the picture cannot disagree with the manifests.
import {
  K8sObject, WORKLOAD_KINDS, containersOf, externalRefs, kindName, labelSelectorMatches, matchesLabels, podRefs, podTemplate,
} from '../manifests';

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

/** What a pods node says about the pods of a workload. */
function podsLabel(object: K8sObject): string {
  const name = object.metadata?.name ?? '';
  const spec = podTemplate(object)?.spec;
  let title: string;
  switch (object.kind) {
    case 'Pod': title = `Pod ${name}`; break;
    case 'StatefulSet': {
      const n = object.spec?.replicas ?? 1;
      title = `pods ${name}-0${n > 1 ? ` … ${name}-${n - 1}` : ''}`;
      break;
    }
    case 'DaemonSet': title = `pods ${name}-…, one per node`; break;
    default: title = `pods ${name}-…`;
  }
  const containers = containersOf(spec).map(({ container, role }) => {
    const ports = (container.ports ?? []).map((p: K8sObject) => `:${p.containerPort}`).join(' ');
    const prefix = role === 'container' ? '' : `${role} `;
    return `${prefix}${container.name}: ${container.image ?? '(no image)'}${ports ? ` ${ports}` : ''}`;
  });
  return [title, ...containers].join('<br/>');
}

/** How a workload makes its pods, as the label of the edge between them. */
function createsLabel(object: K8sObject): string {
  const replicas = object.spec?.replicas ?? 1;
  switch (object.kind) {
    case 'Deployment': return `ReplicaSet, ${replicas} ${replicas === 1 ? 'replica' : 'replicas'}`;
    case 'ReplicaSet': case 'ReplicationController': return `${replicas} ${replicas === 1 ? 'replica' : 'replicas'}`;
    case 'StatefulSet': return `${replicas} ${replicas === 1 ? 'replica' : 'replicas'}, in order`;
    case 'DaemonSet': return 'one per node';
    case 'Job': return 'runs to completion';
    case 'CronJob': return `a Job on schedule ${object.spec?.schedule ?? '?'}`;
    default: return '';
  }
}

function objectLabel(object: K8sObject): string {
  const name = object.metadata?.name ?? '(no name)';
  const title = `${object.kind} ${name}`;
  const spec = object.spec ?? {};
  switch (object.kind) {
    case 'Service': {
      if (spec.type === 'ExternalName') return `${title}<br/>ExternalName → ${spec.externalName}`;
      const type = spec.clusterIP === 'None' ? 'headless' : (spec.type ?? 'ClusterIP');
      const ports = (spec.ports ?? []).map((p: K8sObject) => (p.nodePort ? `:${p.port} node :${p.nodePort}` : `:${p.port}`)).join(' ');
      return `${title}<br/>${type}${ports ? ` ${ports}` : ''}`;
    }
    case 'Ingress':
      return spec.ingressClassName ? `${title}<br/>class ${spec.ingressClassName}` : title;
    case 'Gateway': {
      const listeners = (spec.listeners ?? []).map((l: K8sObject) => `${l.name} ${l.protocol} :${l.port}`).join(', ');
      return [title, `class ${spec.gatewayClassName}`, listeners].filter(Boolean).join('<br/>');
    }
    case 'HTTPRoute':
      return spec.hostnames?.length ? `${title}<br/>${spec.hostnames.join(', ')}` : title;
    case 'PersistentVolumeClaim':
      return [title, [spec.resources?.requests?.storage, spec.storageClassName ? `class ${spec.storageClassName}` : undefined].filter(Boolean).join(', ')]
        .filter(Boolean).join('<br/>');
    case 'ConfigMap': case 'Secret': {
      const keys = Object.keys({ ...object.data, ...object.stringData, ...object.binaryData });
      return keys.length > 0 ? `${title}<br/>${keys.join(', ')}` : title;
    }
    case 'NetworkPolicy': {
      const types: string[] = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
      const denied = types.filter((t) => (t === 'Ingress' ? !spec.ingress?.length : !spec.egress?.length));
      return denied.length > 0 ? `${title}<br/>denies all ${denied.map((t) => t.toLowerCase()).join(' and ')}` : title;
    }
    default:
      return title;
  }
}

/** Draws the objects of one or more namespaces as a Mermaid flowchart. */
export function renderDiagram(objects: readonly K8sObject[]): string {
  const d = new Diagram();
  const declared = new Set(objects.filter((o) => o?.kind && o.metadata?.name).map((o) => keyOf(o.kind, o.metadata.namespace, o.metadata.name)));
  const outOfBand = externalRefs(objects);
  const nsOf = (o: K8sObject): string | undefined => o.metadata?.namespace;

  for (const o of objects) if (o?.kind === 'Namespace' && o.metadata?.name) d.namespace(o.metadata.name);

  /** The node of an object of the manifests, or a dashed node for one they only refer to. */
  const ref = (kind: string, namespace: string | undefined, name: string): string => {
    const key = keyOf(kind, namespace, name);
    const prefix = ID_PREFIX[kind] ?? kind.toLowerCase();
    if (declared.has(key)) return d.node(key, `${prefix}_${name}`, '', 'rect', namespace);
    const created = outOfBand.get(namespace ?? '')?.has(kindName(kind, name));
    const note = created ? 'created out of band' : 'not in these manifests';
    return d.node(key, `${prefix}_${name}`, `${kind} ${name}<br/>${note}`, SHAPE_OF[kind] ?? 'rect', namespace, true);
  };

  // Nodes first, in manifest order, so the drawing follows the file.
  const workloads: Array<{ object: K8sObject; pods: string; labels: Record<string, string> }> = [];
  for (const o of objects) {
    if (!o?.kind || !o.metadata?.name || FRAME_KINDS.has(o.kind)) continue;
    const ns = nsOf(o);
    const prefix = ID_PREFIX[o.kind] ?? o.kind.toLowerCase();
    const template = podTemplate(o);
    if (o.kind === 'Pod') {
      const pods = d.node(keyOf('Pod', ns, o.metadata.name), `pod_${o.metadata.name}`, podsLabel(o), 'subroutine', ns);
      workloads.push({ object: o, pods, labels: template?.labels ?? {} });
      continue;
    }
    d.node(keyOf(o.kind, ns, o.metadata.name), `${prefix}_${o.metadata.name}`, objectLabel(o), SHAPE_OF[o.kind] ?? 'rect', ns);
    if (template && WORKLOAD_KINDS.includes(o.kind)) {
      const pods = d.node(`pods/${keyOf(o.kind, ns, o.metadata.name)}`, `pods_${o.metadata.name}`, podsLabel(o), 'subroutine', ns);
      workloads.push({ object: o, pods, labels: template.labels });
    }
  }

  const podsSelectedBy = (namespace: string | undefined, match: (labels: Record<string, string>) => boolean) =>
    workloads.filter((w) => nsOf(w.object) === namespace && match(w.labels));

  let outside: string | undefined;
  const fromOutside = (to: string, label: string) => {
    outside ??= d.node('outside', 'outside', 'outside the cluster', 'circle');
    d.edge(outside, to, label, false);
  };

  for (const o of objects) {
    if (!o?.kind || !o.metadata?.name) continue;
    const ns = nsOf(o);
    const self = () => ref(o.kind, ns, o.metadata.name);
    const spec = o.spec ?? {};
    switch (o.kind) {
      case 'Ingress': {
        fromOutside(self(), (spec.tls?.length ? 'HTTP, HTTPS' : 'HTTP'));
        const backend = (b: K8sObject, label: string) => {
          if (!b?.service?.name) return;
          const port = b.service.port?.number ?? b.service.port?.name;
          d.edge(self(), ref('Service', ns, b.service.name), `${label}${port !== undefined ? ` → :${port}` : ''}`, false);
        };
        if (spec.defaultBackend) backend(spec.defaultBackend, 'default');
        for (const rule of spec.rules ?? []) {
          for (const p of rule.http?.paths ?? []) backend(p.backend, `${rule.host ?? '*'}${p.path ?? '/'}`);
        }
        for (const tls of spec.tls ?? []) {
          if (tls.secretName) d.edge(self(), ref('Secret', ns, tls.secretName), `TLS ${(tls.hosts ?? []).join(' ')}`.trim(), true);
        }
        break;
      }
      case 'Gateway':
        fromOutside(self(), [...new Set<string>((spec.listeners ?? []).map((l: K8sObject) => `${l.protocol} :${l.port}`))].join(', '));
        break;
      case 'HTTPRoute': {
        // Traffic: Gateway → route → Services, each with its share where a rule splits by weight.
        for (const parent of spec.parentRefs ?? []) {
          if ((parent.kind ?? 'Gateway') !== 'Gateway' || !parent.name) continue;
          d.edge(ref('Gateway', parent.namespace ?? ns, parent.name), self(), parent.sectionName ? `listener ${parent.sectionName}` : undefined, false);
        }
        const hosts: string[] = spec.hostnames?.length ? spec.hostnames : ['*'];
        for (const rule of spec.rules ?? []) {
          const paths = (rule.matches?.length ? rule.matches : [{}]).map((m: K8sObject) => m.path?.value ?? '/');
          const backends = (rule.backendRefs ?? []).filter((b: K8sObject) => (b.kind ?? 'Service') === 'Service' && b.name);
          const total = backends.reduce((sum: number, b: K8sObject) => sum + (b.weight ?? 1), 0);
          for (const b of backends) {
            const share = backends.length > 1 && total > 0 ? ` ${Math.round(((b.weight ?? 1) * 100) / total)}%` : '';
            const where = hosts.flatMap((h) => paths.map((p: string) => `${h}${p}`)).join(' ');
            d.edge(self(), ref('Service', b.namespace ?? ns, b.name), `${where} → :${b.port}${share}`, false);
          }
        }
        break;
      }
      case 'Service': {
        if (spec.type === 'ExternalName') {
          const target = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?\.?$/.exec(spec.externalName ?? '');
          const to = target && declared.has(keyOf('Service', target[2], target[1]))
            ? ref('Service', target[2], target[1])
            : d.node(`dns/${spec.externalName}`, `dns_${spec.externalName}`, `DNS name ${spec.externalName}`, 'round', undefined, true);
          d.edge(self(), to, 'CNAME', true);
          break;
        }
        for (const p of spec.ports ?? []) {
          if (spec.type === 'NodePort' && p.nodePort) fromOutside(self(), `node port ${p.nodePort}`);
          if (spec.type === 'NodePort' && !p.nodePort) fromOutside(self(), 'node port');
          if (spec.type === 'LoadBalancer') fromOutside(self(), `load balancer :${p.port}`);
        }
        const ports = (spec.ports ?? []).map((p: K8sObject) => `:${p.port} → ${p.targetPort ?? p.port}`).join(', ');
        for (const w of podsSelectedBy(ns, (labels) => matchesLabels(spec.selector, labels))) d.edge(self(), w.pods, ports, false);
        break;
      }
      case 'NetworkPolicy': {
        const targets = podsSelectedBy(ns, (labels) => labelSelectorMatches(spec.podSelector, labels));
        for (const w of targets) d.edge(self(), w.pods, 'applies to', true);
        const peers = (list: K8sObject[] | undefined, direction: 'from' | 'to') => {
          for (const rule of list ?? []) {
            const ports = (rule.ports ?? []).map((p: K8sObject) => `:${p.port ?? 'any'}`).join(' ');
            const label = `${direction === 'from' ? 'may connect' : 'may be reached'}${ports ? ` ${ports}` : ''}`;
            const peerNodes: string[] = [];
            const peerList: K8sObject[] = rule[direction] ?? [];
            if (peerList.length === 0) peerNodes.push(d.node('anywhere', 'anywhere', 'any pod or address', 'round', undefined, true));
            for (const peer of peerList) {
              if (peer.ipBlock) {
                peerNodes.push(d.node(`ip/${peer.ipBlock.cidr}`, `ip_${peer.ipBlock.cidr}`, `addresses ${peer.ipBlock.cidr}`, 'round', undefined, true));
              } else if (peer.namespaceSelector) {
                const text = Object.entries(peer.namespaceSelector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'every namespace';
                peerNodes.push(d.node(`nssel/${text}`, `namespaces_${text}`, `pods in namespaces ${text}`, 'round', undefined, true));
              } else {
                peerNodes.push(...podsSelectedBy(ns, (labels) => labelSelectorMatches(peer.podSelector, labels)).map((w) => w.pods));
              }
            }
            for (const peer of peerNodes) {
              if (direction === 'from') d.edge(peer, self(), label, true);
              else d.edge(self(), peer, label, true);
            }
          }
        };
        peers(spec.ingress, 'from');
        peers(spec.egress, 'to');
        break;
      }
      case 'PodDisruptionBudget': {
        const label = spec.minAvailable !== undefined ? `keeps ${spec.minAvailable} available` : `at most ${spec.maxUnavailable} down`;
        for (const w of podsSelectedBy(ns, (labels) => labelSelectorMatches(spec.selector, labels))) d.edge(self(), w.pods, label, true);
        break;
      }
      case 'HorizontalPodAutoscaler': {
        const target = spec.scaleTargetRef;
        if (target?.kind && target.name) d.edge(self(), ref(target.kind, ns, target.name), `scales ${spec.minReplicas ?? 1}–${spec.maxReplicas}`, true);
        break;
      }
      case 'RoleBinding': {
        if (o.roleRef?.name) d.edge(self(), ref(o.roleRef.kind ?? 'Role', o.roleRef.kind === 'ClusterRole' ? undefined : ns, o.roleRef.name), 'grants', true);
        for (const s of o.subjects ?? []) {
          if (s.kind === 'ServiceAccount') d.edge(self(), ref('ServiceAccount', s.namespace ?? ns, s.name), 'to', true);
        }
        break;
      }
      default:
        break;
    }
  }

  for (const { object, pods } of workloads) {
    const ns = nsOf(object);
    const template = podTemplate(object);
    if (object.kind !== 'Pod') d.edge(ref(object.kind, ns, object.metadata.name), pods, createsLabel(object), false);
    if (object.kind === 'StatefulSet') {
      const spec = object.spec ?? {};
      if (spec.serviceName) d.edge(ref(object.kind, ns, object.metadata.name), ref('Service', ns, spec.serviceName), 'serviceName', true);
      for (const claim of spec.volumeClaimTemplates ?? []) {
        const claimName = claim.metadata?.name ?? 'data';
        const details = [claim.spec?.resources?.requests?.storage, claim.spec?.storageClassName ? `class ${claim.spec.storageClassName}` : undefined]
          .filter(Boolean).join(', ');
        const n = spec.replicas ?? 1;
        const names = `${claimName}-${object.metadata.name}-0${n > 1 ? ` … ${claimName}-${object.metadata.name}-${n - 1}` : ''}`;
        const claims = d.node(`claims/${keyOf(object.kind, ns, object.metadata.name)}/${claimName}`, `pvc_${object.metadata.name}_${claimName}`,
          [`PersistentVolumeClaims ${names}`, 'one per pod, from volumeClaimTemplates', details].filter(Boolean).join('<br/>'), 'cylinder', ns);
        const mounts = [...new Set(containersOf(template?.spec).flatMap(({ container }) =>
          (container.volumeMounts ?? []).filter((m: K8sObject) => m.name === claimName).map((m: K8sObject) => m.mountPath as string)))];
        d.edge(pods, claims, ['volume', ...mounts].join(' '), true);
      }
    }
    for (const r of podRefs(template?.spec)) d.edge(pods, ref(r.kind, ns, r.name), r.how, true);
  }

  return d.render();
}

/** The sentence under every diagram that says how to read it. */
export const DIAGRAM_LEGEND = 'Solid arrows: traffic, or an object that creates another. Dotted arrows: a reference '
  + '(configuration, volume, identity, policy). Dashed boxes: objects the manifests refer to but do not contain.';
