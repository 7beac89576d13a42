// `npm run sandbox [-- stop | stop <component> | start <component>]`
//
// Without arguments: starts the local control plane of `npm run e2e` (harness.ts; profile
// minikube's StorageClass and IngressClass), prints the lines that point a shell's kubectl at
// it, and keeps it running until Ctrl-C (SIGINT), SIGTERM or `npm run sandbox -- stop` from
// another terminal; then stops every process it started and removes its folder.
// `stop kube-scheduler` / `start kube-scheduler` (or kube-controller-manager, kwok) stop or start
// one component of the running sandbox, to watch the others carry on without it.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import { BuildError, ensureBinaries } from './build';
import { Cluster, STOPPABLE, startCluster } from './harness';
import { SandboxState, requestFile, sandboxFile } from './sandbox-state';

const ALIASES: Record<string, string> = { scheduler: 'kube-scheduler', 'controller-manager': 'kube-controller-manager' };
const USAGE = `usage: npm run sandbox [-- stop | stop <component> | start <component>] (components: ${STOPPABLE.join(', ')})`;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function readState(): SandboxState | undefined {
  try {
    const state = JSON.parse(fs.readFileSync(sandboxFile(), 'utf8')) as SandboxState;
    return alive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until a condition holds, checking every 100 ms, for at most timeoutMs. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

async function serve(): Promise<number> {
  const running = readState();
  if (running) {
    console.error(`sandbox: one is running already (process ${running.pid}): export KUBECONFIG=${running.kubeconfig}`);
    return 3;
  }
  let ensured;
  try {
    ensured = ensureBinaries({ say: (l) => console.error(`sandbox: ${l}`) });
  } catch (e) {
    if (e instanceof BuildError) { console.error(`sandbox: ${e.message}`); return e.exitCode; }
    throw e;
  }
  let cluster: Cluster | undefined;
  let stopping: Promise<void> | undefined;
  let done!: () => void;
  const finished = new Promise<void>((r) => { done = r; });
  const stop = (why: string) => (stopping ??= (async () => {
    console.error(`sandbox: ${why}: stopping the control plane`);
    await cluster?.stop();
    fs.rmSync(sandboxFile(), { force: true });
    fs.rmSync(requestFile(), { force: true });
    console.error('sandbox: stopped; no process left');
    done();
  })());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => { void stop(signal); });
  // `npm run sandbox -- stop|start <component>` from another terminal: a request file, then SIGUSR2.
  process.on('SIGUSR2', () => {
    let request: { action: 'stop' | 'start'; component: string; from: number };
    try { request = JSON.parse(fs.readFileSync(requestFile(), 'utf8')); } catch { return; }
    fs.rmSync(requestFile(), { force: true });
    const act = request.action === 'stop' ? cluster!.stopComponent(request.component) : cluster!.startComponent(request.component);
    act.then(() => {
      console.error(`sandbox: ${request.component} ${request.action === 'stop' ? 'stopped' : 'started'}`);
      try { process.kill(request.from, 'SIGUSR2'); } catch { /* the asking process is gone */ }
    }, (e) => console.error(`sandbox: ${(e as Error).message}`));
  });
  try {
    cluster = await startCluster({ binaries: ensured.binaries, kwokStages: ensured.kwokStages, log: (l) => console.error(`sandbox: ${l}`) });
    await cluster.useProfile('minikube');
  } catch (e) {
    console.error(`sandbox: ${(e as Error).message}`);
    await cluster?.stop();
    return 1;
  }
  const bin = path.dirname(ensured.binaries.kubectl);
  fs.writeFileSync(sandboxFile(), JSON.stringify({ pid: process.pid, kubeconfig: cluster.kubeconfig, bin } satisfies SandboxState));
  console.error(`sandbox: Kubernetes v${ensured.kubernetesVersion} on 127.0.0.1:${cluster.ports.apiserver}, three simulated nodes (no containers run), up in ${(cluster.upMs / 1000).toFixed(1)} s`);
  console.error('sandbox: in another terminal, point kubectl at it with:');
  console.log(`export KUBECONFIG=${cluster.kubeconfig}`);
  console.log(`export PATH="${bin}:$PATH"`);
  console.error('sandbox: Ctrl-C here, or npm run sandbox -- stop, stops it');
  await finished;
  return 0;
}

async function control(args: string[]): Promise<number> {
  const state = readState();
  if (!state) { console.error('sandbox: none is running (start one with npm run sandbox)'); return 4; }
  if (args.length === 0) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await until(() => !alive(state.pid), 120_000))) { console.error(`sandbox: process ${state.pid} did not stop within 120 s`); return 1; }
    console.error('sandbox: stopped');
    return 0;
  }
  const component = ALIASES[args[1]] ?? args[1];
  if (!STOPPABLE.includes(component)) { console.error(`sandbox: unknown component "${args[1]}": one of ${STOPPABLE.join(', ')}`); return 2; }
  let answered = false;
  process.on('SIGUSR2', () => { answered = true; });
  fs.writeFileSync(requestFile(), JSON.stringify({ action: args[0], component, from: process.pid }));
  process.kill(state.pid, 'SIGUSR2');
  if (!(await until(() => answered, 180_000))) { console.error(`sandbox: ${component} did not ${args[0]} within 180 s`); return 1; }
  console.error(`sandbox: ${component} ${args[0] === 'stop' ? 'stopped' : 'started'}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  let positionals: string[];
  try {
    ({ positionals } = util.parseArgs({ args: argv, allowPositionals: true, options: {} }));
  } catch (e) {
    console.error(`sandbox: ${(e as Error).message}: ${USAGE}`);
    return 2;
  }
  if (positionals.length === 0) return serve();
  const [action, component] = positionals;
  if ((action === 'stop' && positionals.length <= 2) || (action === 'start' && positionals.length === 2)) return control(component ? [action, component] : []);
  console.error(`sandbox: unknown arguments "${positionals.join(' ')}": ${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; process.exit(); }, (e) => { console.error(`sandbox: ${(e as Error).message}`); process.exit(1); });
