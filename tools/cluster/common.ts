// What deploy, destroy and smoke share: their arguments, the example's manifests, and how a
// command's outcome becomes an exit code and one line of output.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import { InputError, K8sObject, parseManifests } from '../../validator/model';
import { unfinishedSynth } from '../synth/outdir';
import { Kubectl, UserError, firstLine } from './kubectl';

/** What the scripts need to know of a profile. */
export interface ProfileInfo {
  readonly name: string;
  readonly ingressClassName?: string;
  readonly storageClassName?: string;
  readonly gateway?: { readonly className: string };
}

export interface ClusterDeps {
  /** The repository root: kubectl runs there, and reads `dist/<profile>/<example>.yaml`. */
  readonly root: string;
  readonly examples: readonly string[];
  readonly profiles: readonly ProfileInfo[];
  readonly defaultProfile: string;
  readonly kubectl: Kubectl;
  /** Prints one line of output. */
  readonly out: (line: string) => void;
  /**
   * The YAML a fresh synth writes for an example and profile; when given, deploy refuses a
   * dist/ file that differs from it (an edited chart.ts that was not synthesized).
   */
  readonly freshYaml?: (example: string, profile: string) => string;
  /** How long one kubectl call may take, in seconds (KUBECTL_TIMEOUT); DEFAULT_TIMEOUT_SECONDS when not given. */
  readonly timeoutSeconds?: number;
  /** The environment kubectl runs with: when given, a missing or broken kubeconfig is named as such. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface Target {
  readonly example: string;
  readonly profile: ProfileInfo;
  /** `dist/<profile>/<example>.yaml`, relative to the root. */
  readonly file: string;
  readonly objects: K8sObject[];
  /** The example's namespace. */
  readonly namespace: string;
}

/** Parses `<example> [profile]`; throws a UserError that lists the valid values. */
export function parseTarget(command: string, argv: readonly string[], deps: ClusterDeps): { example: string; profile: ProfileInfo } {
  const usage = `usage: npm run ${command} -- <example> [profile]; examples: ${deps.examples.join(', ')}; profiles: ${deps.profiles.map((p) => p.name).join(', ')}`;
  const { tokens } = util.parseArgs({ args: [...argv], options: {}, strict: false, allowPositionals: true, tokens: true });
  // The commands take no option: any (`-f`, `--force`, even `--`) is refused.
  const option = tokens.find((t) => t.kind !== 'positional');
  if (option) throw new UserError(`unknown option "${argv[option.index]}": ${usage}`);
  const positionals = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  if (positionals.length === 0 || positionals.length > 2) throw new UserError(usage);
  const [example, profileName = deps.defaultProfile] = positionals;
  if (!deps.examples.includes(example)) throw new UserError(`unknown example "${example}": known examples are ${deps.examples.join(', ')}`);
  const profile = deps.profiles.find((p) => p.name === profileName);
  if (!profile) throw new UserError(`unknown profile "${profileName}": valid profiles are ${deps.profiles.map((p) => p.name).join(', ')}`);
  return { example, profile };
}

/** Reads the example's manifests from dist/ and finds its namespace. */
export function loadTarget(example: string, profile: ProfileInfo, deps: ClusterDeps): Target {
  const file = path.posix.join('dist', profile.name, `${example}.yaml`);
  const full = path.join(deps.root, file);
  if (unfinishedSynth(path.join(deps.root, 'dist'))) {
    throw new UserError('dist/ is being written by npm run synth (or one was killed while writing it): wait for it, or run npm run synth');
  }
  if (!fs.existsSync(full)) throw new UserError(`${file} does not exist: run npm run synth first`);
  const text = fs.readFileSync(full, 'utf8');
  if (deps.freshYaml && deps.freshYaml(example, profile.name) !== text) {
    throw new UserError(`${file} is older than examples/${example}: run npm run synth first`);
  }
  const objects = readObjects(file, text);
  const namespace = objects.find((o) => o.kind === 'Namespace')?.metadata?.name ?? objects.find((o) => o.metadata?.namespace)?.metadata?.namespace;
  if (!namespace) throw new UserError(`${file} has no namespace`);
  return { example, profile, file, objects, namespace };
}

/** The objects of an example's file, read as the validator reads them; a file it refuses is the user's to fix. */
function readObjects(file: string, text: string): K8sObject[] {
  try {
    return parseManifests(file, text).map((m) => m.object);
  } catch (err) {
    if (err instanceof InputError) throw new UserError(err.message);
    throw err;
  }
}

/** The one line a failed kubectl call leaves: its first error line. */
export function kubectlError(result: { stderr: string; stdout: string }): string {
  const lines = result.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(error|Error from server)/.test(l)) || firstLine(result.stderr) || firstLine(result.stdout) || 'no output';
}

/**
 * Runs a command and turns its outcome into an exit code: a UserError is one line on stderr,
 * anything else is one line too, with the stack only when DEBUG is set.
 */
export async function exitCode(command: string, run: () => Promise<number>, err: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await run();
  } catch (e) {
    const error = e as Error;
    const message = String(error?.message ?? e).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    if (error instanceof UserError) err(`${command}: ${message}`);
    else err(`${command}: unexpected error: ${message}${env.DEBUG ? `\n${error.stack}` : ' (set DEBUG=1 for the stack)'}`);
    return 1;
  }
}
