// What the API server's authorizer, admission and controllers judge beyond a single object's
// schema: RBAC bindings that bind something, disruption budgets that let a drain finish,
// autoscalers that own their replica count, and quotas that leave room for the pods they govern.
import { LabelSelector, ManifestSet, namespaceOf } from '../manifest-set';
import { PodSpecAt } from '../pod-specs';
import { parseQuantity } from '../quantity';
import { Finding, Manifest, Rule } from '../types';
import { asList, containerFinding, finding, isObject, quote } from './helpers';
import { effectiveResources, fewestPods, limitRangeDefaults, podTotals, steadyPods } from './runs-on-minikube';

/** The ClusterRoles every cluster has: the user-facing roles and the system ones. */
const BUILT_IN_CLUSTER_ROLES = new Set(['cluster-admin', 'admin', 'edit', 'view']);

function inNamespace(namespace: string): string {
  return namespace === '' ? 'without a namespace' : `in namespace ${quote(namespace)}`;
}

function external(kind: string, name: string): string {
  return `add it, or if it exists outside these manifests, list ${kind}/${name} in the k8s-by-example/external-refs annotation (or pass --external ${kind}/${name})`;
}

export const roleBindingRefs: Rule = {
  id: 'role-binding-refs',
  family: 'wiring',
  description: 'a RoleBinding or ClusterRoleBinding refers to a Role (in its namespace) or ClusterRole that exists, and each ServiceAccount subject exists: otherwise it grants nothing, or the wrong thing once someone creates that name',
  check(set) {
    const found: Finding[] = [];
    for (const m of [...set.ofKind('RoleBinding'), ...set.ofKind('ClusterRoleBinding')]) {
      const namespace = namespaceOf(m.object);
      const ref = m.object.roleRef;
      if (isObject(ref) && typeof ref.name === 'string') {
        if (ref.kind === 'Role') {
          if (m.object.kind === 'ClusterRoleBinding') {
            found.push(finding('role-binding-refs', m, 'roleRef.kind', 'refers to a Role: a ClusterRoleBinding can only refer to a ClusterRole'));
          } else if (!set.exists(m, 'Role', ref.name)) {
            found.push(finding('role-binding-refs', m, 'roleRef.name', `refers to Role ${quote(ref.name)}, which is not in the manifests ${inNamespace(namespace)}: ${external('Role', ref.name)}`));
          }
        } else if (ref.kind === 'ClusterRole') {
          if (!BUILT_IN_CLUSTER_ROLES.has(ref.name) && !ref.name.startsWith('system:') && !set.exists(m, 'ClusterRole', ref.name)) {
            found.push(finding('role-binding-refs', m, 'roleRef.name', `refers to ClusterRole ${quote(ref.name)}, which is neither built in (${[...BUILT_IN_CLUSTER_ROLES].join(', ')}, system:*) nor in the manifests: ${external('ClusterRole', ref.name)}`));
          }
        }
      }
      asList(m.object.subjects).forEach((subject, i) => {
        if (subject?.kind !== 'ServiceAccount' || typeof subject.name !== 'string') return;
        // A RoleBinding's ServiceAccount subject without a namespace is one of the binding's namespace.
        const saNamespace = typeof subject.namespace === 'string' && subject.namespace !== '' ? subject.namespace : namespace;
        if (subject.name === 'default' || set.find('ServiceAccount', saNamespace, subject.name)) return;
        if (set.isExternal(m, 'ServiceAccount', subject.name)) return;
        found.push(finding('role-binding-refs', m, `subjects[${i}].name`, `binds ServiceAccount ${quote(subject.name)} ${inNamespace(saNamespace)}, which is not in the manifests: ${external('ServiceAccount', subject.name)}`));
      });
    }
    return found;
  },
};

/** A PodDisruptionBudget's minAvailable or maxUnavailable as a count of `pods`, rounding as the disruption controller does. */
function budgetCount(value: unknown, pods: number, roundUp: boolean): number | undefined {
  if (typeof value === 'number') return value;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (!percent) return undefined;
  const exact = (Number(percent[1]) * pods) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export const pdbAllowsEviction: Rule = {
  id: 'pdb-allows-eviction',
  family: 'wiring',
  description: 'a PodDisruptionBudget allows at least one eviction when its pods are all ready: minAvailable below the fewest replicas of the pods it selects, or maxUnavailable above 0; otherwise `kubectl drain` never finishes',
  check(set) {
    return set.ofKind('PodDisruptionBudget').flatMap((m) => {
      const selector = m.object.spec?.selector;
      if (!isObject(selector)) return [];
      // A bare Pod is left out: kubectl drain refuses it anyway (without --force), budget or not.
      const pods = set.podsSelectedBy(namespaceOf(m.object), selector as LabelSelector).filter((p) => p.manifest.object.kind !== 'Pod');
      if (pods.length === 0) return [];
      const fewest = pods.reduce((sum, p) => sum + fewestPods(set, p), 0);
      const owners = pods.map((p) => `${p.manifest.object.kind} ${quote(p.manifest.object.metadata?.name)}`).join(', ');
      const { minAvailable, maxUnavailable } = m.object.spec ?? {};
      if (minAvailable !== undefined) {
        const min = budgetCount(minAvailable, fewest, true);
        if (min !== undefined && min >= fewest) {
          return [finding('pdb-allows-eviction', m, 'spec.minAvailable', `keeps ${quote(minAvailable)} of ${fewest} pods (${owners}) available: no pod may ever be evicted, so a node drain waits forever; use maxUnavailable: 1, or minAvailable below ${fewest}`)];
        }
      } else if (maxUnavailable !== undefined) {
        const max = budgetCount(maxUnavailable, fewest, false);
        if (max !== undefined && max < 1) {
          return [finding('pdb-allows-eviction', m, 'spec.maxUnavailable', `allows ${quote(maxUnavailable)} of ${fewest} pods (${owners}) to be unavailable, which is none: a node drain waits forever; use maxUnavailable: 1`)];
        }
      }
      return [];
    });
  },
};

export const hpaReplicas: Rule = {
  id: 'hpa-replicas',
  family: 'wiring',
  description: 'a workload that a HorizontalPodAutoscaler scales sets no spec.replicas: every kubectl apply would reset the count the autoscaler chose',
  check(set) {
    return set.ofKind('HorizontalPodAutoscaler').flatMap((h) => {
      const ref = h.object.spec?.scaleTargetRef;
      if (!isObject(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return [];
      const target = set.find(ref.kind, namespaceOf(h.object), ref.name);
      if (!target || target.object.spec?.replicas === undefined || target.object.spec?.replicas === null) return [];
      return [finding('hpa-replicas', target, 'spec.replicas', `sets replicas: ${target.object.spec.replicas}, but HorizontalPodAutoscaler ${quote(h.object.metadata?.name)} owns the count: each apply resets it to ${target.object.spec.replicas}; leave spec.replicas out`)];
    });
  },
};

/** The resources a ResourceQuota tracks, with what one pod counts for each: [quota key, resource, requests or limits]. */
const TRACKED: ReadonlyArray<[string, string, 'requests' | 'limits']> = [
  ['requests.cpu', 'cpu', 'requests'], ['cpu', 'cpu', 'requests'], ['requests.memory', 'memory', 'requests'], ['memory', 'memory', 'requests'],
  ['limits.cpu', 'cpu', 'limits'], ['limits.memory', 'memory', 'limits'],
];

/** What one pod counts for a quota key, after LimitRange defaults. */
function podCounts(set: ManifestSet, pod: PodSpecAt): Record<string, number> {
  const defaults = limitRangeDefaults(set, namespaceOf(pod.manifest.object));
  const [cpu, memory, memoryLimit] = podTotals(pod.spec, defaults);
  const cpuLimit = asList(pod.spec.containers).reduce((sum, c) => sum + (parseQuantity(effectiveResources(c, defaults).limits.cpu) ?? 0), 0);
  return { 'requests.cpu': cpu, 'cpu': cpu, 'requests.memory': memory, 'memory': memory, 'limits.cpu': cpuLimit, 'limits.memory': memoryLimit, 'pods': 1, 'count/pods': 1 };
}

/** A quantity for messages: millicores for CPU, MiB for memory, a plain count otherwise. */
function show(key: string, value: number): string {
  if (key.endsWith('cpu')) return `${Math.round(value * 1000)}m`;
  if (key.endsWith('memory')) return `${Math.round(value / 2 ** 20)}Mi`;
  return String(value);
}

/** Whether a Deployment's rolling update starts new pods before old ones stop. */
function surges(m: Manifest): boolean {
  if (m.object.kind !== 'Deployment' || m.object.spec?.strategy?.type === 'Recreate') return false;
  const maxSurge = m.object.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  return maxSurge !== 0 && maxSurge !== '0%';
}

/**
 * What the pods of a namespace take at their most, and the largest surge pod of a rolling update,
 * by quota key: once per namespace, whatever the number of quotas. Keys come from the quota, so
 * the maps have no prototype (`constructor` is not a count).
 */
function usageIn(set: ManifestSet, namespace: string): { used: Record<string, number>; surge: Record<string, number> } {
  return set.memo(`quota-usage\0${namespace}`, () => {
    const used: Record<string, number> = Object.create(null);
    const surge: Record<string, number> = Object.create(null);
    for (const pod of set.podsIn(namespace)) {
      const counts = podCounts(set, pod);
      const n = steadyPods(set, pod);
      for (const [key, value] of Object.entries(counts)) used[key] = (used[key] ?? 0) + value * n;
      if (surges(pod.manifest) && n > 0) {
        for (const [key, value] of Object.entries(counts)) surge[key] = Math.max(value, surge[key] ?? 0);
      }
    }
    return { used, surge };
  });
}

export const quotaCovers: Rule = {
  id: 'quota-covers',
  family: 'runs-on-minikube',
  description: 'a namespace\'s ResourceQuota covers what its pods request at their most (replicas, an autoscaler\'s maxReplicas) plus a rolling update\'s surge pod, and every container sets (or gets from a LimitRange) each request and limit the quota tracks: the API server refuses any pod beyond it',
  check(set) {
    const found: Finding[] = [];
    for (const quota of set.ofKind('ResourceQuota')) {
      const hard = quota.object.spec?.hard;
      if (!isObject(hard) || quota.object.spec?.scopes || quota.object.spec?.scopeSelector) continue;
      const namespace = namespaceOf(quota.object);
      const pods = set.podsIn(namespace);
      const defaults = limitRangeDefaults(set, namespace);
      // A pod that leaves out a tracked request or limit is refused outright.
      const tracked = TRACKED.filter(([key]) => hard[key] !== undefined);
      for (const pod of pods) {
        for (const c of [...asList(pod.spec.initContainers).map((container, i) => ({ container, i, kind: 'initContainers' as const })),
          ...asList(pod.spec.containers).map((container, i) => ({ container, i, kind: 'containers' as const }))]) {
          const effective = effectiveResources(c.container, defaults);
          const missing = tracked.find(([, resource, field]) => effective[field][resource] === undefined);
          if (missing) {
            found.push(containerFinding('quota-covers', { pod, container: c.container, kind: c.kind, path: `${pod.path}.${c.kind}[${c.i}]` }, `resources.${missing[2]}.${missing[1]}`,
              `sets no resources.${missing[2]}.${missing[1]}, which ResourceQuota ${quote(quota.object.metadata?.name)} tracks: the API server refuses the pod; set it, or add a LimitRange default`));
          }
        }
      }
      const { used, surge } = usageIn(set, namespace);
      for (const [key, limit] of Object.entries(hard)) {
        const allowed = parseQuantity(limit);
        if (allowed === undefined || used[key] === undefined) continue;
        const epsilon = 1e-9;
        if (used[key] > allowed + epsilon) {
          found.push(finding('quota-covers', quota, `spec.hard${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${quote(key)}]`}`,
            `allows ${key} ${quote(limit)}, but the pods ${inNamespace(namespace)} take ${show(key, used[key])} at their most: the API server refuses the pods beyond it`));
        } else if (used[key] + (surge[key] ?? 0) > allowed + epsilon) {
          found.push(finding('quota-covers', quota, `spec.hard${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${quote(key)}]`}`,
            `allows ${key} ${quote(limit)}: the pods ${inNamespace(namespace)} take ${show(key, used[key])} at their most, which leaves no room for a rolling update's surge pod (${show(key, surge[key])}): rollouts stall`));
        }
      }
    }
    return found;
  },
};

/** The rules of this file: RBAC, disruption budgets, autoscalers and quotas. */
export const POLICY_RULES: readonly Rule[] = [roleBindingRefs, pdbAllowsEviction, hpaReplicas, quotaCovers];
