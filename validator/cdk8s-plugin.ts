// The validator as a cdk8s validation plugin: `cdk8s synth` then checks what it synthesized and
// reports findings with the construct path of each object. cdk8s.yaml:
//
//   validations:
//     - package: ./validator/cdk8s-plugin.js
//       class: KubernetesValidation
//       version: 0.1.0
//       properties:            # all optional; the same options as npm run validate
//         podSecurity: restricted
//         cpuBudgetMillis: 1000
//         memoryBudgetMiB: 1536
//         external: [Secret/web-tls]
//         skip: [hardening]
//
// cdk8s-plugin.js loads this file (cdk8s-cli needs JavaScript).
import * as path from 'path';
import type { Validation, ValidationContext } from 'cdk8s-cli/lib/plugins';
import { DEFAULT_OPTIONS, RULES, isRuleOrFamily, validate } from './index';
import { InputError, ReadBudget, groupByFolder, readManifests } from './load';
import { ManifestSet } from './manifest-set';
import { Finding, Manifest, PodSecurityLevel, ValidateOptions, objectRef } from './types';

/** The `properties` of the plugin in cdk8s.yaml. */
export interface KubernetesValidationProps {
  /** @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /** @default 1000 */
  readonly cpuBudgetMillis?: number;
  /** @default 1536 */
  readonly memoryBudgetMiB?: number;
  /** Objects that exist in the cluster already: `Kind/name` or `Kind/namespace/name`. @default - none */
  readonly external?: string[];
  /** Rule ids or families to leave out. @default - none */
  readonly skip?: string[];
}

/** Checks the properties; throws an error that names the bad one. */
export function optionsOf(props: KubernetesValidationProps): Required<ValidateOptions> {
  const known = ['podSecurity', 'cpuBudgetMillis', 'memoryBudgetMiB', 'external', 'skip'];
  for (const key of Object.keys(props)) {
    if (!known.includes(key)) throw new Error(`unknown property "${key}" of the validation plugin: use ${known.join(', ')}`);
  }
  const options: Required<ValidateOptions> = { ...DEFAULT_OPTIONS, ...props };
  if (!['restricted', 'baseline', 'privileged'].includes(options.podSecurity)) throw new Error(`podSecurity "${options.podSecurity}" is not restricted, baseline or privileged`);
  for (const key of ['cpuBudgetMillis', 'memoryBudgetMiB'] as const) {
    if (typeof options[key] !== 'number' || !(options[key] > 0)) throw new Error(`${key} ${JSON.stringify(options[key])} must be a positive number`);
  }
  for (const name of options.skip) if (!isRuleOrFamily(name)) throw new Error(`skip "${name}" is neither a rule nor a family`);
  return options;
}

/** The cdk8s validation plugin. */
export class KubernetesValidation implements Validation {
  private readonly options: Required<ValidateOptions>;

  constructor(props: KubernetesValidationProps = {}) {
    this.options = optionsOf(props);
  }

  public async validate(context: ValidationContext): Promise<void> {
    const findings: Finding[] = [];
    const objects = new Map<string, Manifest>();
    let sets = 0;
    const budget = new ReadBudget();
    try {
      // Each folder is one set: synth writes one folder per profile.
      for (const files of groupByFolder(context.manifests, false).values()) {
        const manifests = files.flatMap((file) => readManifests(file, budget));
        for (const m of manifests) objects.set(`${m.file}\0${objectRef(m.object)}`, m);
        for (const finding of validate(new ManifestSet(manifests, this.options.external), this.options)) findings.push(finding);
        sets++;
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      context.report.addViolation({ ruleName: 'input', recommendation: err.message, fix: 'synthesize Kubernetes objects only', violatingResources: [] });
      context.report.submit('failure');
      return;
    }
    for (const rule of RULES) {
      const ofRule = findings.filter((f) => f.rule === rule.id);
      if (ofRule.length === 0) continue;
      context.report.addViolation({
        ruleName: `${rule.id} (${rule.family})`,
        recommendation: rule.description,
        fix: 'change each location as its message says',
        violatingResources: ofRule.map((f) => ({
          resourceName: resourceName(context, f, objects.get(`${f.file}\0${f.object}`)),
          locations: [`${f.path}: ${f.message}`],
          manifestPath: f.file,
        })),
      });
    }
    context.report.submit(findings.length > 0 ? 'failure' : 'success', {
      objects: String(objects.size),
      sets: String(sets),
      podSecurity: this.options.podSecurity,
    });
  }
}

/**
 * How the report names an object. cdk8s looks its construct path up by this name in
 * construct-metadata.json: this project keys it by `Kind/namespace/name` (see tools/synth.ts),
 * a plain cdk8s app by metadata.name.
 */
function resourceName(context: ValidationContext, finding: Finding, manifest: Manifest | undefined): string {
  if (Object.hasOwn(context.metadata, finding.object)) return finding.object;
  const name = manifest?.object?.metadata?.name;
  return typeof name === 'string' && Object.hasOwn(context.metadata, name) ? name : `${finding.object} (${path.basename(finding.file)})`;
}
