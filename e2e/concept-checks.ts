// What the e2e suite asserts about the objects that the API server and its controllers judge
// beyond a rollout: ResourceQuotas, PodDisruptionBudgets, Jobs, HorizontalPodAutoscalers, init
// containers and Gateway API status. Pure functions of what the API returned, each giving the
// list of problems it finds (empty: the check passed); __tests__/control-plane/concept-checks.test.ts
// shows on made-up objects that each finds the fault it is for.
import { Live, Obj, isReady, matchesSelector } from './checks';

/** A quantity as a number of its base unit (bytes, cores, count): enough to compare two of them. */
export function quantity(value: string | number | undefined): number {
  if (value === undefined) return NaN;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(value));
  if (!m) return NaN;
  const units: Record<string, number> = {
    '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
  };
  const unit = units[m[2]];
  return unit === undefined ? NaN : Number(m[1]) * unit;
}

/**
 * The namespace has at least one ResourceQuota; the quota controller has counted each one
 * (status.hard is spec.hard), and what is used is within what is allowed.
 */
export function checkQuotas(quotas: Obj[], namespace: string): string[] {
  if (quotas.length === 0) return [`namespace ${namespace} has no ResourceQuota`];
  const problems: string[] = [];
  for (const q of quotas) {
    const name = `ResourceQuota/${q.metadata.name}`;
    const hard: Record<string, string> = q.spec?.hard ?? {};
    const counted: Record<string, string> = q.status?.hard ?? {};
    const used: Record<string, string> = q.status?.used ?? {};
    for (const [resource, limit] of Object.entries(hard)) {
      if (counted[resource] === undefined || quantity(counted[resource]) !== quantity(limit)) {
        problems.push(`${name}: ${resource} not counted yet (status.hard ${counted[resource] ?? 'missing'}, spec.hard ${limit})`);
      } else if (used[resource] === undefined) {
        problems.push(`${name}: no status.used for ${resource}`);
      } else if (quantity(used[resource]) > quantity(limit)) {
        problems.push(`${name}: ${resource} uses ${used[resource]}, more than ${limit}`);
      }
    }
  }
  return problems;
}

/**
 * Each PodDisruptionBudget selects pods, the disruption controller has seen its generation and
 * counted exactly the pods it selects, all of them healthy, and it allows at least one
 * disruption: at rest, a drain can make progress.
 */
export function checkDisruptionBudgets(pdbs: Obj[], live: Live): string[] {
  const problems: string[] = [];
  for (const b of pdbs) {
    const name = `PodDisruptionBudget/${b.metadata.name}`;
    const selected = live.pods.filter((p) => p.metadata.namespace === b.metadata.namespace && !p.metadata.deletionTimestamp
      && matchesSelector(b.spec?.selector, p.metadata.labels));
    const s = b.status ?? {};
    if (selected.length === 0) { problems.push(`${name} selects no pod`); continue; }
    if ((s.observedGeneration ?? 0) < (b.metadata.generation ?? 1)) { problems.push(`${name}: the controller has not seen generation ${b.metadata.generation}`); continue; }
    if (s.expectedPods !== selected.length) problems.push(`${name}: expectedPods is ${s.expectedPods ?? 0}, but it selects ${selected.length} pods`);
    const healthy = selected.filter(isReady).length;
    if (s.currentHealthy !== healthy) problems.push(`${name}: currentHealthy is ${s.currentHealthy ?? 0}, ${healthy} of its pods are Ready`);
    if (healthy < selected.length) problems.push(`${name}: ${selected.length - healthy} of its ${selected.length} pods are not Ready`);
    else if ((s.disruptionsAllowed ?? 0) < 1) problems.push(`${name}: allows ${s.disruptionsAllowed ?? 0} disruptions with every pod healthy: a drain could never evict one`);
  }
  return problems;
}

const condition = (o: Obj, type: string): Obj | undefined => (o.status?.conditions ?? []).find((c: Obj) => c.type === type);

/** Each Job completed: condition Complete, as many succeeded pods as completions, and for an Indexed Job every index. */
export function checkJobs(jobs: Obj[]): string[] {
  const problems: string[] = [];
  for (const j of jobs) {
    const name = `Job/${j.metadata.name}`;
    const completions = j.spec?.completions ?? 1;
    const failed = condition(j, 'Failed');
    if (failed?.status === 'True') { problems.push(`${name} failed: ${failed.reason}: ${failed.message}`); continue; }
    if (condition(j, 'Complete')?.status !== 'True') { problems.push(`${name} is not Complete (succeeded ${j.status?.succeeded ?? 0} of ${completions})`); continue; }
    if ((j.status?.succeeded ?? 0) !== completions) problems.push(`${name}: ${j.status?.succeeded ?? 0} pods succeeded, want ${completions}`);
    const all = completions === 1 ? '0' : `0-${completions - 1}`;
    if (j.spec?.completionMode === 'Indexed' && j.status?.completedIndexes !== all) problems.push(`${name}: completed indexes ${j.status?.completedIndexes ?? 'none'}, want ${all}`);
  }
  return problems;
}

/**
 * Each HorizontalPodAutoscaler found its target (condition AbleToScale True: the controller read
 * the target's scale subresource) and holds it within minReplicas..maxReplicas.
 */
export function checkAutoscalers(hpas: Obj[], live: Live): string[] {
  const problems: string[] = [];
  for (const h of hpas) {
    const name = `HorizontalPodAutoscaler/${h.metadata.name}`;
    const ref = h.spec?.scaleTargetRef ?? {};
    const able = condition(h, 'AbleToScale');
    if (able?.status !== 'True') { problems.push(`${name}: AbleToScale is ${able?.status ?? 'not set'}${able ? ` (${able.reason}: ${able.message})` : ''}`); continue; }
    const target = live.objects.get(`${ref.kind}/${ref.name}`);
    if (!target) { problems.push(`${name}: its target ${ref.kind}/${ref.name} is not in the namespace`); continue; }
    const replicas = target.spec?.replicas ?? 1;
    const min = h.spec?.minReplicas ?? 1;
    if (replicas < min || replicas > h.spec?.maxReplicas) problems.push(`${name}: ${ref.kind}/${ref.name} has ${replicas} replicas, outside ${min}..${h.spec?.maxReplicas}`);
  }
  return problems;
}

/**
 * Every pod with classic init containers (no restartPolicy Always) got past them: each one
 * terminated with exit code 0 and the pod is Initialized and Running; a native sidecar is running.
 */
export function checkInitContainers(pods: Obj[]): string[] {
  const problems: string[] = [];
  for (const p of pods.filter((pod) => !pod.metadata.deletionTimestamp && (pod.spec?.initContainers ?? []).length > 0)) {
    const name = `Pod/${p.metadata.name}`;
    if (p.status?.phase !== 'Running') problems.push(`${name} is ${p.status?.phase ?? 'without a phase'}, not Running`);
    if (condition(p, 'Initialized')?.status !== 'True') problems.push(`${name} is not Initialized`);
    for (const c of p.spec.initContainers as Obj[]) {
      const s = (p.status?.initContainerStatuses ?? []).find((x: Obj) => x.name === c.name);
      if (c.restartPolicy === 'Always') {
        if (!s?.state?.running) problems.push(`${name}: native sidecar ${c.name} is not running`);
      } else if (s?.state?.terminated?.exitCode !== 0) {
        problems.push(`${name}: init container ${c.name} has not terminated with exit code 0 (${JSON.stringify(s?.state ?? {})})`);
      }
    }
  }
  return problems;
}

/** Every Gateway API object carries the conditions the API server defaults when no controller has looked at it: Accepted and Programmed pending. */
export function checkUnprogrammed(objects: Obj[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const types = o.kind === 'GatewayClass' ? ['Accepted'] : ['Accepted', 'Programmed'];
    for (const type of types) {
      const c = condition(o, type);
      if (c?.status !== 'Unknown' || c?.reason !== 'Pending') {
        problems.push(`${o.kind}/${o.metadata.name}: condition ${type} is ${c ? `${c.status} (${c.reason})` : 'missing'}, want Unknown (Pending): is a controller running?`);
      }
    }
  }
  return problems;
}

const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);

/**
 * The checks above for one applied example, on the live versions of its objects (the
 * controllers' status is on those): its namespace's quotas, its budgets, Jobs, autoscalers, and
 * the init containers of its pods.
 */
export function checkConcepts(manifests: Obj[], live: Live, namespace: string): string[] {
  const liveOf = (kind: string) => ofKind(manifests, kind).map((o) => live.objects.get(`${kind}/${o.metadata.name}`)).filter(Boolean);
  return [
    ...checkQuotas(liveOf('ResourceQuota'), namespace),
    ...checkDisruptionBudgets(liveOf('PodDisruptionBudget'), live),
    ...checkJobs(liveOf('Job')),
    ...checkAutoscalers(liveOf('HorizontalPodAutoscaler'), live),
    ...checkInitContainers(live.pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')),
  ];
}
