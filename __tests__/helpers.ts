import { App, Testing } from 'cdk8s';
import { EXAMPLES, Example } from '../examples';
import { PROFILES, Profile, getProfile } from '../examples/profiles';
import { Manifest, RULES, validate } from '../validator';
import { Json, mapSelectorMatches } from '../validator/model';

/** A synthesized Kubernetes object. */
export type K8sObject = Json;

export function example(name: string): Example {
  const found = EXAMPLES.find((e) => e.name === name);
  if (!found) throw new Error(`no example ${name}`);
  return found;
}

/** The objects one example synthesizes in one profile, in output order. */
export function synthExample(name: string, profile: string | Profile = 'minikube'): K8sObject[] {
  const p = typeof profile === 'string' ? getProfile(profile) : profile;
  return Testing.synth(example(name).create(new App(), p));
}

/** The objects as manifests for the validator, labelled `<example> (<profile>)`. */
export function exampleManifests(name: string, profile: string): Manifest[] {
  return synthExample(name, profile).map((object, index) => ({ file: `${name} (${profile})`, index, object }));
}

/** The one object of that kind and name; fails the test if there is not exactly one. */
export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} "${name}", found ${found.length}`);
  return found[0];
}

/** What `field` returns for a key the object does not have at all (not even as undefined). */
export const ABSENT = '(absent)';

/** The value of a key of an object, or ABSENT when the key is not there: "left out" is then one assertion. */
export function field(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : ABSENT;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Whether a selector of labels (a Service's, or a matchLabels) selects the labels: the validator's matcher. */
export const selects = mapSelectorMatches;

export const PROFILE_NAMES = PROFILES.map((p) => p.name);
export const EXAMPLE_NAMES = EXAMPLES.map((e) => e.name);

/** Where the named validator rules find a problem in these objects: `rule: Kind/ns/name field.path`. */
export function findingsOf(objects: K8sObject[], ruleIds: readonly string[]): string[] {
  const rules = RULES.filter((r) => ruleIds.includes(r.id));
  if (rules.length !== ruleIds.length) throw new Error(`no rule among ${ruleIds.join(', ')}`);
  const manifests = objects.map((object, index) => ({ file: 'test', index, object }));
  return validate(manifests, {}, rules).map((f) => `${f.rule}: ${f.object} ${f.path}`);
}
