import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkIntegerInRange, checkLabelKey, checkLabels, showValue } from './checks';

/** The node label that makes every node its own topology domain. */
export const TOPOLOGY_HOSTNAME = 'kubernetes.io/hostname';
/** The node label that groups nodes by availability zone (set by cloud providers). */
export const TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** What the scheduler does with a pod it cannot place without breaking `maxSkew`. */
export type WhenUnsatisfiable = 'ScheduleAnyway' | 'DoNotSchedule';

const WHEN_UNSATISFIABLE: readonly string[] = ['ScheduleAnyway', 'DoNotSchedule'];

export interface SpreadOptions {
  /**
   * The node label whose values are the domains to spread over.
   *
   * @default TOPOLOGY_HOSTNAME
   */
  readonly topologyKey?: string;
  /**
   * The largest allowed difference between the number of matching pods in any two domains.
   *
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * `ScheduleAnyway`: a preference; the pod still runs when the spread cannot be kept (one node,
   * a full or cordoned node). `DoNotSchedule`: a rule; the pod stays Pending instead.
   *
   * @default 'ScheduleAnyway'
   */
  readonly whenUnsatisfiable?: WhenUnsatisfiable;
}

const spread = new WeakSet<kplus.Workload>();

/**
 * Adds a topology spread constraint to the pods of `workload`: the scheduler places them so that
 * the pods matching `selector` are spread evenly over the domains of `topologyKey` (by default,
 * the nodes). cdk8s-plus-28 has no prop for it. Call it again to add another constraint, e.g. one
 * for zones and one for nodes.
 */
export function spreadPods(workload: kplus.Deployment | kplus.StatefulSet, selector: Record<string, string>, options: SpreadOptions = {}): void {
  const maxSkew = options.maxSkew ?? 1;
  checkIntegerInRange('maxSkew', maxSkew, 1, 1000);
  const topologyKey = options.topologyKey ?? TOPOLOGY_HOSTNAME;
  checkLabelKey('topologyKey', topologyKey);
  const whenUnsatisfiable = options.whenUnsatisfiable ?? 'ScheduleAnyway';
  if (!WHEN_UNSATISFIABLE.includes(whenUnsatisfiable)) {
    throw new Error(`whenUnsatisfiable ${showValue(whenUnsatisfiable)} is not allowed: use ${WHEN_UNSATISFIABLE.join(' or ')}`);
  }
  if (Object.keys(selector).length === 0) {
    throw new Error('selector is empty: the constraint would count no pods (use the labels that select the workload\'s pods)');
  }
  checkLabels('selector', selector);
  const constraint = {
    maxSkew,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: { ...selector } },
  };
  const path = '/spec/template/spec/topologySpreadConstraints';
  ApiObject.of(workload).addJsonPatch(spread.has(workload) ? JsonPatch.add(`${path}/-`, constraint) : JsonPatch.add(path, [constraint]));
  spread.add(workload);
}
