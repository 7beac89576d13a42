import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkIntegerInRange } from './checks';
import { appLabels } from './labels';

/**
 * An object, or a part of one, as cdk8s synthesizes it (what `ApiObject.toJson()` returns), or as
 * read back from its YAML: untyped, so the functions below check each field they read.
 */
export type SynthesizedObject = ReturnType<ApiObject['toJson']>;
type Json = SynthesizedObject;

/** What a pod, or a whole namespace, asks of the cluster: what a ResourceQuota counts. */
export interface ComputeResources {
  /** The sum of CPU requests, in millicores. */
  readonly cpuMillis: number;
  /** The sum of memory requests, in MiB. */
  readonly memoryMiB: number;
  /** The sum of memory limits, in MiB. */
  readonly memoryLimitMiB: number;
  /** How many pods. */
  readonly pods: number;
}

const UNITS: Record<string, number> = {
  '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40,
};

/** A Kubernetes quantity (`10m`, `16Mi`, `1`, `0.5`) as a number, or undefined when it is not one. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value.trim());
  return match ? Number(match[1]) * UNITS[match[2] ?? ''] : undefined;
}

/** The defaults a LimitRange of type Container gives a container that sets no request or limit. */
interface ContainerDefaults {
  readonly request: Record<string, unknown>;
  readonly limit: Record<string, unknown>;
}

/**
 * The defaults of the LimitRanges among `objects`, as the API server applies them: a missing
 * request takes `defaultRequest`, else `default`, else `max`; a missing limit takes `default`,
 * else `max`.
 */
function limitRangeDefaults(objects: readonly Json[]): ContainerDefaults {
  const request: Record<string, unknown> = {};
  const limit: Record<string, unknown> = {};
  for (const range of objects.filter((o) => o?.kind === 'LimitRange')) {
    for (const item of Array.isArray(range.spec?.limits) ? range.spec.limits : []) {
      if (item?.type !== 'Container') continue;
      for (const resource of ['cpu', 'memory']) {
        const defaultLimit = item.default?.[resource] ?? item.max?.[resource];
        if (defaultLimit !== undefined) limit[resource] ??= defaultLimit;
        const defaultRequest = item.defaultRequest?.[resource] ?? defaultLimit;
        if (defaultRequest !== undefined) request[resource] ??= defaultRequest;
      }
    }
  }
  return { request, limit };
}

/** A container's [cpu request, memory request, memory limit], after API defaulting and the LimitRange. */
function containerResources(container: Json, defaults: ContainerDefaults): [number, number, number] {
  const requests = container?.resources?.requests ?? {};
  const limits = container?.resources?.limits ?? {};
  const limitOf = (resource: string) => limits[resource] ?? defaults.limit[resource];
  // A request that is not set equals the limit when the container sets one (API defaulting).
  const requestOf = (resource: string) => requests[resource] ?? limits[resource] ?? defaults.request[resource];
  return [
    (quantityValue(requestOf('cpu')) ?? 0) * 1000,
    (quantityValue(requestOf('memory')) ?? 0) / 2 ** 20,
    (quantityValue(limitOf('memory')) ?? 0) / 2 ** 20,
  ];
}

/**
 * What one pod counts against a quota: the larger of its app containers plus native sidecars
 * (init containers with `restartPolicy: Always`) and each ordinary init container plus the
 * sidecars started before it, for requests and limits alike (as the scheduler and the quota do).
 */
export function podResources(spec: Json, objects: readonly Json[] = []): ComputeResources {
  const defaults = limitRangeDefaults(objects);
  const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);
  let sidecars = [0, 0, 0];
  let initPeak = [0, 0, 0];
  for (const init of Array.isArray(spec?.initContainers) ? spec.initContainers : []) {
    const own = containerResources(init, defaults);
    if (init?.restartPolicy === 'Always') {
      sidecars = add(sidecars, own);
    } else {
      initPeak = add(sidecars, own).map((v, i) => Math.max(v, initPeak[i]));
    }
  }
  const running = (Array.isArray(spec?.containers) ? spec.containers : []).map((c: Json) => containerResources(c, defaults)).reduce(add, sidecars);
  const [cpuMillis, memoryMiB, memoryLimitMiB] = running.map((v: number, i: number) => Math.max(v, initPeak[i]));
  return { cpuMillis, memoryMiB, memoryLimitMiB, pods: 1 };
}

/** A workload of the namespace: its pod template and the most pods it runs at once. */
export interface PodGroup {
  /** `Kind/name` of the object that makes the pods. */
  readonly owner: string;
  /** What one of its pods counts. */
  readonly pod: ComputeResources;
  /** The most pods it runs at once, outside a rollout: replicas, an autoscaler's maxReplicas, one per node for a DaemonSet. */
  readonly pods: number;
}

/** Options for {@link podGroups} and {@link quotaFor}. */
export interface QuotaSizing {
  /**
   * The nodes a DaemonSet runs a pod on.
   *
   * @default 1
   */
  readonly nodes?: number;
}

const count = (value: unknown, fallback: number): number => (Number.isInteger(value) && (value as number) >= 0 ? value as number : fallback);

/** Every object among `objects` that makes pods, with the most pods it runs at once. */
export function podGroups(objects: readonly Json[], sizing: QuotaSizing = {}): PodGroup[] {
  const nodes = sizing.nodes ?? 1;
  const autoscaled = (o: Json): number | undefined => {
    const hpa = objects.find((h) => h?.kind === 'HorizontalPodAutoscaler' && h.spec?.scaleTargetRef?.kind === o.kind
      && h.spec?.scaleTargetRef?.name === o.metadata?.name && (h.metadata?.namespace ?? '') === (o.metadata?.namespace ?? ''));
    return hpa ? count(hpa.spec.maxReplicas, 1) : undefined;
  };
  const groups: PodGroup[] = [];
  for (const o of objects) {
    let template: Json;
    let pods: number;
    switch (o?.kind) {
      case 'Pod': template = o; pods = 1; break;
      case 'Deployment': case 'ReplicaSet': case 'StatefulSet':
        template = o.spec?.template; pods = autoscaled(o) ?? count(o.spec?.replicas, 1); break;
      case 'DaemonSet': template = o.spec?.template; pods = nodes; break;
      case 'Job': template = o.spec?.template; pods = count(o.spec?.parallelism, 1); break;
      case 'CronJob': template = o.spec?.jobTemplate?.spec?.template; pods = count(o.spec?.jobTemplate?.spec?.parallelism, 1); break;
      default: continue;
    }
    if (template?.spec) groups.push({ owner: `${o.kind}/${o.metadata?.name}`, pod: podResources(template.spec, objects), pods });
  }
  return groups;
}

/** The sum of what the pods of `groups` count, each group at its most pods. */
export function totalResources(groups: readonly PodGroup[]): ComputeResources {
  return groups.reduce((sum, g) => ({
    cpuMillis: sum.cpuMillis + g.pod.cpuMillis * g.pods,
    memoryMiB: sum.memoryMiB + g.pod.memoryMiB * g.pods,
    memoryLimitMiB: sum.memoryLimitMiB + g.pod.memoryLimitMiB * g.pods,
    pods: sum.pods + g.pods,
  }), { cpuMillis: 0, memoryMiB: 0, memoryLimitMiB: 0, pods: 0 });
}

/**
 * The quota for a namespace that holds `objects`: what all its pods count at their most (see
 * {@link podGroups}), plus room for one more pod as large as the largest: the surge pod of a
 * rolling update (`maxSurge: 1`), or a pod a guide adds by hand (`kubectl scale`). Two rollouts
 * at once take turns: the second one's new pod waits until the first one's old pod is gone.
 */
export function quotaFor(objects: readonly Json[], sizing: QuotaSizing = {}): ComputeResources {
  const groups = podGroups(objects, sizing);
  const total = totalResources(groups);
  const largest = (pick: (r: ComputeResources) => number) => Math.max(0, ...groups.map((g) => pick(g.pod)));
  return {
    cpuMillis: Math.ceil(total.cpuMillis + largest((r) => r.cpuMillis)),
    memoryMiB: Math.ceil(total.memoryMiB + largest((r) => r.memoryMiB)),
    memoryLimitMiB: Math.ceil(total.memoryLimitMiB + largest((r) => r.memoryLimitMiB)),
    pods: total.pods + (groups.length > 0 ? 1 : 0),
  };
}

export interface NamespaceQuotaProps {
  /**
   * Name of the ResourceQuota.
   *
   * @default 'compute'
   */
  readonly name?: string;
  /**
   * The nodes a DaemonSet of the namespace runs a pod on: the quota leaves room for one pod per node.
   *
   * @default 1
   */
  readonly nodes?: number;
}

/**
 * A ResourceQuota sized to what the chart's own pods ask for, computed when the chart is
 * synthesized: `requests.cpu`, `requests.memory`, `limits.memory` and `pods`, each the sum over
 * every workload at its most pods, plus one pod as large as the largest (see {@link quotaFor}).
 *
 * The API server then refuses, at admission, any pod that would take the namespace over: a
 * `kubectl scale` too far, a forgotten debug pod with large requests. And since the quota counts
 * `limits.memory`, every pod of the namespace must set a memory limit (or get one from a
 * LimitRange), or it is refused too.
 */
export class NamespaceQuota extends Construct {
  public readonly name: string;
  public readonly resourceQuota: k8s.KubeResourceQuota;

  constructor(scope: Construct, id: string, props: NamespaceQuotaProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'compute';
    checkDnsLabel('name', this.name);
    const nodes = props.nodes ?? 1;
    checkIntegerInRange('nodes', nodes, 1, 5000);
    const chart = Chart.of(this);
    this.resourceQuota = new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: { name: this.name, labels: appLabels({ name: this.name, component: 'quota' }) },
      spec: {
        hard: Lazy.any({
          produce: () => {
            const objects = chart.node.findAll().filter(ApiObject.isApiObject)
              .filter((o) => o !== this.resourceQuota).map((o) => o.toJson());
            const quota = quotaFor(objects, { nodes });
            return {
              'requests.cpu': k8s.Quantity.fromString(`${quota.cpuMillis}m`),
              'requests.memory': k8s.Quantity.fromString(`${quota.memoryMiB}Mi`),
              'limits.memory': k8s.Quantity.fromString(`${quota.memoryLimitMiB}Mi`),
              'pods': k8s.Quantity.fromString(String(quota.pods)),
            };
          },
        }),
      },
    });
  }
}
