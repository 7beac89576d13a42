import { ContainerAt, PodSpecAt, describeContainer } from '../pod-specs';
import { Finding, Json, Manifest, objectRef } from '../types';

export type { Json };

export function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asList(value: unknown): Json[] {
  return Array.isArray(value) ? value : [];
}

/** A finding about an object. */
export function finding(rule: string, manifest: Manifest, path: string, message: string): Finding {
  return { rule, file: manifest.file, object: objectRef(manifest.object), path, message };
}

/** A finding about a container: the message starts with the container's name. */
export function containerFinding(rule: string, c: ContainerAt, field: string, message: string): Finding {
  return finding(rule, c.pod.manifest, field ? `${c.path}.${field}` : c.path, `${describeContainer(c)} ${message}`);
}

/** A finding about a pod spec. */
export function podFinding(rule: string, pod: PodSpecAt, field: string, message: string): Finding {
  return finding(rule, pod.manifest, field ? `${pod.path}.${field}` : pod.path, message);
}

/** A path segment for a map key: `.key`, or `["app.kubernetes.io/name"]` when it needs quoting. */
export function keyPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function quote(value: unknown): string {
  return JSON.stringify(value);
}
