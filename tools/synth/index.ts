import * as path from 'path';
import * as util from 'util';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { EXAMPLES, Example } from '../../examples';
import { DEFAULT_PROFILE, PROFILES, Profile, getProfile } from '../../examples/profiles';
import { EXIT, OutdirError, RESERVED_FILE, checkOutdir, legacyLeftovers, writeOutdir } from './outdir';

/** The output folder of `npm run synth`, relative to the project root. */
export const DEFAULT_OUTDIR = 'dist';

/** Builds one example's chart for a profile, in an app of its own (never synthesized: nothing is written). */
export function buildExample(example: Example, profile: Profile): Chart {
  return example.create(new App(), profile);
}

/** The YAML of one example in one profile: exactly the text of `dist/<profile>/<example>.yaml`. */
export function exampleYaml(example: Example, profile: Profile): string {
  return Yaml.stringify(...buildExample(example, profile).toJson());
}

/** Every file that synth writes, as a map from path relative to the outdir to its text. */
export function synthesizeFiles(profiles: readonly Profile[], examples: readonly Example[] = EXAMPLES): Map<string, string> {
  const files = new Map<string, string>();
  for (const profile of profiles) {
    // All charts of a profile share one app, as in `cdk8s synth`, so the app validates them together.
    const app = new App({ outdir: path.join(DEFAULT_OUTDIR, profile.name) });
    const charts = examples.map((example) => ({ example, chart: example.create(app, profile) }));
    for (const { example, chart } of charts) {
      files.set(path.join(profile.name, `${example.name}.yaml`), Yaml.stringify(...chart.toJson()));
    }
  }
  return files;
}

/** The file `cdk8s synth` reads construct paths from, in the outdir. */
export const CONSTRUCT_METADATA = RESERVED_FILE;

/**
 * The construct path of every object, keyed `Kind/namespace/name` (`Kind/name` without a
 * namespace), as cdk8s validation plugins read it from construct-metadata.json: `cdk8s synth`
 * asks for it (CDK8S_RECORD_CONSTRUCT_METADATA=true) when cdk8s.yaml has validations, so that
 * their reports name the construct of each finding.
 */
export function constructMetadata(profiles: readonly Profile[]): string {
  const resources: Record<string, { path: string }> = {};
  for (const profile of profiles) {
    const app = new App({ outdir: path.join(DEFAULT_OUTDIR, profile.name) });
    for (const example of EXAMPLES) {
      for (const object of example.create(app, profile).node.findAll().filter(ApiObject.isApiObject)) {
        const { kind, metadata } = object.toJson();
        resources[[kind, metadata?.namespace, metadata?.name].filter((p) => p !== undefined).join('/')] = { path: object.node.path };
      }
    }
  }
  return JSON.stringify({ version: '1.0.0', resources });
}

interface SynthArgs {
  readonly profiles: readonly Profile[];
  readonly outdir: string;
  readonly help: boolean;
}

/** A bad argument: exit code 2. */
class ArgumentError extends Error {}

/** Parses `[--profile NAME] [--outdir DIR] [--help]`; throws on anything else. */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SynthArgs {
  let profileName = env.SYNTH_PROFILE;
  let outdir = env.CDK8S_OUTDIR ?? DEFAULT_OUTDIR;
  let help = false;
  const { tokens } = util.parseArgs({
    args: [...argv], strict: false, allowPositionals: true, tokens: true,
    options: { profile: { type: 'string' }, outdir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  for (const token of tokens) {
    const known = token.kind === 'option' && ['profile', 'outdir', 'help'].includes(token.name);
    if (!known) {
      const arg = argv[token.index];
      throw new ArgumentError(`unknown argument "${arg}": usage: npm run synth -- [--profile ${PROFILES.map((p) => p.name).join('|')}] [--outdir DIR]`);
    }
    if (token.kind !== 'option') continue;
    if (token.name === 'help') {
      help = true;
      continue;
    }
    if (token.value === undefined || token.value === '') throw new ArgumentError(`--${token.name} needs a value`);
    if (token.name === 'profile') profileName = token.value;
    else outdir = token.value;
  }
  let profiles: readonly Profile[] = PROFILES;
  if (profileName !== undefined) {
    try {
      profiles = [getProfile(profileName)];
    } catch (err) {
      throw new ArgumentError((err as Error).message);
    }
  }
  return { profiles, outdir, help };
}

export function usage(): string {
  return [
    'usage: npm run synth -- [--profile NAME] [--outdir DIR]',
    '',
    `Writes <outdir>/<profile>/<example>.yaml for every example (outdir: ${DEFAULT_OUTDIR}), all or nothing.`,
    `The outdir is synth's own: a new or empty folder, or one it wrote before (it lists its files in`,
    `<outdir>/.synth-files, and replaces or removes only those). Without --profile, every profile is`,
    'synthesized. Profiles:',
    ...PROFILES.map((p) => `  ${p.name.padEnd(9)} ${p.description}${p.name === DEFAULT_PROFILE ? ' (default)' : ''}`),
    'Examples:',
    ...EXAMPLES.map((e) => `  ${e.name.padEnd(11)} ${e.concept}`),
    '',
    `Exit codes: 1 a chart failed, 2 a bad argument, ${EXIT.refused} the outdir is not synth's to write,`,
    `${EXIT.busy} another synth is writing it, ${EXIT.writeFailed} writing failed (the outdir was left as it was).`,
  ].join('\n');
}

/** The synth command: returns the exit code. One line on error; the stack with DEBUG=1. */
export function runSynth(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, examples: readonly Example[] = EXAMPLES): number {
  try {
    const args = parseSynthArgs(argv, env);
    if (args.help) {
      console.log(usage());
      return 0;
    }
    checkOutdir(args.outdir);
    const files = new Map<string, string>();
    for (const [file, text] of synthesizeFiles(args.profiles, examples)) files.set(file.split(path.sep).join('/'), text);
    const count = files.size;
    if (env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true') files.set(CONSTRUCT_METADATA, constructMetadata(args.profiles));
    const onlyUnder = args.profiles.length === PROFILES.length ? undefined : args.profiles.map((p) => p.name);
    writeOutdir(args.outdir, files, { onlyUnder });
    for (const leftover of legacyLeftovers(args.outdir)) {
      console.error(`synth: ${leftover} was left by an older synth that was killed; it may hold a profile folder it was replacing: look inside, then remove it`);
    }
    console.log(`synthesized ${count} files into ${args.outdir}/ (${args.profiles.map((p) => p.name).join(', ')})`);
    return 0;
  } catch (err) {
    const error = err as Error;
    const oneLine = String(error.message ?? err).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    console.error(`synth failed: ${oneLine}${env.DEBUG ? `\n${error.stack}` : ' (set DEBUG=1 for the stack)'}`);
    if (err instanceof OutdirError) return err.exitCode;
    return err instanceof ArgumentError ? 2 : 1;
  }
}
