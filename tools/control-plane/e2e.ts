// `npm run e2e [-- --context <ctx>] [-- --kubernetes 1.37.2] [jest options]`
//
// Without --context: builds the control plane if needed, starts it on loopback (harness.ts), runs
// the e2e suite (e2e/, its own jest config) against it, and stops every process it started, also
// when the suite fails or the run is interrupted.
// With --context: runs the same suite against that context of the user's kubeconfig, plus the
// HTTP smoke checks that need real pods; nothing is built or started.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BuildError, EXIT, ensureBinaries } from './build';
import { Cluster, isLoopback, startCluster } from './harness';
import { NOT_SIMULATED } from '../../e2e/not-simulated';

const root = path.resolve(__dirname.includes(`${path.sep}node_modules${path.sep}`) ? process.cwd() : path.join(__dirname, '..', '..'));

interface Args { context?: string; kubernetes?: string; profiles?: string; examples?: string; updateAgreement: boolean; jest: string[] }

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { jest: [], updateAgreement: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--context') args.context = argv[++i];
    else if (a.startsWith('--context=')) args.context = a.slice('--context='.length);
    else if (a === '--kubernetes') args.kubernetes = argv[++i];
    else if (a === '--profile') args.profiles = argv[++i];
    else if (a.startsWith('--profile=')) args.profiles = a.slice('--profile='.length);
    else if (a === '--example') args.examples = argv[++i];
    else if (a.startsWith('--example=')) args.examples = a.slice('--example='.length);
    else if (a === '--update-agreement') args.updateAgreement = true;
    else if (a.startsWith('--kubernetes=')) args.kubernetes = a.slice('--kubernetes='.length);
    else args.jest.push(a);
  }
  if (args.context === '') throw new BuildError('--context needs a context name (kubectl config get-contexts)', EXIT.usage);
  return args;
}

function runJest(env: NodeJS.ProcessEnv, extra: string[], children: Set<ChildProcess>): Promise<number> {
  const jest = require.resolve('jest/bin/jest', { paths: [root] });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [jest, '--config', path.join(root, 'e2e', 'jest.config.js'), '--runInBand', ...extra],
      { cwd: root, env, stdio: 'inherit', detached: true });
    children.add(child);
    child.on('exit', (code, signal) => { children.delete(child); resolve(code ?? (signal ? 128 : 1)); });
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`e2e: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const children = new Set<ChildProcess>();
  const selection: NodeJS.ProcessEnv = {
    ...(args.profiles ? { E2E_PROFILES: args.profiles } : {}),
    ...(args.examples ? { E2E_EXAMPLES: args.examples } : {}),
    ...(args.updateAgreement ? { E2E_UPDATE_AGREEMENT: '1' } : {}),
  };
  if (args.context) return againstContext(args, selection, children);

  let ensured;
  try {
    ensured = ensureBinaries({ kubernetesVersion: args.kubernetes, say: (l) => console.error(`e2e: ${l}`) });
  } catch (e) {
    if (e instanceof BuildError) {
      console.error(`e2e: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
  const built = Date.now();

  let cluster: Cluster | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    for (const child of children) { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ } }
    await cluster?.stop();
  })());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`e2e: ${signal}: stopping the control plane`);
      stop().finally(() => process.exit(130));
    });
  }
  try {
    cluster = await startCluster({ binaries: ensured.binaries, kwokStages: ensured.kwokStages, log: (l) => console.error(`e2e: ${l}`) });
    console.error(`e2e: Kubernetes v${ensured.kubernetesVersion} control plane up in ${(cluster.upMs / 1000).toFixed(1)} s on 127.0.0.1:${cluster.ports.apiserver} `
      + `(${cluster.pids.map((p) => `${p.name} ${p.pid}`).join(', ')}; folder ${cluster.dir})`);
    const statsFile = path.join(cluster.dir, 'e2e-stats.jsonl');
    const code = await runJest({
      ...cluster.env, ...selection, E2E_MODE: 'simulated', E2E_STATS: statsFile, E2E_KUBERNETES: ensured.kubernetesVersion,
      E2E_PIDS: cluster.pids.map((p) => p.pid).join(','), E2E_GATEWAY_CRDS: ensured.gatewayCrds,
    }, args.jest, children);
    console.error(`e2e: not simulated, so not checked here (npm run e2e -- --context <ctx> checks them on a real cluster):\n${NOT_SIMULATED.map((l) => `  - ${l}`).join('\n')}`);
    const foreign = cluster.connections().filter((a) => !isLoopback(a));
    if (foreign.length > 0) console.error(`e2e: FAILED the loopback rule: control-plane connections to ${[...new Set(foreign)].join(', ')}`);
    const stats = fs.existsSync(statsFile) ? fs.readFileSync(statsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    const objects = stats.reduce((n, s) => n + (s.objects ?? 0), 0);
    const assertions = stats.reduce((n, s) => n + (s.assertions ?? 0), 0);
    console.error(`e2e: ${objects} objects applied by npm run deploy; ${assertions} assertions; control plane up ${(cluster.upMs / 1000).toFixed(1)} s; `
      + `build check ${((built - started) / 1000).toFixed(1)} s; whole run ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return foreign.length > 0 ? 1 : code;
  } catch (e) {
    console.error(`e2e: ${(e as Error).message}`);
    return 1;
  } finally {
    await stop();
  }
}

/**
 * Against a user's cluster: the context is copied into a kubeconfig of its own (removed at the
 * end), so that deploy, destroy and smoke, which use the current context, talk to it.
 */
async function againstContext(args: Args, selection: NodeJS.ProcessEnv, children: Set<ChildProcess>): Promise<number> {
  console.error(`e2e: against context "${args.context}" of your kubeconfig: nothing is built or started`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-by-example-e2e-'));
  try {
    const view = spawnSync('kubectl', ['config', 'view', '--minify', '--flatten', '--context', args.context!], { encoding: 'utf8', timeout: 30_000 });
    if (view.status !== 0) {
      console.error(`e2e: no context "${args.context}" in your kubeconfig (kubectl config get-contexts): ${view.stderr.trim().split('\n')[0] ?? ''}`);
      return EXIT.usage;
    }
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, view.stdout, { mode: 0o600 });
    const code = await runJest({ ...process.env, ...selection, KUBECONFIG: kubeconfig, E2E_MODE: 'context', E2E_CONTEXT: args.context }, args.jest, children);
    return code;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });
