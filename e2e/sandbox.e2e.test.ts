// `npm run sandbox`: starts its own control plane, serves kubectl through the lines it prints,
// stops one component and starts it again on request, and leaves no process behind after Ctrl-C
// (SIGINT) or `npm run sandbox -- stop`. Only on this machine's binaries: never against a user's cluster.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stateDir } from '../tools/control-plane/harness';
import { sandboxFile } from '../tools/control-plane/sandbox-state';
import { ROOT, SIMULATED } from './lib';

/** A shell command with the given environment; killed after timeoutMs. */
function run(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
  });
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** Resolves when the condition holds (checked every 200 ms), rejects after timeoutMs. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Sandbox { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> }

function startSandbox(): Sandbox {
  const child = spawn(process.execPath, ['scripts/run.js', 'tools/control-plane/sandbox.ts'], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { err += c; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** The sandbox's kubeconfig and kubectl folder, from the lines it printed; its processes, from the harness's state file. */
function printed(sandbox: Sandbox): { env: NodeJS.ProcessEnv; pids: number[]; dir: string } {
  const kubeconfig = /^export KUBECONFIG=(.+)$/m.exec(sandbox.out())![1];
  const bin = /^export PATH="(.+):\$PATH"$/m.exec(sandbox.out())![1];
  const file = fs.readdirSync(stateDir()).find((f) => f.startsWith(`${sandbox.child.pid}-`))!;
  const state = JSON.parse(fs.readFileSync(path.join(stateDir(), file), 'utf8'));
  return { env: { ...process.env, KUBECONFIG: kubeconfig, PATH: `${bin}:${process.env.PATH}` }, pids: state.processes.map((p: { pid: number }) => p.pid), dir: state.dir };
}

const kubectlIn = (env: NodeJS.ProcessEnv, args: string) => run(`kubectl ${args}`, env, 60_000);

(SIMULATED ? describe : describe.skip)('npm run sandbox', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    if (sandbox && sandbox.child.exitCode === null) { sandbox.child.kill('SIGKILL'); await sandbox.exited; }
    sandbox = undefined;
  });

  test('prints the export lines, serves kubectl, stops every process on SIGINT', async () => {
    sandbox = startSandbox();
    await until('the export lines', () => /^export PATH=/m.test(sandbox!.out()) || sandbox!.child.exitCode !== null, 180_000);
    expect(sandbox.err()).not.toMatch(/one is running already/);
    const { env, pids, dir } = printed(sandbox);
    expect(pids).toHaveLength(5);
    const nodes = await kubectlIn(env, 'get nodes -o name');
    expect(nodes.stdout.trim().split('\n')).toEqual(['node/node-a', 'node/node-b', 'node/node-c']);
    sandbox.child.kill('SIGINT');
    expect(await sandbox.exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(sandboxFile())).toBe(false);
    expect(sandbox.err()).toContain('sandbox: stopped; no process left');
  });

  test('stop kube-scheduler: a new pod stays Pending; start it: the pod is placed; npm run sandbox -- stop ends it', async () => {
    sandbox = startSandbox();
    await until('the export lines', () => /^export PATH=/m.test(sandbox!.out()) || sandbox!.child.exitCode !== null, 180_000);
    const { env, pids } = printed(sandbox);
    const npm = (args: string) => run(`npm run --silent sandbox -- ${args}`, env, 240_000);
    const stopped = await npm('stop scheduler');
    expect([stopped.code, stopped.stderr.trim()]).toEqual([0, 'sandbox: kube-scheduler stopped']);
    expect((await kubectlIn(env, 'run waiting --image=busybox:1.36.1 --restart=Never -- sleep 1')).code).toBe(0);
    const nodeOf = async () => (await kubectlIn(env, "get pod waiting -o jsonpath='{.status.phase} {.spec.nodeName}'")).stdout.trim();
    // Unscheduled: no node. Nothing else would place it, so a few reads show it stays so.
    for (let i = 0; i < 3; i++) expect(await nodeOf()).toBe('Pending');
    expect((await kubectlIn(env, "get pod waiting -o jsonpath='{.status.conditions}'")).stdout.trim()).toBe('');
    const started = await npm('start scheduler');
    expect([started.code, started.stderr.trim()]).toEqual([0, 'sandbox: kube-scheduler started']);
    await until('the pod placed on a node', async () => /^\S+ node-[abc]$/.test(await nodeOf()), 120_000);
    // The controller-manager: without it, a deleted pod of a ReplicaSet is not replaced.
    expect((await kubectlIn(env, 'create deployment web --image=busybox:1.36.1 --replicas=1 -- sleep 3600')).code).toBe(0);
    await kubectlIn(env, 'rollout status deployment/web --timeout=120s');
    expect([(await npm('stop controller-manager')).stderr.trim()]).toEqual(['sandbox: kube-controller-manager stopped']);
    expect((await kubectlIn(env, 'delete pod -l app=web --wait=true --timeout=60s')).code).toBe(0);
    const webPods = async () => (await kubectlIn(env, 'get pods -l app=web -o name')).stdout.trim();
    for (let i = 0; i < 3; i++) expect(await webPods()).toBe('');
    expect((await kubectlIn(env, 'get deployment web -o name')).stdout.trim()).toBe('deployment.apps/web'); // still served, from etcd
    expect([(await npm('start controller-manager')).stderr.trim()]).toEqual(['sandbox: kube-controller-manager started']);
    await until('a new web pod', async () => /^pod\/web-/.test(await webPods()), 120_000);
    const restarted = printed(sandbox).pids;
    expect(restarted.filter((p) => !pids.includes(p))).toHaveLength(2); // the new scheduler and controller-manager
    const stop = await npm('stop');
    expect([stop.code, stop.stderr.trim()]).toEqual([0, 'sandbox: stopped']);
    expect(await sandbox.exited).toBe(0);
    expect([...pids, ...restarted].filter(alive)).toEqual([]);
  });
});
