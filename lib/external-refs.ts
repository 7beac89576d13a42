import { ApiObjectMetadataDefinition } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDnsSubdomain, showValue } from './checks';

/**
 * The construct-context key that sets the prefix of every annotation key the constructs write
 * (`<prefix>/external-refs`, `<prefix>/config-checksum`). Set it on the app (or on a chart)
 * before adding children:
 *
 * ```ts
 * const app = new App();
 * app.node.setContext(ANNOTATION_PREFIX_CONTEXT, 'example.com');
 * ```
 *
 * The value must be a DNS subdomain, as the prefix of any annotation key.
 */
export const ANNOTATION_PREFIX_CONTEXT = 'k8s-by-example:annotation-prefix';

/** The annotation prefix when the context does not set one. */
export const DEFAULT_ANNOTATION_PREFIX = 'k8s-by-example';

/** The key of annotation `name` under the prefix in effect at `scope`: `<prefix>/<name>`. */
export function annotationKey(scope: IConstruct, name: string): string {
  const prefix: unknown = scope.node.tryGetContext(ANNOTATION_PREFIX_CONTEXT) ?? DEFAULT_ANNOTATION_PREFIX;
  const prop = `context[${JSON.stringify(ANNOTATION_PREFIX_CONTEXT)}]`;
  if (typeof prefix !== 'string') throw new Error(`${prop} ${showValue(prefix)} is not text: use a DNS subdomain, e.g. "example.com"`);
  checkDnsSubdomain(prop, prefix);
  return `${prefix}/${name}`;
}

/**
 * The annotation that lists the objects an object refers to but that no chart creates, because
 * they hold something that must not be committed: a TLS certificate, a password. They are created
 * out of band (`kubectl create secret`, an external secret store) before the object is applied.
 *
 * The value is a comma-separated list of `Kind/name`, e.g. `Secret/demo-tls`. Checks that resolve
 * references (an Ingress's TLS Secret, a `secretKeyRef`) treat the listed objects as intentionally
 * external instead of missing. This is the key with the default prefix, the one the validator,
 * the diagrams and deploy read; {@link addExternalRef} writes the key of the prefix in effect.
 */
export const EXTERNAL_REFS_ANNOTATION = `${DEFAULT_ANNOTATION_PREFIX}/external-refs`;

const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** The `Kind/name` entries of the annotation `key` (empty without it, or when it is not text). */
export function externalRefs(annotations: Readonly<Record<string, unknown>> | undefined, key: string = EXTERNAL_REFS_ANNOTATION): string[] {
  const value = annotations !== undefined && Object.prototype.hasOwnProperty.call(annotations, key) ? annotations[key] : undefined;
  return typeof value === 'string' ? value.split(',').map((ref) => ref.trim()).filter(Boolean) : [];
}

/**
 * Marks `target` (any cdk8s-plus resource or ApiObject) as referring to `kind`/`name`, an object
 * created out of band. Adds to the annotation's list; each reference appears once, sorted.
 */
export function addExternalRef(target: IConstruct & { readonly metadata: ApiObjectMetadataDefinition }, kind: string, name: string): void {
  if (typeof kind !== 'string' || !KIND.test(kind)) throw new Error(`kind ${showValue(kind)} is not a Kubernetes kind: use its CamelCase name, e.g. "Secret"`);
  checkDnsSubdomain('name', name);
  const key = annotationKey(target, 'external-refs');
  const current = externalRefs(target.metadata.toJson().annotations, key);
  const refs = [...new Set([...current, `${kind}/${name}`])].sort();
  target.metadata.addAnnotation(key, refs.join(','));
}
