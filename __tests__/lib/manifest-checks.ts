import { externalRefs as externalRefsOf } from '../../lib';
import { K8sObject } from '../helpers';

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

/** The refs an object declares as created outside its manifest, sorted. */
export function externalRefs(object: K8sObject): string[] {
  return externalRefsOf(object.metadata?.annotations).sort();
}
