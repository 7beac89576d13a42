// How the cluster scripts talk to a cluster: every call goes through a `Kubectl` function, so the
// tests can replace kubectl and check each planned invocation and each error path.
import { ChildProcess, ChildProcessByStdio, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { parseDocument } from 'yaml';

/** An error the user can fix: printed as one line, without a stack. */
export class UserError extends Error {}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Called with each line kubectl prints on stdout, as it prints it. */
  readonly onLine?: (line: string) => void;
  /** Kills kubectl after this many milliseconds (default: KUBECTL_TIMEOUT). */
  readonly timeoutMs?: number;
}

/** Runs kubectl with these arguments. Throws a UserError when kubectl is not installed. */
export type Kubectl = (args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export const KUBECTL_MISSING = 'kubectl not found on PATH: install it (https://kubernetes.io/docs/tasks/tools/) and try again';

/** The first non-empty line of a text, trimmed. */
export const firstLine = (text: string): string => text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/** How long one kubectl call may take, unless KUBECTL_TIMEOUT says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** KUBECTL_TIMEOUT in seconds: `60`, `60s` or `2m`; throws a UserError on anything else. */
export function kubectlTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.KUBECTL_TIMEOUT;
  if (text === undefined || text === '') return DEFAULT_TIMEOUT_SECONDS;
  const m = /^(\d{1,6})(s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new UserError(`KUBECTL_TIMEOUT "${text}" is not a duration: give seconds (60 or 60s) or minutes (2m)`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

/** `--request-timeout` for a kubectl call that makes single requests (not one that watches). */
export const requestTimeout = (seconds: number): string => `--request-timeout=${seconds}s`;

/** A kubectl call as a line of an error message, without the long list of --prune-allowlist flags. */
export function describeCall(args: readonly string[]): string {
  const shown: string[] = [];
  for (const arg of args) {
    if (!arg.startsWith('--prune-allowlist=')) shown.push(arg);
    else if (!shown.includes('--prune-allowlist=…')) shown.push('--prune-allowlist=…');
  }
  return ['kubectl', ...shown].join(' ');
}

// kubectl runs in a process group of its own (detached), so that a timeout, or the end of this
// process, stops all it started: a wrapper script of kubectl and the kubectl it runs alike.
const GROUPS = process.platform !== 'win32';
const running = new Set<ChildProcess>();

/** Stops a child and everything in its process group; nothing when they are gone already. */
export function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (GROUPS) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Stops every kubectl still running: when this process exits, or is interrupted (cli.ts). */
export function stopAll(): void {
  for (const child of running) stopGroup(child);
  running.clear();
}
process.on('exit', stopAll);

/** Starts kubectl in a process group of its own, tracked until it closes. */
export function spawnGroup(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcessByStdio<null, Readable, Readable> {
  const child = spawn('kubectl', [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: GROUPS });
  running.add(child);
  child.on('close', () => running.delete(child));
  child.on('error', () => running.delete(child));
  return child;
}

/** Lets this process exit whatever the child's streams do. */
export function release(child: ChildProcessByStdio<null, Readable, Readable>): void {
  stopGroup(child);
  running.delete(child);
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
}

/**
 * A Kubectl that runs the kubectl found on PATH, in `cwd`. Every call is bounded: after
 * `timeoutSeconds` (or the call's own timeoutMs) its process group is killed and the call fails
 * with a UserError naming it. When kubectl exits, whatever it left in its group is stopped too,
 * so that a process still holding its output cannot keep the call from ending.
 */
export function spawnKubectl(cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS): Kubectl {
  return (args, options = {}) => new Promise<RunResult>((resolve, reject) => {
    const limitMs = options.timeoutMs ?? timeoutSeconds * 1000;
    const child = spawnGroup(args, cwd, env);
    let stdout = '';
    let stderr = '';
    let partial = '';
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => settle(() => {
      release(child);
      reject(new UserError(`${describeCall(args)} did not finish within ${Math.round(limitMs / 1000)}s and was stopped: is the cluster slow? raise KUBECTL_TIMEOUT (seconds)`));
    }), limitMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (!options.onLine) return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach((l) => options.onLine?.(l));
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('exit', () => stopGroup(child));
    child.on('error', (err: NodeJS.ErrnoException) => settle(() => reject(err.code === 'ENOENT' ? new UserError(KUBECTL_MISSING) : err)));
    child.on('close', (code) => settle(() => {
      if (partial && options.onLine) options.onLine(partial);
      resolve({ code: code ?? 1, stdout, stderr });
    }));
  });
}

export interface ClusterInfo {
  /** The current context of the kubeconfig. */
  readonly context: string;
  /** The API server's version, e.g. 1.31. */
  readonly major: number;
  readonly minor: number;
  readonly gitVersion: string;
}

/**
 * What is wrong with the kubeconfig when kubectl finds no current context: the files KUBECONFIG
 * names (or ~/.kube/config) are missing, are not files, are not YAML or not a kubeconfig; or
 * they are fine and name no current context (undefined then).
 */
export function kubeconfigProblem(env: NodeJS.ProcessEnv, home: string = env.HOME ?? os.homedir()): string | undefined {
  const named = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  const files = named.length > 0 ? named : [path.join(home, '.kube', 'config')];
  const present = files.filter((f) => fs.existsSync(f));
  if (present.length === 0) {
    if (named.length === 0) return `no kubeconfig: ${files[0]} does not exist and KUBECONFIG is not set: start a cluster (minikube start writes it) or set KUBECONFIG`;
    return `the kubeconfig ${files.join(', ')} (from KUBECONFIG) does not exist: set KUBECONFIG to your kubeconfig file, or unset it to use ~/.kube/config`;
  }
  for (const file of present) {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return `the kubeconfig ${file} is not a file`;
    if (stat.size > 16 * 1024 * 1024) return `the kubeconfig ${file} is ${Math.round(stat.size / 1024 / 1024)} MB, too large for a kubeconfig`;
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) {
      return `the kubeconfig ${file} is not valid YAML (${firstLine(doc.errors[0].message).replace(/ at line \d+, column \d+:?$/, '')}): fix it, or set KUBECONFIG to another file`;
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      return `the kubeconfig ${file} is not a kubeconfig: it holds ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a mapping of clusters, contexts and users`;
    }
  }
  return undefined;
}

export interface PreflightOptions {
  /** The environment kubectl runs with: when given, a kubectl that finds no context is explained from its kubeconfig. */
  readonly env?: NodeJS.ProcessEnv;
  /** `--request-timeout` of the version call, in seconds. */
  readonly timeoutSeconds?: number;
}

/**
 * Checks that kubectl is installed, that the kubeconfig has a current context, and that its
 * cluster answers; throws a UserError that says which of the three is missing (and, for the
 * kubeconfig, whether the file is missing, broken or names no context).
 */
export async function preflight(kubectl: Kubectl, options: PreflightOptions = {}): Promise<ClusterInfo> {
  const context = await kubectl(['config', 'current-context']);
  if (context.code !== 0 || !context.stdout.trim()) {
    const problem = options.env ? kubeconfigProblem(options.env) : undefined;
    if (problem) throw new UserError(problem);
    const loading = /error loading config file.*/.exec(context.stderr);
    if (loading) throw new UserError(`kubectl cannot read the kubeconfig: ${firstLine(loading[0])}`);
    throw new UserError('no current kube context: start a cluster (minikube start) or choose one '
      + '(kubectl config get-contexts, then kubectl config use-context NAME)');
  }
  const name = context.stdout.trim();
  const version = await kubectl(['version', '--output=json', requestTimeout(options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)]);
  let server: { major?: string; minor?: string; gitVersion?: string } | undefined;
  try {
    server = JSON.parse(version.stdout).serverVersion;
  } catch {
    server = undefined;
  }
  if (version.code !== 0 || !server) {
    const reason = firstLine(version.stderr) || 'no answer';
    throw new UserError(`cannot reach the cluster of context "${name}": ${reason} (is it running? minikube status)`);
  }
  return {
    context: name,
    major: parseInt(server.major ?? '0', 10),
    minor: parseInt(server.minor ?? '0', 10),
    gitVersion: server.gitVersion ?? `${server.major}.${server.minor}`,
  };
}
