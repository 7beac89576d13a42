// `npm run deploy|destroy|smoke -- <example> [profile]`: the cluster scripts, wired to the real
// kubectl. The work is in tools/cluster/.
import * as path from 'path';
import { EXAMPLES } from '../../examples';
import { DEFAULT_PROFILE, PROFILES, getProfile } from '../../examples/profiles';
import { exampleYaml } from '../synth';
import { ClusterDeps, exitCode } from './common';
import { runDeploy, runDestroy } from './deploy';
import { spawnKubectl } from './kubectl';
import { PROBES, kubectlForward, runSmoke } from './smoke';

const COMMANDS = { deploy: runDeploy, destroy: runDestroy, smoke: runSmoke } as const;

async function main(): Promise<number> {
  const [command, ...argv] = process.argv.slice(2);
  const root = path.resolve(path.dirname(process.argv[1]), '..', '..');
  const deps: ClusterDeps = {
    root,
    examples: EXAMPLES.map((e) => e.name),
    profiles: PROFILES,
    defaultProfile: DEFAULT_PROFILE,
    kubectl: spawnKubectl(root),
    out: (line) => console.log(line),
    freshYaml: (example, profile) => exampleYaml(EXAMPLES.find((e) => e.name === example)!, getProfile(profile)),
  };
  const run = COMMANDS[command as keyof typeof COMMANDS];
  if (!run) {
    console.error(`unknown command "${command}": use ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  return exitCode(command, () => run(argv, { ...deps, forward: kubectlForward(root), probes: PROBES }), (line) => console.error(line));
}

main().then((code) => { process.exitCode = code; });
