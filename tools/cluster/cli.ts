// `npm run deploy|destroy|smoke -- <example> [profile]`: the cluster scripts, wired to the real
// kubectl. The work is in tools/cluster/.
import * as path from 'path';
import { EXAMPLES } from '../../examples';
import { DEFAULT_PROFILE, PROFILES, getProfile } from '../../examples/profiles';
import { exampleYaml } from '../synth';
import { ClusterDeps, exitCode } from './common';
import { runDeploy, runDestroy } from './deploy';
import { kubectlTimeout, spawnKubectl, stopAll } from './kubectl';
import { PROBES, kubectlForward, runSmoke } from './smoke';

const COMMANDS = { deploy: runDeploy, destroy: runDestroy, smoke: runSmoke } as const;

async function main(): Promise<number> {
  const [command, ...argv] = process.argv.slice(2);
  const root = path.resolve(path.dirname(process.argv[1]), '..', '..');
  const run = COMMANDS[command as keyof typeof COMMANDS];
  if (!run) {
    console.error(`unknown command "${command}": use ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  return exitCode(command, () => {
    const timeoutSeconds = kubectlTimeout(process.env);
    const deps: ClusterDeps = {
      root,
      examples: EXAMPLES.map((e) => e.name),
      profiles: PROFILES,
      defaultProfile: DEFAULT_PROFILE,
      kubectl: spawnKubectl(root, process.env, timeoutSeconds),
      out: (line) => console.log(line),
      freshYaml: (example, profile) => exampleYaml(EXAMPLES.find((e) => e.name === example)!, getProfile(profile)),
      timeoutSeconds,
      env: process.env,
    };
    return run(argv, { ...deps, forward: kubectlForward(root, process.env, timeoutSeconds * 1000), probes: PROBES });
  }, (line) => console.error(line));
}

// Ctrl-C: kubectl runs in process groups of its own, which the terminal does not signal.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    stopAll();
    process.exit(code);
  });
}

main().then((code) => { process.exitCode = code; });
