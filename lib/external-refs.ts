import { ApiObjectMetadataDefinition } from 'cdk8s';

/**
 * The annotation that lists the objects an object refers to but that no chart creates, because
 * they hold something that must not be committed: a TLS certificate, a password. They are created
 * out of band (`kubectl create secret`, an external secret store) before the object is applied.
 *
 * The value is a comma-separated list of `Kind/name`, e.g. `Secret/demo-tls`. Checks that resolve
 * references (an Ingress's TLS Secret, a `secretKeyRef`) treat the listed objects as intentionally
 * external instead of missing.
 */
export const EXTERNAL_REFS_ANNOTATION = 'k8s-by-example/external-refs';

const KIND = /^[A-Z][A-Za-z0-9]*$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The `Kind/name` entries of the annotation (empty without it, or when it is not text). */
export function externalRefs(annotations: Readonly<Record<string, unknown>> | undefined): string[] {
  const value = annotations?.[EXTERNAL_REFS_ANNOTATION];
  return typeof value === 'string' ? value.split(',').map((ref) => ref.trim()).filter(Boolean) : [];
}

/**
 * Marks `target` (any cdk8s-plus resource or ApiObject) as referring to `kind`/`name`, an object
 * created out of band. Adds to the annotation's list; each reference appears once, sorted.
 */
export function addExternalRef(target: { readonly metadata: ApiObjectMetadataDefinition }, kind: string, name: string): void {
  if (!KIND.test(kind)) throw new Error(`kind "${kind}" is not a Kubernetes kind: use its CamelCase name, e.g. "Secret"`);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new Error(`name "${name}" is not a valid object name: use at most 253 lowercase letters, digits, '-' and '.'`);
  }
  const current = externalRefs(target.metadata.toJson().annotations);
  const refs = [...new Set([...current, `${kind}/${name}`])].sort();
  target.metadata.addAnnotation(EXTERNAL_REFS_ANNOTATION, refs.join(','));
}
