// A Kubernetes object and where it was read from: the base of the manifest model (model.ts).

/**
 * A value read from YAML or JSON, such as a manifest: it has no static type, and the code that
 * reads it checks what it finds. The only `any` of the project (eslint.config.mjs allows it here).
 */
export type Json = any;

/** A Kubernetes object as parsed from YAML: any shape, checked where it is read. */
export type K8sObject = Json;

/** One Kubernetes object read from a file. */
export interface Manifest {
  /** The file it came from (or a label such as `services (minikube)` for in-memory objects). */
  readonly file: string;
  /** Position of the document within the file, from 0. */
  readonly index: number;
  readonly object: Json;
}

/** Objects held in memory (synthesized, or read by a tool) as manifests of one file. */
export function manifestsOf(objects: readonly K8sObject[], file = '(objects)'): Manifest[] {
  return objects.map((object, index) => ({ file, index, object }));
}
