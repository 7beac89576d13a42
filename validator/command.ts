// What `npm run validate -- [options] [paths...]` does: checks Kubernetes YAML against the rules
// of the validator. `npm run validate -- --help` lists the options and exit codes.
import * as path from 'path';
import * as util from 'util';
import { DEFAULT_OPTIONS, KUBERNETES_VERSIONS, RULES, familyOf, isRuleOrFamily, validate } from './index';
import { factsOf } from './image-facts';
import { formatText, toSarif } from './report';
import { SERVER_RULE, serverFindings } from './server';
import { asList } from './rules/helpers';
import { DEFAULT_LIMITS, EXIT, InputError, ReadBudget, ReadLimits, collectFiles, formatBytes, groupByFolder, readManifests } from './load';
import { ManifestSet } from './manifest-set';
import { parseQuantity } from './quantity';
import { FAMILIES, Finding, KubernetesVersion, Manifest, PodSecurityLevel, ValidateOptions, objectRef } from './types';

export { EXIT } from './load';

/** Where the command writes; the real process by default, buffers in tests. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

interface CliArgs {
  readonly paths: string[];
  readonly format: 'text' | 'json' | 'sarif';
  readonly together: boolean;
  /** A kubectl context whose API server dry-runs every object. */
  readonly context?: string;
  readonly help: boolean;
  readonly listRules: boolean;
  readonly options: Required<ValidateOptions>;
  readonly limits: ReadLimits;
}

const LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/** The default input: the synthesized examples. */
export const DEFAULT_PATH = 'dist';

export function usage(): string {
  return [
    'usage: npm run validate -- [options] [paths...]',
    '',
    `Checks Kubernetes YAML files and folders (default: ${DEFAULT_PATH}/) against the API of Kubernetes`,
    `${KUBERNETES_VERSIONS.join(' and ')}, the Pod Security Standards, the wiring between objects and what a default`,
    'minikube can run. Objects in the same folder are checked together, as one `kubectl apply` (one',
    'folder per profile in dist/); --together checks all of them as one set.',
    '',
    'What it knows: the text of the manifests, the API schema and the API server\'s single-field',
    'checks of each release, the Pod Security Standards, and a short table of well-known images',
    '(their user, port, writable paths; validator/image-facts.ts). What it cannot know: what an',
    'image not in that table runs, as which user, on which port and where it writes; whether an',
    'entrypoint or command exists in the image; whether probes succeed; whether traffic reaches',
    'the pods (network, DNS, NetworkPolicies in the cluster); admission webhooks and objects that',
    'already exist in the cluster. --context also asks a real API server (server-side dry run).',
    '',
    'options:',
    '  --format text|json|sarif     output: findings grouped by file and object (default), one JSON',
    '                               document, or SARIF 2.1.0 for code-scanning tools',
    `  --kubernetes-version V,...   the releases to check against: ${KUBERNETES_VERSIONS.join(', ')} (default: all; a finding that`,
    '                               holds for only some names them)',
    '  --pod-security LEVEL         restricted (default), baseline or privileged (no pod security checks)',
    `  --cpu-budget QUANTITY        CPU that all pods together may request (default ${DEFAULT_OPTIONS.cpuBudgetMillis}m)`,
    `  --memory-budget QUANTITY     memory that all pods together may request (default ${DEFAULT_OPTIONS.memoryBudgetMiB}Mi)`,
    '  --external KIND/NAME,...     objects that already exist in the cluster, so references to them are',
    '                               fine: Kind/name or Kind/namespace/name, e.g. Secret/web-tls',
    '  --skip RULE|FAMILY,...       leave out rules or whole families (see --list-rules)',
    '  --together                   check all inputs as one set, wherever they are',
    '  --context CONTEXT            also send every object to the API server of that kubectl context as',
    '                               a server-side dry run (nothing is created); refusals are server findings',
    `  --max-file-size SIZE         the largest file to read (default ${formatBytes(DEFAULT_LIMITS.maxFileBytes)}), e.g. 64Mi`,
    `  --max-total-size SIZE        all files together (default ${formatBytes(DEFAULT_LIMITS.maxTotalBytes)}), e.g. 1Gi`,
    '  --list-rules                 list every rule with its family and what it checks',
    '  --help                       this text',
    '',
    'exit codes:',
    `  ${EXIT.clean}  no findings                     ${EXIT.missingPath}  a path does not exist or cannot be read (FIFO, device, no permission)`,
    `  ${EXIT.findings}  findings                        ${EXIT.nothingToCheck}  nothing to check (no YAML files, or no objects in them)`,
    `  ${EXIT.usage}  bad option                      ${EXIT.notYaml}  a file is not valid YAML`,
    `                                     ${EXIT.notKubernetes}  a YAML document is not a Kubernetes object`,
    `                                     ${EXIT.internalError}  a bug in the validator (DEBUG=1 prints the stack)`,
    `                                     ${EXIT.overLimit}  an input is over a limit (file size, all files, aliases, nesting)`,
    `                                     ${EXIT.server}  --context: kubectl is missing or cannot reach the cluster`,
  ].join('\n');
}

function listRules(): string {
  const lines: string[] = [];
  for (const [family, description] of Object.entries(FAMILIES)) {
    lines.push(`${family}: ${description}`);
    for (const rule of [...RULES, SERVER_RULE].filter((r) => r.family === family)) lines.push(`  ${rule.id.padEnd(26)} ${rule.description}`);
  }
  return lines.join('\n');
}

class UsageError extends InputError {
  constructor(message: string) {
    super(`${message} (see --help)`, EXIT.usage);
  }
}

/** A budget flag's quantity, in millicores (cpu) or MiB (memory). */
function budget(flag: '--cpu-budget' | '--memory-budget', value: string): number {
  const parsed = parseQuantity(value);
  if (parsed === undefined || parsed <= 0) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a positive quantity such as ${flag === '--cpu-budget' ? '1000m or 2' : '1536Mi or 2Gi'}`);
  return flag === '--cpu-budget' ? Math.round(parsed * 1000) : parsed / 2 ** 20;
}

/** A size flag's quantity, in bytes. */
function size(flag: '--max-file-size' | '--max-total-size', value: string): number {
  const parsed = parseQuantity(value);
  if (parsed === undefined || !(parsed >= 1) || !Number.isSafeInteger(Math.floor(parsed))) throw new UsageError(`${flag} ${JSON.stringify(value)} is not a size such as 64Mi or 1Gi`);
  return Math.floor(parsed);
}

/** The options of the command: the ones that take a value, and the switches. */
const OPTIONS = {
  'format': { type: 'string' },
  'pod-security': { type: 'string' },
  'cpu-budget': { type: 'string' },
  'memory-budget': { type: 'string' },
  'external': { type: 'string', multiple: true },
  'skip': { type: 'string', multiple: true },
  'kubernetes-version': { type: 'string', multiple: true },
  'max-file-size': { type: 'string' },
  'max-total-size': { type: 'string' },
  'context': { type: 'string' },
  'together': { type: 'boolean' },
  'list-rules': { type: 'boolean' },
  'help': { type: 'boolean' },
} as const;

/**
 * Parses the command line; throws a UsageError on anything it does not know. Every argument that
 * does not start with `--` is a path (even `-x`); a switch ignores a value given with `=`.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const paths: string[] = [];
  let format: CliArgs['format'] = 'text';
  let podSecurity = DEFAULT_OPTIONS.podSecurity;
  let cpuBudgetMillis = DEFAULT_OPTIONS.cpuBudgetMillis;
  let memoryBudgetMiB = DEFAULT_OPTIONS.memoryBudgetMiB;
  const switches = new Set<string>();
  const shortArgs = new Set<number>();
  const external: string[] = [];
  const skip: string[] = [];
  const kubernetesVersions: KubernetesVersion[] = [];
  let { maxFileBytes, maxTotalBytes } = DEFAULT_LIMITS;
  let context: string | undefined;
  const { tokens } = util.parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') { paths.push(token.value); continue; }
    const arg = argv[token.index];
    if (token.kind === 'option-terminator') throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    if (!token.rawName.startsWith('--')) {
      // `-abc` comes as one token per letter, all with the same index: one path.
      if (!shortArgs.has(token.index)) paths.push(arg);
      shortArgs.add(token.index);
      continue;
    }
    const flag = token.rawName;
    if (!Object.prototype.hasOwnProperty.call(OPTIONS, token.name)) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    if (OPTIONS[token.name as keyof typeof OPTIONS].type === 'boolean') { switches.add(token.name); continue; }
    const value = token.value;
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    const list = () => value.split(',').map((v) => v.trim()).filter(Boolean);
    switch (token.name) {
      case 'format':
        if (value !== 'text' && value !== 'json' && value !== 'sarif') throw new UsageError(`--format ${JSON.stringify(value)} is not text, json or sarif`);
        format = value;
        break;
      case 'pod-security':
        if (!LEVELS.includes(value as PodSecurityLevel)) throw new UsageError(`--pod-security ${JSON.stringify(value)} is not one of ${LEVELS.join(', ')}`);
        podSecurity = value as PodSecurityLevel;
        break;
      case 'cpu-budget': cpuBudgetMillis = budget('--cpu-budget', value); break;
      case 'memory-budget': memoryBudgetMiB = budget('--memory-budget', value); break;
      case 'external':
        for (const ref of list()) {
          const parts = ref.split('/');
          if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) throw new UsageError(`--external ${JSON.stringify(ref)} is not Kind/name or Kind/namespace/name`);
          external.push(ref);
        }
        break;
      case 'kubernetes-version':
        for (const version of list()) {
          const known = KUBERNETES_VERSIONS.find((v) => v === version.replace(/^v/, '').replace(/^(\d+\.\d+)\.\d+$/, '$1'));
          if (!known) throw new UsageError(`--kubernetes-version ${JSON.stringify(version)} is not one of ${KUBERNETES_VERSIONS.join(', ')}`);
          if (!kubernetesVersions.includes(known)) kubernetesVersions.push(known);
        }
        break;
      case 'max-file-size': maxFileBytes = size('--max-file-size', value); break;
      case 'max-total-size': maxTotalBytes = size('--max-total-size', value); break;
      case 'context': context = value; break;
      default: // skip
        for (const name of list()) {
          if (!isRuleOrFamily(name)) throw new UsageError(`--skip ${JSON.stringify(name)} is neither a rule nor a family`);
          skip.push(name);
        }
        break;
    }
  }
  return {
    paths: paths.length > 0 ? paths : [DEFAULT_PATH],
    format,
    together: switches.has('together'),
    ...(context !== undefined ? { context } : {}),
    help: switches.has('help'),
    listRules: switches.has('list-rules'),
    options: {
      cpuBudgetMillis, memoryBudgetMiB, podSecurity, external, skip,
      kubernetesVersions: kubernetesVersions.length > 0 ? KUBERNETES_VERSIONS.filter((v) => kubernetesVersions.includes(v)) : KUBERNETES_VERSIONS,
    },
    limits: { maxFileBytes, maxTotalBytes },
  };
}

/** The result of checking the inputs. */
export interface CheckResult {
  readonly findings: Finding[];
  readonly objects: number;
  readonly files: number;
  readonly sets: number;
  /** The document of each object in its file, by `file\0object`, for line numbers. */
  readonly documents: ReadonlyMap<string, number>;
  /**
   * Images whose program the verdict does not cover: not in validator/image-facts.ts, started
   * with their own command, or shells whose command decides what they do.
   */
  readonly uncoveredImages: readonly string[];
  /** With --context: objects the API server could not judge (their Namespace is only in the manifests). */
  readonly notServerChecked: readonly string[];
}

/** Reads the paths, groups them into sets and validates each set. */
export function checkPaths(paths: readonly string[], options: Required<ValidateOptions>, together: boolean, limits: ReadLimits = DEFAULT_LIMITS, context?: string): CheckResult {
  const files = collectFiles(paths);
  const budget = new ReadBudget(limits);
  const findings: Finding[] = [];
  let objects = 0;
  const errors: InputError[] = [];
  const documents = new Map<string, number>();
  const uncovered = new Set<string>();
  const notServerChecked: string[] = [];
  const sets = groupByFolder(files, together);
  for (const setFiles of sets.values()) {
    const manifests: Manifest[] = [];
    for (const file of setFiles) {
      if (budget.exhausted) break; // said once: the files together are over the limit
      try {
        for (const manifest of readManifests(file, budget)) manifests.push(manifest);
      } catch (err) {
        if (err instanceof InputError) errors.push(err);
        else throw err;
      }
    }
    objects += manifests.length;
    for (const m of manifests) if (!documents.has(`${m.file}\0${objectRef(m.object)}`)) documents.set(`${m.file}\0${objectRef(m.object)}`, m.index);
    if (errors.length === 0) {
      const set = new ManifestSet(manifests, options.external);
      // One by one: a spread of a few hundred thousand findings would overflow the call stack.
      for (const finding of validate(set, options)) findings.push(finding);
      if (context !== undefined && !options.skip.includes('server') && !options.skip.includes(SERVER_RULE.id)) {
        const verdict = serverFindings(manifests, context);
        for (const finding of verdict.findings) findings.push(finding);
        for (const object of verdict.unchecked) notServerChecked.push(object);
      }
      for (const c of set.containers) {
        const image = c.container.image;
        if (typeof image !== 'string' || image === '') continue;
        const facts = factsOf(image);
        if (!facts || asList(c.container.command).length > 0 || facts.runsCommand) uncovered.add(image);
      }
    }
  }
  if (errors.length > 0) throw new AggregateInputError(errors);
  if (objects === 0) throw new InputError(`${paths.join(', ')}: no Kubernetes objects in ${files.length === 1 ? 'this file' : `these ${files.length} files`}`, EXIT.nothingToCheck);
  return { findings, objects, files: files.length, sets: sets.size, documents, uncoveredImages: [...uncovered].sort(), notServerChecked };
}

/** Several input errors at once; the exit code is the first one's. */
export class AggregateInputError extends InputError {
  constructor(public readonly errors: readonly InputError[]) {
    super(errors.map((e) => e.message).join('\n'), errors[0].exitCode);
  }
}

const PROCESS_IO: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The validate command: returns the exit code. Never throws; one line per problem. */
export function runValidate(argv: readonly string[], io: CliIo = PROCESS_IO, env: NodeJS.ProcessEnv = process.env): number {
  let format: CliArgs['format'] = argv.includes('--format=json') || argv.some((a, i) => a === '--format' && argv[i + 1] === 'json') ? 'json' : 'text';
  if (argv.includes('--format=sarif') || argv.some((a, i) => a === '--format' && argv[i + 1] === 'sarif')) format = 'sarif';
  try {
    const args = parseArgs(argv);
    format = args.format;
    if (args.help) {
      io.stdout(usage());
      return EXIT.clean;
    }
    if (args.listRules) {
      io.stdout(format === 'json'
        ? JSON.stringify({ families: FAMILIES, rules: RULES.map((r) => ({ id: r.id, family: r.family, description: r.description })) }, null, 2)
        : listRules());
      return EXIT.clean;
    }
    const result = checkPaths(args.paths.map((p) => path.normalize(p)), args.options, args.together, args.limits, args.context);
    const exitCode = result.findings.length > 0 ? EXIT.findings : EXIT.clean;
    const summary = `${plural(result.objects, 'object')} in ${plural(result.files, 'file')} (${plural(result.sets, 'set')} checked together)`;
    const versions = args.options.kubernetesVersions;
    if (format === 'json') {
      io.stdout(JSON.stringify({
        exitCode,
        kubernetesVersions: versions,
        summary: { objects: result.objects, files: result.files, sets: result.sets, findings: result.findings.length },
        findings: result.findings.map((f) => ({ rule: f.rule, family: familyOf(f.rule), file: f.file, object: f.object, path: f.path, message: f.message, versions: f.versions ?? versions })),
        notCovered: { images: result.uncoveredImages, ...(args.context !== undefined ? { serverObjects: result.notServerChecked } : {}) },
        errors: [],
      }, null, 2));
    } else if (format === 'sarif') {
      io.stdout(JSON.stringify(toSarif(result.findings, (f) => result.documents.get(`${f.file}\0${f.object}`)), null, 2));
    } else {
      const notes = [
        ...(result.notServerChecked.length === 0 ? [] : [`not checked by the API server: ${result.notServerChecked.join(', ')}`]),
      ];
      if (result.uncoveredImages.length > 0) notes.push(
        `not covered: the rules do not know which user, port and writable paths ${result.uncoveredImages.length === 1 ? 'this image needs' : 'these images need'} (or their command replaces what is known): ${result.uncoveredImages.join(', ')}; the verdict covers the manifests, not ${result.uncoveredImages.length === 1 ? 'that image' : 'those images'}`);
      for (const line of formatText(result.findings, summary, versions, notes)) io.stdout(line);
    }
    return exitCode;
  } catch (err) {
    const inputError = err instanceof InputError;
    const exitCode = inputError ? err.exitCode : EXIT.internalError;
    const messages = err instanceof AggregateInputError ? err.errors.map((e) => e.message)
      : inputError ? [err.message]
        : [`internal error: ${String((err as Error)?.message ?? err).split('\n')[0]}${env.DEBUG ? `\n${(err as Error)?.stack}` : ' (set DEBUG=1 for the stack)'}`];
    for (const message of messages) io.stderr(`validate: ${message}`);
    if (format === 'json') io.stdout(JSON.stringify({ exitCode, summary: null, findings: [], errors: messages }, null, 2));
    if (format === 'sarif') {
      io.stdout(JSON.stringify({
        version: '2.1.0',
        runs: [{
          tool: { driver: { name: 'k8s-by-example validate', rules: [] } },
          invocations: [{ executionSuccessful: false, exitCode, toolExecutionNotifications: messages.map((text) => ({ level: 'error', message: { text } })) }],
          results: [],
        }],
      }, null, 2));
    }
    return exitCode;
  }
}
