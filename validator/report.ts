// How `npm run validate` shows its findings: text grouped by file and object with a summary by
// family and, per container, the securityContext that fixes its pod security findings; or SARIF
// 2.1.0 for code-scanning tools. (JSON is in command.ts.)
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, isMap, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';
import { RULES, familyOf } from './index';
import { SERVER_RULE } from './server';
import { FAMILIES, Family, Finding, KubernetesVersion } from './types';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `8 findings: pod-security 4, runs-on-minikube 3, hardening 1`. */
export function countsByFamily(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(familyOf(f.rule) ?? 'other', (counts.get(familyOf(f.rule) ?? 'other') ?? 0) + 1);
  const order = Object.keys(FAMILIES);
  return [...counts].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([family, n]) => `${family} ${n}`).join(', ');
}

/** The fields of a container's securityContext that fix each rule's finding. */
const FIXES: Readonly<Record<string, ReadonlyArray<[string, string]>>> = {
  'no-privileged': [['privileged', 'false']],
  'proc-mount': [['procMount', 'Default']],
  'seccomp-profile': [['seccompProfile', '\n  type: RuntimeDefault']],
  'no-privilege-escalation': [['allowPrivilegeEscalation', 'false']],
  'run-as-non-root': [['runAsNonRoot', 'true']],
  'drop-all-capabilities': [['capabilities', '\n  drop: [ALL]']],
  'non-root-user': [['runAsUser', '10001  # a numeric user the image can run as']],
  'read-only-root-filesystem': [['readOnlyRootFilesystem', 'true  # mount an emptyDir where the program writes']],
};

/** The container a finding's path is in: `spec.template.spec.containers[0]`. */
function containerPath(p: string): string | undefined {
  return /^(.*?(?:containers|initContainers|ephemeralContainers)\[\d+\])/.exec(p)?.[1];
}

/**
 * For each container with pod security findings, one securityContext block that fixes them all
 * (and the user and read-only root that other rules ask for), ready to paste under the container.
 */
export function securityContextFixes(findings: readonly Finding[]): Map<string, string[]> {
  const byContainer = new Map<string, Map<string, string>>();
  for (const f of findings) {
    const container = containerPath(f.path);
    if (!container || !Object.hasOwn(FIXES, f.rule)) continue;
    const key = `${f.file}\0${f.object}\0${container}`;
    const fields = byContainer.get(key) ?? new Map<string, string>();
    for (const [field, value] of FIXES[f.rule]) fields.set(field, value);
    byContainer.set(key, fields);
  }
  const blocks = new Map<string, string[]>();
  for (const [key, fields] of byContainer) {
    if (![...fields.keys()].some((k) => ['privileged', 'procMount', 'seccompProfile', 'allowPrivilegeEscalation', 'runAsNonRoot', 'capabilities'].includes(k))) continue;
    const lines = ['securityContext:', ...[...fields].map(([field, value]) => (value.startsWith('\n') ? `  ${field}:${value.replace(/\n/g, '\n  ')}` : `  ${field}: ${value}`))];
    blocks.set(key, lines.join('\n').split('\n'));
  }
  return blocks;
}

/** Text output: findings grouped by file, then object, one line each; then the summary line. */
export function formatText(findings: readonly Finding[], summary: string, versions: readonly KubernetesVersion[], notes: readonly string[] = []): string[] {
  const out: string[] = [];
  const fixes = securityContextFixes(findings);
  let file: string | undefined;
  let object: string | undefined;
  const printed = new Set<string>();
  const flushFixes = () => {
    for (const [key, lines] of fixes) {
      const [f, o, container] = key.split('\0');
      if (f !== file || o !== object || printed.has(key)) continue;
      printed.add(key);
      out.push(`    fix for ${container}, ready to paste under it (merge with what it has):`, ...lines.map((l) => `      ${l}`));
    }
  };
  let group: string | undefined;
  for (const f of findings) {
    if (f.file !== file) {
      flushFixes();
      file = f.file;
      object = undefined;
      out.push(f.file);
    }
    if (f.object !== object) {
      flushFixes();
      object = f.object;
      group = undefined;
      out.push(`  ${f.object}`);
    }
    // Findings about one container sit under it, with paths and messages relative to it.
    const container = containerPath(f.path);
    const who = container && /^((?:init |sidecar |ephemeral )?container "[^"]*") /.exec(f.message)?.[1];
    if (container && who) {
      if (group !== container) out.push(`    ${who} at ${container}`);
      group = container;
      const field = f.path.slice(container.length).replace(/^\./, '') || '(the container)';
      out.push(`      ${field}: ${f.message.slice(who.length + 1)}${f.versions ? ` (Kubernetes ${f.versions.join(', ')})` : ''} [${f.rule}]`);
    } else {
      group = undefined;
      out.push(`    ${f.path}: ${f.message}${f.versions ? ` (Kubernetes ${f.versions.join(', ')})` : ''} [${f.rule}]`);
    }
  }
  flushFixes();
  out.push(...notes);
  const checked = `Kubernetes ${versions.join(' and ')}`;
  out.push(findings.length > 0
    ? `${plural(findings.length, 'finding')} (${countsByFamily(findings)}) in ${summary}, against ${checked}`
    : `no findings: ${summary}, against ${checked}`);
  return out;
}

/** The segments of a finding path: `spec.containers[0]["app.kubernetes.io/name"]`. */
export function pathSegments(p: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of p.matchAll(re)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}

/** Finds the line of a path in a file's documents; the line of the deepest part that exists. */
export class LineFinder {
  private readonly files = new Map<string, { documents: Node[]; lines: LineCounter } | undefined>();

  line(file: string, document: number, fieldPath: string): number | undefined {
    let parsed = this.files.get(file);
    if (!this.files.has(file)) {
      try {
        const lines = new LineCounter();
        const documents = parseAllDocuments(fs.readFileSync(file, 'utf8'), { lineCounter: lines, version: '1.1' });
        parsed = Array.isArray(documents) ? { documents: documents.map((d) => d.contents as Node), lines } : undefined;
      } catch {
        parsed = undefined;
      }
      this.files.set(file, parsed);
    }
    let node = parsed?.documents[document];
    if (!parsed || !node) return undefined;
    let start = node.range?.[0];
    for (const segment of pathSegments(fieldPath)) {
      let next: unknown;
      if (isMap(node)) next = node.items.find((pair) => (pair.key as { value?: unknown } | null)?.value === segment);
      else if (isSeq(node) && typeof segment === 'number') next = node.items[segment];
      if (!next) break;
      const pair = next as { key?: Node; value?: Node; range?: number[] };
      if (pair.key !== undefined) {
        start = pair.key?.range?.[0] ?? start;
        node = pair.value ?? undefined;
      } else {
        node = next as Node;
        start = node.range?.[0] ?? start;
      }
      if (!node) break;
    }
    return start === undefined ? undefined : parsed.lines.linePos(start).line;
  }
}

const LEVEL: Readonly<Record<Family, 'error' | 'warning'>> = {
  'schema': 'error', 'pod-security': 'error', 'wiring': 'error', 'runs-on-minikube': 'error', 'hardening': 'warning', 'server': 'error',
};

/**
 * SARIF 2.1.0: one run, the rules in tool.driver.rules, one result per finding with its rule,
 * level, message and location (the file as a relative URI and, where found, the line).
 */
export function toSarif(findings: readonly Finding[], documentOf: (f: Finding) => number | undefined, cwd = process.cwd()): object {
  const lines = new LineFinder();
  const index = new Map([...RULES, SERVER_RULE].map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'k8s-by-example validate',
          rules: [...RULES, SERVER_RULE].map((r) => ({
            id: r.id,
            shortDescription: { text: r.description },
            defaultConfiguration: { level: LEVEL[r.family] },
            properties: { family: r.family },
          })),
        },
      },
      results: findings.map((f) => {
        const family = familyOf(f.rule);
        const document = documentOf(f);
        const line = document === undefined || !fs.existsSync(f.file) ? undefined : lines.line(f.file, document, f.path);
        const uri = path.isAbsolute(f.file) ? path.relative(cwd, f.file) : f.file;
        return {
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          level: family ? LEVEL[family] : 'error',
          message: { text: `${f.object}: ${f.path}: ${f.message}${f.versions ? ` (Kubernetes ${f.versions.join(', ')})` : ''}` },
          locations: [{
            physicalLocation: { artifactLocation: { uri: uri.split(path.sep).join('/') }, ...(line ? { region: { startLine: line } } : {}) },
            logicalLocations: [{ fullyQualifiedName: `${f.object}/${f.path}` }],
          }],
        };
      }),
    }],
  };
}
