import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { checkDnsLabel, checkLabelValue, showValue } from './checks';
import { MANAGED_BY } from './labels';
import { NamespaceQuota, NamespaceQuotaProps } from './namespace-quota';

/** Pod Security Standard levels, enforced per namespace by the built-in admission controller. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const POD_SECURITY_LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];

export interface NamespacedChartProps {
  /** The namespace that holds every object of the chart; the chart creates it. */
  readonly namespace: string;
  /**
   * Value of the `app.kubernetes.io/part-of` label on every object of the chart.
   *
   * @default - the namespace
   */
  readonly partOf?: string;
  /**
   * The Pod Security Standard the namespace enforces: the API server then refuses pods that break
   * it, so a manifest that applies here is known to comply.
   *
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * The namespace's ResourceQuota, sized when the chart is synthesized to what the chart's own
   * pods request (see {@link NamespaceQuota}); `false` for none.
   *
   * @default - a quota named `compute`, DaemonSets counted on one node
   */
  readonly quota?: NamespaceQuotaProps | false;
}

/**
 * A chart whose objects all live in one namespace that the chart itself creates, so the chart can
 * be applied and deleted on its own (`kubectl delete namespace ...` removes everything).
 *
 * It also gets a ResourceQuota sized to the chart's pods, so the API server, not only the
 * validator, keeps the example within its share of a small cluster.
 *
 * Object names carry no hash suffix: they appear in kubectl commands and must stay readable. So
 * two objects of one kind may end up with the same name; the chart refuses that when it is
 * synthesized (the API server would keep only the last one applied).
 */
export class NamespacedChart extends Chart {
  /** The namespace object, first in the output so `kubectl apply` creates it before the rest. */
  public readonly namespaceObject: k8s.KubeNamespace;
  /** The namespace's ResourceQuota, unless the chart was made with `quota: false`. */
  public readonly quota?: NamespaceQuota;

  constructor(scope: Construct, id: string, props: NamespacedChartProps) {
    checkDnsLabel('namespace', props.namespace);
    if (props.partOf !== undefined) checkLabelValue('partOf', props.partOf);
    const level = props.podSecurity ?? 'restricted';
    if (!POD_SECURITY_LEVELS.includes(level)) throw new Error(`podSecurity ${showValue(level)} is not a Pod Security Standard: use ${POD_SECURITY_LEVELS.join(', ')}`);
    super(scope, id, {
      namespace: props.namespace,
      disableResourceNameHashes: true,
      labels: {
        'app.kubernetes.io/part-of': props.partOf ?? props.namespace,
        'app.kubernetes.io/managed-by': MANAGED_BY,
      },
    });
    this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: props.namespace,
        labels: {
          'app.kubernetes.io/name': props.namespace,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/warn': level,
        },
      },
    });
    // A Namespace is cluster-scoped: it must not carry the chart's namespace.
    ApiObject.of(this.namespaceObject).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    if (props.quota !== false) this.quota = new NamespaceQuota(this, 'Quota', props.quota ?? {});
  }

  /** The chart's objects; throws if two of them have the same apiVersion group, kind, namespace and name. */
  public toJson(): ReturnType<Chart['toJson']> {
    const objects = super.toJson();
    const seen = new Map<string, number>();
    objects.forEach((object, i) => {
      const group = String(object?.apiVersion ?? '').split('/').slice(0, -1).join('/');
      const key = JSON.stringify([group, object?.kind, object?.metadata?.namespace ?? '', object?.metadata?.name]);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
        return;
      }
      const where = object?.metadata?.namespace === undefined ? '' : ` in namespace ${showValue(object.metadata.namespace)}`;
      const paths = this.pathsOf(object?.kind, object?.metadata?.name);
      throw new Error(`${object?.kind} ${showValue(object?.metadata?.name)} is defined twice${where}${paths.length > 1 ? `, by ${paths.join(' and ')}` : ''}: give each object of a kind its own name`);
    });
    return objects;
  }

  /** Construct paths of the chart's objects of one kind and name (for the message about duplicates). */
  private pathsOf(kind: unknown, name: unknown): string[] {
    return this.node.findAll()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === this && c.kind === kind && c.name === name)
      // A cdk8s-plus resource keeps its ApiObject as child `Resource`: name the resource.
      .map((o) => (o.node.id === 'Resource' && o.node.scope ? o.node.scope : o).node.path);
  }
}
