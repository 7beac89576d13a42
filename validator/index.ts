import { ManifestSet } from './manifest-set';
import { API_SERVER_RULES } from './rules/api-server';
import { BATCH_HARDENING_RULES, BATCH_SCHEMA_RULES } from './rules/batch';
import { GATEWAY_RULES } from './rules/gateway';
import { HARDENING_RULES } from './rules/hardening';
import { POD_SECURITY_RULES } from './rules/pod-security';
import { POLICY_RULES } from './rules/policy';
import { RUNS_ON_MINIKUBE } from './rules/runs-on-minikube';
import { SCHEMA_RULES } from './rules/schema';
import { WIRING_RULES } from './rules/wiring';
import { KUBERNETES_VERSIONS, KubernetesVersion } from './schema';
import { SERVER_RULE } from './server';
import { FAMILIES, Family, Finding, Manifest, Rule, ValidateOptions, objectRef } from './types';

export * from './types';
export { ManifestSet, EXTERNAL_REFS_ANNOTATION } from './manifest-set';
export { parseQuantity } from './quantity';
export { KUBERNETES_VERSIONS } from './schema';

/** Every rule, in the order findings are reported. */
export const RULES: readonly Rule[] = [
  ...SCHEMA_RULES, ...API_SERVER_RULES, ...BATCH_SCHEMA_RULES, ...POD_SECURITY_RULES, ...WIRING_RULES, ...GATEWAY_RULES, ...RUNS_ON_MINIKUBE,
  ...POLICY_RULES, ...HARDENING_RULES, ...BATCH_HARDENING_RULES,
];

export const DEFAULT_OPTIONS: Required<ValidateOptions> = {
  cpuBudgetMillis: 1000,
  memoryBudgetMiB: 1536,
  podSecurity: 'restricted',
  external: [],
  skip: [],
  kubernetesVersions: KUBERNETES_VERSIONS,
};

/** Whether a name is a rule id or a family. */
export function isRuleOrFamily(name: string): boolean {
  return RULES.some((r) => r.id === name) || name === SERVER_RULE.id || Object.prototype.hasOwnProperty.call(FAMILIES, name);
}

/**
 * Checks manifests that are applied together (one set: what one `kubectl apply` sends to one
 * cluster) against every rule; an empty list means they are clean.
 */
export function validate(manifests: readonly Manifest[] | ManifestSet, options: ValidateOptions = {}, rules: readonly Rule[] = RULES): Finding[] {
  const resolved: Required<ValidateOptions> = { ...DEFAULT_OPTIONS, ...options };
  const skip = new Set(resolved.skip);
  const set = manifests instanceof ManifestSet ? manifests : new ManifestSet(manifests, resolved.external);
  // Findings come grouped by object, in the order of the input; then in the order of the rules.
  const rank = new Map<string, number>();
  set.manifests.forEach((m, i) => {
    const key = `${m.file}\0${objectRef(m.object)}`;
    if (!rank.has(key)) rank.set(key, i);
  });
  const rankOf = (f: Finding) => rank.get(`${f.file}\0${f.object}`) ?? Number.MAX_SAFE_INTEGER;
  const found = rules
    .filter((rule) => !skip.has(rule.id) && !skip.has(rule.family))
    .flatMap((rule) => rule.check(set, resolved));
  return mergeVersions(found, resolved.kubernetesVersions)
    .map((finding, i) => ({ finding, i, rank: rankOf(finding) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ finding }) => finding);
}

/**
 * One finding for what several releases report alike: the same rule, object, path and message
 * once, naming the releases it holds for, or none when it holds for every release checked.
 */
function mergeVersions(findings: readonly Finding[], checked: readonly KubernetesVersion[]): Finding[] {
  const merged = new Map<string, { finding: Finding; versions?: Set<KubernetesVersion> }>();
  for (const f of findings) {
    const key = JSON.stringify([f.rule, f.file, f.object, f.path, f.message]);
    const seen = merged.get(key);
    if (!seen) merged.set(key, { finding: f, versions: f.versions && new Set(f.versions) });
    else if (seen.versions) for (const v of f.versions ?? checked) seen.versions.add(v);
  }
  return [...merged.values()].map(({ finding, versions }) => {
    const { versions: _, ...rest } = finding;
    if (!versions || checked.every((v) => versions.has(v))) return rest;
    return { ...rest, versions: checked.filter((v) => versions.has(v)) };
  });
}

/** The releases a finding holds for: its own, or every one checked. */
export function versionsOf(f: Finding, checked: readonly KubernetesVersion[] = KUBERNETES_VERSIONS): readonly KubernetesVersion[] {
  return f.versions ?? checked;
}

/** One line per finding: `file: object: path: message [rule]`, with the releases when not all. */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.object}: ${f.path}: ${f.message}${f.versions ? ` (Kubernetes ${f.versions.join(', ')})` : ''} [${f.rule}]`;
}

/** The family of a rule id. */
export function familyOf(ruleId: string): Family | undefined {
  return RULES.find((r) => r.id === ruleId)?.family ?? (ruleId === SERVER_RULE.id ? SERVER_RULE.family : undefined);
}
