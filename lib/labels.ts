import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkLabelValue } from './checks';

/**
 * The labels Kubernetes recommends for every object of an application.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export interface AppLabelsProps {
  /** The application's name, e.g. `web` or `postgres`. */
  readonly name: string;
  /**
   * A name for this installation of the application.
   *
   * @default - the same as `name`
   */
  readonly instance?: string;
  /**
   * The application's version, usually the image tag. Never part of a selector: it changes on
   * every upgrade, and a Deployment's selector cannot change.
   *
   * @default - no version label
   */
  readonly version?: string;
  /**
   * The role within the architecture, e.g. `frontend` or `database`.
   *
   * @default - no component label
   */
  readonly component?: string;
  /**
   * The higher-level application this one is part of.
   *
   * @default - no part-of label
   */
  readonly partOf?: string;
}

/** The tool that manages the objects, set on every object. */
export const MANAGED_BY = 'cdk8s';

/** Throws unless every prop is a label value: `component "front end" is not a label value: ...`. */
function checkAppLabels(props: AppLabelsProps): void {
  for (const prop of ['name', 'instance', 'version', 'component', 'partOf'] as const) {
    const value = props[prop];
    if (value !== undefined) checkLabelValue(prop, value);
  }
}

/**
 * The labels that identify the pods of one application: stable for its whole life, so they can
 * be a Deployment's selector (which is immutable) and a Service's selector.
 */
export function selectorLabels(props: AppLabelsProps): Record<string, string> {
  checkAppLabels(props);
  return {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/instance': props.instance ?? props.name,
  };
}

/** All recommended labels: the selector labels plus version, component, part-of and managed-by. */
export function appLabels(props: AppLabelsProps): Record<string, string> {
  checkAppLabels(props);
  return {
    ...selectorLabels(props),
    ...(props.version ? { 'app.kubernetes.io/version': props.version } : {}),
    ...(props.component ? { 'app.kubernetes.io/component': props.component } : {}),
    ...(props.partOf ? { 'app.kubernetes.io/part-of': props.partOf } : {}),
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/**
 * Makes a cdk8s-plus workload select its pods by `selector` alone and puts `labels` on the
 * workload and its pods (the pods also get the chart's labels, which cdk8s puts only on objects).
 *
 * cdk8s-plus-28 otherwise selects pods by a generated `cdk8s.io/metadata.addr` label whose value
 * carries a hash, and its Services select that label too: unreadable in `kubectl get pods -l`, and
 * changed by any refactor of the construct tree (a Deployment's selector is immutable, so such a
 * change breaks `kubectl apply`). Create the workload with `select: false`, then call this.
 */
export function labelWorkload(workload: kplus.Deployment | kplus.StatefulSet | kplus.DaemonSet, selector: Record<string, string>, labels: Record<string, string>): void {
  workload.select(kplus.LabelSelector.of({ labels: selector }));
  for (const [key, value] of Object.entries({ ...labels, ...selector })) workload.metadata.addLabel(key, value);
  for (const [key, value] of Object.entries({ ...Chart.of(workload).labels, ...labels, ...selector })) {
    workload.podMetadata.addLabel(key, value);
  }
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace(/\//g, '~1')}`));
}

/** Makes a Service select pods by these labels (use with {@link labelWorkload}). */
export function selectPods(service: kplus.Service, selector: Record<string, string>): void {
  for (const [key, value] of Object.entries(selector)) service.selectLabel(key, value);
}
