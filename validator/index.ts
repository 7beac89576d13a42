import { ManifestSet } from './manifest-set';
import { BATCH_HARDENING_RULES, BATCH_SCHEMA_RULES } from './rules/batch';
import { GATEWAY_RULES } from './rules/gateway';
import { HARDENING_RULES } from './rules/hardening';
import { POD_SECURITY_RULES } from './rules/pod-security';
import { POLICY_RULES } from './rules/policy';
import { RUNS_ON_MINIKUBE } from './rules/runs-on-minikube';
import { SCHEMA_RULES } from './rules/schema';
import { WIRING_RULES } from './rules/wiring';
import { FAMILIES, Family, Finding, Manifest, Rule, ValidateOptions, objectRef } from './types';

export * from './types';
export { ManifestSet, EXTERNAL_REFS_ANNOTATION } from './manifest-set';
export { parseQuantity } from './quantity';

/** Every rule, in the order findings are reported. */
export const RULES: readonly Rule[] = [
  ...SCHEMA_RULES, ...BATCH_SCHEMA_RULES, ...POD_SECURITY_RULES, ...WIRING_RULES, ...GATEWAY_RULES, ...RUNS_ON_MINIKUBE,
  ...POLICY_RULES, ...HARDENING_RULES, ...BATCH_HARDENING_RULES,
];

export const DEFAULT_OPTIONS: Required<ValidateOptions> = {
  cpuBudgetMillis: 1000,
  memoryBudgetMiB: 1536,
  podSecurity: 'restricted',
  external: [],
  skip: [],
};

/** Whether a name is a rule id or a family. */
export function isRuleOrFamily(name: string): boolean {
  return RULES.some((r) => r.id === name) || Object.prototype.hasOwnProperty.call(FAMILIES, name);
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
  return rules
    .filter((rule) => !skip.has(rule.id) && !skip.has(rule.family))
    .flatMap((rule) => rule.check(set, resolved))
    .map((finding, i) => ({ finding, i, rank: rankOf(finding) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ finding }) => finding);
}

/** One line per finding: `file: object: path: message [rule]`. */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.object}: ${f.path}: ${f.message} [${f.rule}]`;
}

/** The family of a rule id. */
export function familyOf(ruleId: string): Family | undefined {
  return RULES.find((r) => r.id === ruleId)?.family;
}
