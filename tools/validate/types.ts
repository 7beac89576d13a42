/** One Kubernetes object read from a file. */
export interface Manifest {
  /** The file it came from (or a label such as `services (minikube)` for in-memory objects). */
  readonly file: string;
  /** Position of the document within the file, from 0. */
  readonly index: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly object: any;
}

/** A broken rule: where, which rule, and what to change, in plain words. */
export interface Finding {
  readonly rule: string;
  readonly file: string;
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
  readonly object: string;
  /** Field path within the object, e.g. `spec.template.spec.containers[0].securityContext`. */
  readonly path: string;
  readonly message: string;
}

export interface ValidateOptions {
  /** Budget for the sum of all requests: millicores of CPU. @default 1000 */
  readonly cpuBudgetMillis?: number;
  /** Budget for the sum of all requests: MiB of memory. @default 1536 */
  readonly memoryBudgetMiB?: number;
}

export interface Rule {
  /** Stable id, e.g. `pinned-image`; printed with each finding. */
  readonly id: string;
  /** One sentence: what the rule requires and why. */
  readonly description: string;
  check(manifests: readonly Manifest[], options: Required<ValidateOptions>): Finding[];
}

/** `Kind/namespace/name` of an object, for findings. */
export function objectRef(object: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  const parts = [object.kind ?? '(no kind)', object.metadata?.namespace, object.metadata?.name ?? '(no name)'];
  return parts.filter((p) => p !== undefined).join('/');
}
