// What the e2e suite asserts about an applied example, as pure functions of what the API server
// returned: each returns the list of problems it finds (empty: the check passed). Kept apart from
// kubectl so that __tests__/control-plane/checks.test.ts can show, on made-up objects, that each
// check finds the fault it is for.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

export interface Live {
  namespace: Obj | undefined;
  /** Every object of the namespace, by `Kind/name`, plus cluster-scoped objects of the example. */
  objects: Map<string, Obj>;
  pods: Obj[];
  replicaSets: Obj[];
  events: Obj[];
  endpointSlices: Obj[];
  claims: Obj[];
  nodes: Obj[];
}

export const key = (o: Obj): string => `${o.kind}/${o.metadata?.name}`;

const owned = (child: Obj, owner: Obj): boolean => (child.metadata?.ownerReferences ?? []).some((r: Obj) => r.uid === owner.metadata?.uid && r.controller);

export const isReady = (pod: Obj): boolean => (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');

export function matchesSelector(selector: Obj, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const matchLabels = selector.matchLabels ?? (selector.matchExpressions ? {} : selector);
  for (const [k, v] of Object.entries(matchLabels)) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Every object of the manifests exists in the cluster. */
export function checkAccepted(manifests: Obj[], live: Live): string[] {
  return manifests.filter((m) => !live.objects.has(key(m))).map((m) => `${key(m)} is in the manifests but not in the cluster`);
}

/** The namespace enforces the Pod Security Standard "restricted". */
export function checkPodSecurity(namespace: Obj | undefined, name: string): string[] {
  if (!namespace) return [`namespace ${name} does not exist`];
  const level = namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
  return level === 'restricted' ? [] : [`namespace ${name} enforces Pod Security "${level ?? 'nothing'}", not "restricted"`];
}

/** No controller failed to create a pod (Pod Security admission, quota, a missing ServiceAccount...). */
export function checkAdmitted(events: Obj[]): string[] {
  return events.filter((e) => e.reason === 'FailedCreate')
    .map((e) => `${e.involvedObject?.kind}/${e.involvedObject?.name} could not create a pod: ${e.message}`);
}

/** Each Deployment rolled out: one ReplicaSet with pods, every replica updated, ready and available. */
export function checkDeployments(deployments: Obj[], live: Live): string[] {
  const problems: string[] = [];
  for (const d of deployments) {
    const name = `Deployment/${d.metadata.name}`;
    const want = d.spec?.replicas ?? 1;
    const s = d.status ?? {};
    if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 1)) problems.push(`${name}: the controller has not seen generation ${d.metadata.generation}`);
    for (const field of ['updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) {
      if ((s[field] ?? 0) !== want) problems.push(`${name}: ${field} is ${s[field] ?? 0}, want ${want}`);
    }
    const sets = live.replicaSets.filter((rs) => owned(rs, d) && (rs.spec?.replicas ?? 0) > 0);
    if (sets.length !== 1) {
      problems.push(`${name}: ${sets.length} ReplicaSets with replicas, want 1`);
      continue;
    }
    const pods = live.pods.filter((p) => owned(p, sets[0]) && !p.metadata.deletionTimestamp);
    const ready = pods.filter(isReady);
    if (ready.length !== want) problems.push(`${name}: ${ready.length} of ${pods.length} pods of ReplicaSet ${sets[0].metadata.name} Ready, want ${want}`);
  }
  return problems;
}

/** Each StatefulSet's pods exist as ordinals 0..n-1, each created after the one before was Ready, with one Bound claim per template. */
export function checkStatefulSets(statefulSets: Obj[], live: Live): string[] {
  const problems: string[] = [];
  for (const s of statefulSets) {
    const name = s.metadata.name;
    const want = s.spec?.replicas ?? 1;
    const pods = Array.from({ length: want }, (_, i) => live.pods.find((p) => p.metadata.name === `${name}-${i}` && owned(p, s)));
    let previous: Obj | undefined;
    pods.forEach((pod, i) => {
      if (!pod) { problems.push(`StatefulSet/${name}: pod ${name}-${i} does not exist`); return; }
      if (!isReady(pod)) problems.push(`StatefulSet/${name}: pod ${name}-${i} is not Ready`);
      if (previous && (s.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady') {
        const readyAt = (previous.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready')?.lastTransitionTime;
        if (!readyAt || Date.parse(pod.metadata.creationTimestamp) < Date.parse(readyAt)) {
          problems.push(`StatefulSet/${name}: ${name}-${i} was created before ${name}-${i - 1} was Ready`);
        }
      }
      for (const t of s.spec?.volumeClaimTemplates ?? []) {
        const claimName = `${t.metadata.name}-${name}-${i}`;
        const claim = live.claims.find((c) => c.metadata.name === claimName);
        if (!claim) problems.push(`StatefulSet/${name}: claim ${claimName} does not exist`);
        else if (claim.status?.phase !== 'Bound') problems.push(`StatefulSet/${name}: claim ${claimName} is ${claim.status?.phase}, not Bound`);
        const mounted = (pod.spec?.volumes ?? []).some((v: Obj) => v.persistentVolumeClaim?.claimName === claimName);
        if (!mounted) problems.push(`StatefulSet/${name}: pod ${name}-${i} has no volume of claim ${claimName}`);
      }
      previous = pod;
    });
    const extra = live.claims.filter((c) => (s.spec?.volumeClaimTemplates ?? []).some((t: Obj) => c.metadata.name.startsWith(`${t.metadata.name}-${name}-`))
      && !pods.some((p, i) => p && (s.spec.volumeClaimTemplates as Obj[]).some((t) => c.metadata.name === `${t.metadata.name}-${name}-${i}`)));
    for (const c of extra) problems.push(`StatefulSet/${name}: claim ${c.metadata.name} belongs to no ordinal`);
  }
  return problems;
}

function tolerates(tolerations: Obj[] = [], taint: Obj): boolean {
  return tolerations.some((t) => (t.operator === 'Exists' ? (!t.key || t.key === taint.key) : t.key === taint.key && (t.value ?? '') === (taint.value ?? ''))
    && (!t.effect || t.effect === taint.effect));
}

/** The nodes a pod template may run on, judged by nodeSelector and taints (NoSchedule, NoExecute). */
export function eligibleNodes(podSpec: Obj, nodes: Obj[]): Obj[] {
  return nodes.filter((n) => matchesSelector(podSpec?.nodeSelector ?? {}, n.metadata?.labels)
    && (n.spec?.taints ?? []).filter((t: Obj) => t.effect !== 'PreferNoSchedule').every((t: Obj) => tolerates(podSpec?.tolerations, t)));
}

/** Each DaemonSet has exactly one Ready pod on every node it may run on. */
export function checkDaemonSets(daemonSets: Obj[], live: Live): string[] {
  const problems: string[] = [];
  for (const d of daemonSets) {
    const name = `DaemonSet/${d.metadata.name}`;
    const nodes = eligibleNodes(d.spec?.template?.spec, live.nodes).map((n) => n.metadata.name);
    if (nodes.length === 0) problems.push(`${name}: may run on no node`);
    const pods = live.pods.filter((p) => owned(p, d) && !p.metadata.deletionTimestamp);
    for (const node of nodes) {
      const here = pods.filter((p) => p.spec?.nodeName === node);
      if (here.length !== 1) problems.push(`${name}: ${here.length} pods on node ${node}, want 1`);
      else if (!isReady(here[0])) problems.push(`${name}: its pod on node ${node} is not Ready`);
    }
    for (const p of pods.filter((pod) => !nodes.includes(pod.spec?.nodeName))) problems.push(`${name}: pod ${p.metadata.name} on unexpected node ${p.spec?.nodeName}`);
  }
  return problems;
}

/** Pods of a workload with topology spread constraints or required anti-affinity are spread as asked. */
export function checkSpread(workloads: Obj[], live: Live): string[] {
  const problems: string[] = [];
  const nodeLabels = new Map(live.nodes.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  for (const w of workloads) {
    const spec = w.spec?.template?.spec;
    const name = `${w.kind}/${w.metadata.name}`;
    const ns = w.metadata.namespace;
    const constraints: Array<{ topologyKey: string; maxSkew: number; labelSelector: Obj; what: string }> = [
      ...(spec?.topologySpreadConstraints ?? []).map((c: Obj) => ({ ...c, what: `topologySpreadConstraint ${c.topologyKey} maxSkew ${c.maxSkew}` })),
      ...(spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
        .map((t: Obj) => ({ topologyKey: t.topologyKey, maxSkew: 0, labelSelector: t.labelSelector, what: `required podAntiAffinity on ${t.topologyKey}` })),
    ];
    for (const c of constraints) {
      const pods = live.pods.filter((p) => p.metadata.namespace === ns && !p.metadata.deletionTimestamp && matchesSelector(c.labelSelector, p.metadata.labels));
      const domains = new Map<string, number>();
      for (const n of eligibleNodes(spec, live.nodes)) {
        const v = n.metadata.labels?.[c.topologyKey];
        if (v !== undefined) domains.set(v, 0);
      }
      for (const p of pods) {
        const v = nodeLabels.get(p.spec?.nodeName)?.[c.topologyKey];
        if (v === undefined) { problems.push(`${name}: pod ${p.metadata.name} is on a node without ${c.topologyKey}`); continue; }
        domains.set(v, (domains.get(v) ?? 0) + 1);
      }
      const counts = [...domains.values()];
      if (c.maxSkew === 0) {
        const crowded = [...domains.entries()].filter(([, n]) => n > 1);
        if (crowded.length > 0) problems.push(`${name}: ${c.what}: ${crowded.map(([d, n]) => `${n} pods in ${d}`).join(', ')}`);
      } else if (counts.length > 0 && Math.max(...counts) - Math.min(...counts) > c.maxSkew) {
        problems.push(`${name}: ${c.what}: pods per ${c.topologyKey} are ${[...domains.entries()].map(([d, n]) => `${d}=${n}`).join(', ')}`);
      }
    }
  }
  return problems;
}

/** Every Service with a selector has EndpointSlices listing exactly the Ready pods it selects, and selects at least one. */
export function checkEndpoints(services: Obj[], live: Live): string[] {
  const problems: string[] = [];
  for (const svc of services.filter((s) => s.spec?.selector && s.spec?.type !== 'ExternalName')) {
    const name = `Service/${svc.metadata.name}`;
    const selected = live.pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && !p.metadata.deletionTimestamp
      && matchesSelector(svc.spec.selector, p.metadata.labels));
    const want = selected.filter((p) => isReady(p) || svc.spec.publishNotReadyAddresses).map((p) => p.metadata.name).sort();
    if (want.length === 0) { problems.push(`${name} selects no Ready pod`); continue; }
    const slices = live.endpointSlices.filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === svc.metadata.name);
    const listed = [...new Set(slices.flatMap((s) => (s.endpoints ?? [])
      .filter((e: Obj) => e.conditions?.ready !== false || svc.spec.publishNotReadyAddresses)
      .map((e: Obj) => e.targetRef?.name)))].sort();
    if (JSON.stringify(listed) !== JSON.stringify(want)) problems.push(`${name}: EndpointSlices list [${listed.join(', ')}], want the Ready pods it selects [${want.join(', ')}]`);
    const ports = slices.flatMap((s) => s.ports ?? []).length;
    if (slices.length > 0 && ports === 0 && (svc.spec.ports ?? []).length > 0) problems.push(`${name}: EndpointSlices list no port`);
  }
  return problems;
}

/** Every Ingress backend names a Service of the namespace and a port it has. */
export function checkIngressBackends(ingresses: Obj[], live: Live): string[] {
  const problems: string[] = [];
  for (const ing of ingresses) {
    const backends = [ing.spec?.defaultBackend, ...(ing.spec?.rules ?? []).flatMap((r: Obj) => (r.http?.paths ?? []).map((p: Obj) => p.backend))].filter(Boolean);
    for (const b of backends.filter((x: Obj) => x.service)) {
      const svc = live.objects.get(`Service/${b.service.name}`);
      const where = `Ingress/${ing.metadata.name} → ${b.service.name}:${b.service.port?.number ?? b.service.port?.name}`;
      if (!svc) { problems.push(`${where}: no such Service`); continue; }
      const ok = (svc.spec?.ports ?? []).some((p: Obj) => (b.service.port?.number !== undefined ? p.port === b.service.port.number : p.name === b.service.port?.name));
      if (!ok) problems.push(`${where}: the Service has no such port`);
    }
  }
  return problems;
}

/** On the simulated cluster: every pod's node address is 127.0.0.1 and its own IP in the pod range nothing dials. */
export function checkSimulatedAddresses(pods: Obj[], podPrefix: string): string[] {
  return pods.filter((p) => p.status?.phase === 'Running').flatMap((p) => [
    ...(p.status?.hostIP === '127.0.0.1' ? [] : [`Pod/${p.metadata.name}: hostIP ${p.status?.hostIP}, want 127.0.0.1`]),
    ...(typeof p.status?.podIP === 'string' && p.status.podIP.startsWith(podPrefix) ? [] : [`Pod/${p.metadata.name}: podIP ${p.status?.podIP} is outside ${podPrefix}*`]),
  ]);
}
