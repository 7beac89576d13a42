import { RUNS_ON_MINIKUBE } from './rules/runs-on-minikube';
import { Finding, Manifest, Rule, ValidateOptions } from './types';

export * from './types';
export { parseQuantity } from './quantity';

/** Every rule, in the order findings are reported. */
export const RULES: readonly Rule[] = [...RUNS_ON_MINIKUBE];

export const DEFAULT_OPTIONS: Required<ValidateOptions> = { cpuBudgetMillis: 1000, memoryBudgetMiB: 1536 };

/** Checks the manifests against every rule; an empty list means they are clean. */
export function validate(manifests: readonly Manifest[], options: ValidateOptions = {}, rules: readonly Rule[] = RULES): Finding[] {
  const resolved = { ...DEFAULT_OPTIONS, ...options };
  return rules.flatMap((rule) => rule.check(manifests, resolved));
}

/** One line per finding: `file: object: path: message [rule]`. */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.object}: ${f.path}: ${f.message} [${f.rule}]`;
}
