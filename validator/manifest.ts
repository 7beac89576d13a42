// A Kubernetes object and where it was read from: the base of the manifest model (model.ts).

/** One Kubernetes object read from a file. */
export interface Manifest {
  /** The file it came from (or a label such as `services (minikube)` for in-memory objects). */
  readonly file: string;
  /** Position of the document within the file, from 0. */
  readonly index: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly object: any;
}

/** A Kubernetes object as parsed from YAML: any shape, checked where it is read. */
export type K8sObject = Manifest['object'];

/** Objects held in memory (synthesized, or read by a tool) as manifests of one file. */
export function manifestsOf(objects: readonly K8sObject[], file = '(objects)'): Manifest[] {
  return objects.map((object, index) => ({ file, index, object }));
}
