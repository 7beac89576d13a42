// What the e2e tests share: which cluster they talk to, kubectl and npm with a bounded run time,
// and reading an example's live objects from the API.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseManifests } from '../validator/model';
import { Live, Obj } from './checks';
export { NOT_SIMULATED } from './not-simulated';

export const ROOT = path.resolve(__dirname, '..');
export const MODE = (process.env.E2E_MODE ?? '') as 'simulated' | 'context' | '';
export const SIMULATED = MODE === 'simulated';

if (!MODE || !process.env.KUBECONFIG) {
  throw new Error('the e2e suite runs through `npm run e2e` (a control plane of its own) or `npm run e2e -- --context <ctx>`');
}

export interface Result { code: number; stdout: string; stderr: string; timedOut: boolean }

/** Runs a command with the suite's KUBECONFIG and PATH; kills it after timeoutMs. */
export function run(command: string, args: readonly string[], options: { timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd: options.cwd ?? ROOT, env: process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, options.timeoutMs ?? 120_000);
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    // A command that exits before reading its input (kubectl failing at once) must not crash the suite: its exit code and stderr say why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr, timedOut }); });
  });
}

/** kubectl with a bounded run time (60 s unless told). */
export const kubectl = (args: readonly string[], options: { timeoutMs?: number; input?: string } = {}) => run('kubectl', args, { timeoutMs: 60_000, ...options });

/** kubectl that must succeed: returns stdout, or throws with kubectl's error. */
export async function kubectlOk(args: readonly string[], options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  const r = await kubectl(args, options);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.code}`}: ${r.stderr.trim()}`);
  return r.stdout;
}

export async function getJson(args: readonly string[]): Promise<Obj> {
  return JSON.parse(await kubectlOk(['get', ...args, '-o', 'json', '--request-timeout=30s']));
}

/** `npm run <script> -- <args>`, as a reader of the guides types it. */
export const npmRun = (script: string, args: readonly string[], timeoutMs = 600_000) => run('npm', ['run', '--silent', script, '--', ...args], { timeoutMs });

export function manifests(example: string, profile: string): Obj[] {
  const file = path.join('dist', profile, `${example}.yaml`);
  return parseManifests(file, fs.readFileSync(path.join(ROOT, file), 'utf8')).map((m) => m.object);
}

export const namespaceOf = (objects: Obj[]): string => objects.find((o) => o.kind === 'Namespace')?.metadata?.name ?? objects.find((o) => o.metadata?.namespace)?.metadata?.namespace;


/** Reads from the API what the checks look at: the example's objects, its pods, ReplicaSets, events, EndpointSlices, claims, and the nodes. */
export async function readLive(objects: Obj[]): Promise<Live> {
  const ns = namespaceOf(objects);
  const kinds = [...new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => `${o.kind.toLowerCase()}${o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : ''}`))];
  const [nsObj, list, pods, replicaSets, events, endpointSlices, claims, nodes] = await Promise.all([
    kubectl(['get', 'namespace', ns, '-o', 'json', '--request-timeout=30s']).then((r) => (r.code === 0 ? JSON.parse(r.stdout) : undefined)),
    getJson(['-n', ns, kinds.join(',')]),
    getJson(['-n', ns, 'pods']),
    getJson(['-n', ns, 'replicasets.apps']),
    getJson(['-n', ns, 'events']),
    getJson(['-n', ns, 'endpointslices.discovery.k8s.io']),
    getJson(['-n', ns, 'persistentvolumeclaims']),
    getJson(['nodes']),
  ]);
  const map = new Map<string, Obj>();
  for (const o of list.items as Obj[]) map.set(`${o.kind}/${o.metadata.name}`, o);
  if (nsObj) map.set(`Namespace/${ns}`, nsObj);
  return { namespace: nsObj, objects: map, pods: pods.items, replicaSets: replicaSets.items, events: events.items, endpointSlices: endpointSlices.items, claims: claims.items, nodes: nodes.items };
}

/**
 * On the simulated cluster: installs the Gateway API CRDs (server-side: they are too large for
 * the last-applied annotation) and waits until each is Established. Idempotent.
 */
export async function installGatewayCrds(): Promise<void> {
  const file = process.env.E2E_GATEWAY_CRDS;
  if (!SIMULATED || !file) return;
  const crds = parseManifests(file, fs.readFileSync(file, 'utf8')).map((m) => m.object).filter((o) => o.kind === 'CustomResourceDefinition');
  await kubectlOk(['apply', '--server-side', '-f', file, '--request-timeout=60s'], { timeoutMs: 120_000 });
  await kubectlOk(['wait', '--for=condition=Established', ...crds.map((c) => `crd/${c.metadata.name}`), '--timeout=120s'], { timeoutMs: 130_000 });
}

/** One JSON line per applied example for the runner's summary (objects applied). */
export function recordStats(entry: Record<string, unknown>): void {
  if (process.env.E2E_STATS) fs.appendFileSync(process.env.E2E_STATS, `${JSON.stringify(entry)}\n`);
}

/**
 * The command a guide gives to create an out-of-band Secret: the `kubectl ... create secret ...
 * <name>` line of the README's shell blocks, with its continuation lines. Its values come from
 * `$(openssl rand ...)`, so every run gets a random password.
 */
export function guideSecretCommand(readme: string, secret: string): string | undefined {
  const blocks = [...readme.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].map((m) => m[1]);
  for (const block of blocks) {
    const lines = block.replace(/\\\n\s*/g, ' ').split('\n');
    const found = lines.find((l) => /^kubectl\b.*\bcreate secret \S+ (\S+)/.test(l) && new RegExp(`\\bcreate secret \\S+ ${secret.replace(/[.-]/g, '\\$&')}(\\s|$)`).test(l));
    if (found) return found.replace(/\s+#.*$/, '').trim();
  }
  return undefined;
}
