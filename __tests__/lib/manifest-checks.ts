import { EXTERNAL_REFS_ANNOTATION } from '../../lib';
import { K8sObject } from '../helpers';

/**
 * The `$(NAME)` references in a container's env values that Kubernetes would leave unexpanded:
 * it expands only names defined by an earlier entry of the same list. As `VAR: $(NAME)`.
 */
export function unresolvedEnvRefs(container: K8sObject): string[] {
  const defined = new Set<string>();
  const problems: string[] = [];
  for (const env of container.env ?? []) {
    for (const match of String(env.value ?? '').matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
      if (!defined.has(match[1])) problems.push(`${env.name}: $(${match[1]})`);
    }
    defined.add(env.name);
  }
  return problems;
}

/** Every Secret a pod spec refers to through env, envFrom or volumes, as `Secret/name`. */
export function secretRefs(podSpec: K8sObject): string[] {
  const refs = new Set<string>();
  for (const c of [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])]) {
    for (const env of c.env ?? []) if (env.valueFrom?.secretKeyRef) refs.add(`Secret/${env.valueFrom.secretKeyRef.name}`);
    for (const from of c.envFrom ?? []) if (from.secretRef) refs.add(`Secret/${from.secretRef.name}`);
  }
  for (const v of podSpec.volumes ?? []) if (v.secret) refs.add(`Secret/${v.secret.secretName}`);
  return [...refs].sort();
}

/** The refs an object declares as created outside its manifest. */
export function externalRefs(object: K8sObject): string[] {
  const value: string | undefined = object.metadata?.annotations?.[EXTERNAL_REFS_ANNOTATION];
  return value ? value.split(',').sort() : [];
}

/** Env entries whose name says credential and whose value is written in the manifest. */
export function literalCredentials(container: K8sObject): string[] {
  return (container.env ?? [])
    .filter((e: K8sObject) => /PASSWORD|SECRET|TOKEN|KEY$/i.test(e.name) && e.value !== undefined)
    .map((e: K8sObject) => e.name);
}
