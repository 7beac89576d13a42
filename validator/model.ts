// The manifest model: how the validator reads Kubernetes objects, and how the docs tooling and
// the cluster scripts read them too, so they cannot disagree.
// - manifest.ts: a Kubernetes object and where it was read from;
// - load.ts: the one YAML reader (YAML 1.1, as kubectl reads it);
// - pod-specs.ts: the one walker over pod templates (a Pod, or the template of a workload at the
//   path its kind keeps it) and their containers, init containers and native sidecars;
// - manifest-set.ts: objects applied together, the one label-selector matcher and the one reader
//   of the external-refs annotation (on the object, its pod template or its Namespace).
export type { Json, K8sObject, Manifest } from './manifest';
export { manifestsOf } from './manifest';
export { EXIT, InputError, parseManifests, readManifests } from './load';
export type { ContainerAt, ContainerRole, PodRef, PodSpecAt, PodTemplate } from './pod-specs';
export {
  TEMPLATE_PATHS, containerPorts, containerRole, containersOf, mountPaths, podRefs, podSpecOf, podTemplateOf,
} from './pod-specs';
export type { LabelSelector } from './manifest-set';
export {
  EXTERNAL_REFS_ANNOTATION, ManifestSet, isEmptySelector, mapSelectorMatches, namespaceOf, selectorMatches,
} from './manifest-set';
