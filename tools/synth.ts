import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { EXAMPLES, Example } from '../examples';
import { DEFAULT_PROFILE, PROFILES, Profile, getProfile } from '../examples/profiles';

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

/**
 * Writes the files of every profile folder under `outdir`, all or nothing: everything is
 * synthesized in memory first, and written to a staging folder that then replaces each profile
 * folder. If any chart throws, `outdir` is left exactly as it was.
 */
export function writeAtomically(outdir: string, profiles: readonly Profile[], files: Map<string, string>): void {
  const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), `.${path.basename(outdir)}-staging-`));
  try {
    for (const [file, text] of files) {
      fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      fs.writeFileSync(path.join(staging, file), text);
    }
    fs.mkdirSync(outdir, { recursive: true });
    for (const profile of profiles) {
      const target = path.join(outdir, profile.name);
      const old = path.join(staging, `${profile.name}.old`);
      if (fs.existsSync(target)) fs.renameSync(target, old);
      fs.renameSync(path.join(staging, profile.name), target);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The file `cdk8s synth` reads construct paths from, in the outdir. */
export const CONSTRUCT_METADATA = 'construct-metadata.json';

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

/** Parses `[--profile NAME] [--outdir DIR] [--help]`; throws on anything else. */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SynthArgs {
  let profileName = env.SYNTH_PROFILE;
  let outdir = env.CDK8S_OUTDIR ?? DEFAULT_OUTDIR;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--profile') profileName = value();
    else if (flag === '--outdir') outdir = value();
    else if (flag === '--help' || flag === '-h') help = true;
    else throw new Error(`unknown argument "${argv[i]}": usage: npm run synth -- [--profile ${PROFILES.map((p) => p.name).join('|')}] [--outdir DIR]`);
  }
  const profiles = profileName === undefined ? PROFILES : [getProfile(profileName)];
  return { profiles, outdir, help };
}

export function usage(): string {
  return [
    'usage: npm run synth -- [--profile NAME] [--outdir DIR]',
    '',
    `Writes <outdir>/<profile>/<example>.yaml for every example (outdir: ${DEFAULT_OUTDIR}).`,
    'Without --profile, every profile is synthesized. Profiles:',
    ...PROFILES.map((p) => `  ${p.name.padEnd(9)} ${p.description}${p.name === DEFAULT_PROFILE ? ' (default)' : ''}`),
    'Examples:',
    ...EXAMPLES.map((e) => `  ${e.name.padEnd(11)} ${e.concept}`),
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
    const files = synthesizeFiles(args.profiles, examples);
    writeAtomically(args.outdir, args.profiles, files);
    if (env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true') {
      fs.writeFileSync(path.join(args.outdir, CONSTRUCT_METADATA), constructMetadata(args.profiles));
    }
    console.log(`synthesized ${files.size} files into ${args.outdir}/ (${args.profiles.map((p) => p.name).join(', ')})`);
    return 0;
  } catch (err) {
    const error = err as Error;
    const oneLine = String(error.message ?? err).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    console.error(`synth failed: ${oneLine}${env.DEBUG ? `\n${error.stack}` : ' (set DEBUG=1 for the stack)'}`);
    return 1;
  }
}
