import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The annotation that lists, as comma-separated `Kind/name`, the objects an object refers to on
 * purpose although its manifest does not contain them: typically a Secret that the user creates
 * with `kubectl create secret`, so that no credential is ever written into a file.
 *
 * Checks that every reference resolves within the manifest read it and skip these.
 */
export const EXTERNAL_REFS_ANNOTATION = 'k8s-by-example/external-refs';

const KIND = /^[A-Z][A-Za-z0-9]*$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Records on the object of `construct` (a cdk8s-plus resource or an ApiObject) that it refers to
 * `refs` (`Kind/name`, e.g. `Secret/postgres-credentials`), which are created outside the
 * manifest. Adds to the refs already recorded.
 */
export function addExternalRefs(construct: IConstruct, refs: readonly string[]): void {
  for (const ref of refs) {
    const [kind, name, ...rest] = ref.split('/');
    if (rest.length > 0 || !KIND.test(kind ?? '') || !NAME.test(name ?? '') || name.length > 253) {
      throw new Error(`external ref "${ref}" is not Kind/name, e.g. "Secret/postgres-credentials"`);
    }
  }
  const object = ApiObject.of(construct);
  const existing: string | undefined = object.metadata.toJson().annotations?.[EXTERNAL_REFS_ANNOTATION];
  const all = [...new Set([...(existing ? existing.split(',') : []), ...refs])];
  object.metadata.addAnnotation(EXTERNAL_REFS_ANNOTATION, all.join(','));
}
