import type { ManifestSet } from './manifest-set';
import type { KubernetesVersion } from './schema';

export type { KubernetesVersion } from './schema';

export type { Json, K8sObject, Manifest } from './manifest';

/** A broken rule: where, which rule, and what to change, in plain words. */
export interface Finding {
  readonly rule: string;
  readonly file: string;
  /** `Kind/namespace/name`, or `Kind/name` for objects without a namespace. */
  readonly object: string;
  /** Field path within the object, e.g. `spec.template.spec.containers[0].securityContext`. */
  readonly path: string;
  readonly message: string;
  /**
   * The Kubernetes releases the finding holds for, when it does not hold for every release
   * checked (an apiVersion that 1.28 serves and 1.36 does not, a field that only 1.36 knows).
   */
  readonly versions?: readonly KubernetesVersion[];
}

/** The groups of rules; each can be skipped as a whole. */
export type Family = 'schema' | 'pod-security' | 'wiring' | 'runs-on-minikube' | 'hardening' | 'server';

export const FAMILIES: Readonly<Record<Family, string>> = {
  'schema': 'the Kubernetes API (1.28 and 1.36) accepts the object: known apiVersion and kind, known fields of the right type, required fields, and the name, label, port and key formats the API server enforces',
  'pod-security': 'the pods pass the Pod Security Standard of the chosen level (baseline or restricted)',
  'wiring': 'the objects fit together: what selects, targets, mounts or references something finds it',
  'runs-on-minikube': 'the pods start and fit on a default minikube: requests and limits, budget, numeric non-root user, unprivileged ports, pinned images',
  'hardening': 'conventions of this project beyond what a cluster requires',
  'server': 'with --context: what a real API server says to each object in a server-side dry run',
};

/** Pod Security Standard levels. `privileged` checks nothing. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface ValidateOptions {
  /** Budget for the sum of all requests: millicores of CPU. @default 1000 */
  readonly cpuBudgetMillis?: number;
  /** Budget for the sum of all requests: MiB of memory. @default 1536 */
  readonly memoryBudgetMiB?: number;
  /** The Pod Security Standard the pods must pass. @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Objects that exist in the cluster already, so references to them are not findings:
   * `Kind/name` (in any namespace) or `Kind/namespace/name`, e.g. `Secret/web-tls`.
   * @default - none
   */
  readonly external?: readonly string[];
  /** Rule ids or family names to leave out. @default - none */
  readonly skip?: readonly string[];
  /**
   * The Kubernetes releases to check against; a finding that holds for only some of them names them.
   * @default - every release the validator knows (KUBERNETES_VERSIONS)
   */
  readonly kubernetesVersions?: readonly KubernetesVersion[];
}

export interface Rule {
  /** Stable id, e.g. `pinned-image`; printed with each finding. */
  readonly id: string;
  readonly family: Family;
  /** One sentence: what the rule requires and why. */
  readonly description: string;
  check(set: ManifestSet, options: Required<ValidateOptions>): Finding[];
}

/** `Kind/namespace/name` of an object, for findings. */
export function objectRef(object: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): string {
  const kind = typeof object?.kind === 'string' ? object.kind : '(no kind)';
  const name = typeof object?.metadata?.name === 'string' ? object.metadata.name : '(no name)';
  const namespace = typeof object?.metadata?.namespace === 'string' ? object.metadata.namespace : undefined;
  return [kind, namespace, name].filter((p) => p !== undefined).join('/');
}
