// What `npm run validate -- [options] [paths...]` does: checks Kubernetes YAML against the rules
// of the validator. `npm run validate -- --help` lists the options and exit codes.
import * as path from 'path';
import * as util from 'util';
import { DEFAULT_OPTIONS, RULES, familyOf, formatFinding, isRuleOrFamily, validate } from './index';
import { DEFAULT_LIMITS, EXIT, InputError, ReadBudget, ReadLimits, collectFiles, formatBytes, groupByFolder, readManifests } from './load';
import { ManifestSet } from './manifest-set';
import { parseQuantity } from './quantity';
import { FAMILIES, Finding, Manifest, PodSecurityLevel, ValidateOptions } from './types';

export { EXIT } from './load';

/** Where the command writes; the real process by default, buffers in tests. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

interface CliArgs {
  readonly paths: string[];
  readonly format: 'text' | 'json';
  readonly together: boolean;
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
    `Checks Kubernetes YAML files and folders (default: ${DEFAULT_PATH}/) against the Kubernetes 1.28 API, the`,
    'Pod Security Standards, the wiring between objects and what a default minikube can run.',
    'Objects in the same folder are checked together, as one `kubectl apply` (one folder per',
    'profile in dist/); --together checks all of them as one set.',
    '',
    'options:',
    '  --format text|json           output: one line per finding (default), or one JSON document',
    '  --pod-security LEVEL         restricted (default), baseline or privileged (no pod security checks)',
    `  --cpu-budget QUANTITY        CPU that all pods together may request (default ${DEFAULT_OPTIONS.cpuBudgetMillis}m)`,
    `  --memory-budget QUANTITY     memory that all pods together may request (default ${DEFAULT_OPTIONS.memoryBudgetMiB}Mi)`,
    '  --external KIND/NAME,...     objects that already exist in the cluster, so references to them are',
    '                               fine: Kind/name or Kind/namespace/name, e.g. Secret/web-tls',
    '  --skip RULE|FAMILY,...       leave out rules or whole families (see --list-rules)',
    '  --together                   check all inputs as one set, wherever they are',
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
  ].join('\n');
}

function listRules(): string {
  const lines: string[] = [];
  for (const [family, description] of Object.entries(FAMILIES)) {
    lines.push(`${family}: ${description}`);
    for (const rule of RULES.filter((r) => r.family === family)) lines.push(`  ${rule.id.padEnd(26)} ${rule.description}`);
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
  'max-file-size': { type: 'string' },
  'max-total-size': { type: 'string' },
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
  let { maxFileBytes, maxTotalBytes } = DEFAULT_LIMITS;
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
        if (value !== 'text' && value !== 'json') throw new UsageError(`--format ${JSON.stringify(value)} is not text or json`);
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
      case 'max-file-size': maxFileBytes = size('--max-file-size', value); break;
      case 'max-total-size': maxTotalBytes = size('--max-total-size', value); break;
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
    help: switches.has('help'),
    listRules: switches.has('list-rules'),
    options: { cpuBudgetMillis, memoryBudgetMiB, podSecurity, external, skip },
    limits: { maxFileBytes, maxTotalBytes },
  };
}

/** The result of checking the inputs. */
export interface CheckResult {
  readonly findings: Finding[];
  readonly objects: number;
  readonly files: number;
  readonly sets: number;
}

/** Reads the paths, groups them into sets and validates each set. */
export function checkPaths(paths: readonly string[], options: Required<ValidateOptions>, together: boolean, limits: ReadLimits = DEFAULT_LIMITS): CheckResult {
  const files = collectFiles(paths);
  const budget = new ReadBudget(limits);
  const findings: Finding[] = [];
  let objects = 0;
  const errors: InputError[] = [];
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
    // One by one: a spread of a few hundred thousand findings would overflow the call stack.
    if (errors.length === 0) for (const finding of validate(new ManifestSet(manifests, options.external), options)) findings.push(finding);
  }
  if (errors.length > 0) throw new AggregateInputError(errors);
  if (objects === 0) throw new InputError(`${paths.join(', ')}: no Kubernetes objects in ${files.length === 1 ? 'this file' : `these ${files.length} files`}`, EXIT.nothingToCheck);
  return { findings, objects, files: files.length, sets: sets.size };
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
    const result = checkPaths(args.paths.map((p) => path.normalize(p)), args.options, args.together, args.limits);
    const exitCode = result.findings.length > 0 ? EXIT.findings : EXIT.clean;
    const summary = `${plural(result.objects, 'object')} in ${plural(result.files, 'file')} (${plural(result.sets, 'set')} checked together)`;
    if (format === 'json') {
      io.stdout(JSON.stringify({
        exitCode,
        summary: { objects: result.objects, files: result.files, sets: result.sets, findings: result.findings.length },
        findings: result.findings.map((f) => ({ rule: f.rule, family: familyOf(f.rule), file: f.file, object: f.object, path: f.path, message: f.message })),
        errors: [],
      }, null, 2));
    } else {
      for (const f of result.findings) io.stdout(formatFinding(f));
      io.stdout(result.findings.length > 0
        ? `${plural(result.findings.length, 'finding')} in ${summary}`
        : `no findings: ${summary}`);
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
    return exitCode;
  }
}
